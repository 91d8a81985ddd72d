"""Privacy end to end: what the live stack stores about a conversation, forgetting it, and what it logs."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from knowledge.cli import main as brobygger
from records import unanswered
from stack.processes import Stack
from tests.e2e.conftest import Conversation, citations_of, database_of, text_of

CPR, EMAIL, PHONE = "010190-1234", "ida.hansen@kommune.dk", "20 30 40 50"


def rows_of(stack: Stack, sender: str) -> list[str]:
    """Every row of the sender's conversation in Rasa's table, its JSON decoded, as text."""
    with sa.create_engine(database_of(stack)).connect() as c:
        rows = c.execute(sa.text("SELECT type_name, intent_name, action_name, data FROM events WHERE sender_id = :s"),
                         {"s": sender}).all()
    return [" ".join(str(v) for v in (r[0], r[1], r[2], json.loads(r[3]))) for r in rows]


def test_cpr_email_and_phone_never_reach_the_tracker_store(conversation: Conversation, stack: Stack):
    reply = conversation.say(f"Jeg hedder Ida, mit CPR er {CPR}, skriv til {EMAIL} eller ring {PHONE}. "
                             "Hvordan håndterer ledere krydspres?")
    assert text_of(reply)
    rows = rows_of(stack, conversation.sender)
    assert rows
    stored = "\n".join(rows)
    for secret in (CPR, CPR.replace("-", ""), EMAIL, PHONE, PHONE.replace(" ", "")):
        assert secret not in stored
    assert "Jeg hedder Ida, mit CPR er [cpr], skriv til [e-mail] eller ring [telefon]." in stored
    assert "Hvordan håndterer ledere krydspres?" in stored


def test_a_question_the_sources_do_not_answer_is_kept_redacted(conversation: Conversation, stack: Stack):
    reply = conversation.say(f"Hvad bliver vejret i Aarhus i morgen? Svar mig på {EMAIL}")
    assert text_of(reply).startswith("Det svarer kilderne ikke på")
    (kept,) = [u for u in unanswered.read_all(database_of(stack)) if u.sender == conversation.sender]
    assert kept.question == "Hvad bliver vejret i Aarhus i morgen? Svar mig på [e-mail]"
    assert kept.language == "da" and kept.document  # the nearest document, for the editors' report


def test_forget_deletes_the_conversation_and_the_next_message_starts_afresh(
        conversation: Conversation, stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    question = "Hvordan skaber ledere sammenhæng for borgeren på tværs af sektorer?"
    assert citations_of(conversation.say(question))
    assert text_of(conversation.say("hvem sagde det?")).startswith("Her kommer citaterne fra:")

    monkeypatch.setenv("BROBYGGER_DATA_DIR", str(stack.config.data_dir))
    assert brobygger(["forget", conversation.sender]) == 0
    assert f"Deleted what was stored for {conversation.sender!r}" in capsys.readouterr().out
    assert rows_of(stack, conversation.sender) == []

    after = text_of(conversation.say("hvem sagde det?"))
    assert after.startswith("Jeg har ikke vist dig noget endnu")  # no earlier answer to refer to
    assert not any(question in row for row in rows_of(stack, conversation.sender))


def test_no_message_text_in_the_logs(conversation: Conversation, stack: Stack):
    phrase = f"fjordhestens-{uuid.uuid4().hex[:8]}"
    conversation.say(f"Hvordan leder man {phrase} på tværs af forvaltninger?")
    conversation.say(f"Hvad koster en {phrase} i Aarhus?")
    conversation.say(f"ikke brugbart, {phrase}")
    web = stack.config.web_url
    for q in (f"krydspres {phrase}", "krydspres"):
        with urllib.request.urlopen(f"{web}/api/quotes?" + urllib.parse.urlencode({"q": q})) as r:
            ids = [quote["id"] for quote in json.loads(r.read())["quotes"]]
    body = {"sender": conversation.sender, "helpful": False, "reason": phrase, "query": phrase, "passage_ids": ids}
    request = urllib.request.Request(f"{web}/api/feedback", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request).read()
    except urllib.error.HTTPError as exc:
        pytest.fail(f"feedback was refused: {exc.code} {exc.read()!r}")
    time.sleep(1)  # the processes write their logs unbuffered; give the last lines a moment
    logs = sorted(stack.config.log_dir.rglob("*"))
    assert logs
    for path in logs:
        if path.is_file():
            assert phrase not in path.read_text(encoding="utf-8", errors="replace"), path.name
