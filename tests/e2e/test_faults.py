"""Faults: the action server down gives an apology, and a restarted Rasa keeps the conversation."""

from __future__ import annotations

from stack.processes import Stack
from tests.e2e.conftest import Conversation, citations_of, text_of


def test_action_server_down_gives_an_apology_then_recovers(stack: Stack):
    talk = Conversation(stack)
    stack.stop("actions")
    try:
        reply = talk.say("Hvordan skaber ledere mening for medarbejderne?")
        assert "Undskyld" in text_of(reply) and citations_of(reply) == []
    finally:
        stack.start_actions()
    assert citations_of(talk.say("Hvordan skaber ledere mening for medarbejderne?"))


def test_a_conversation_survives_a_restart_of_rasa(stack: Stack):
    talk = Conversation(stack)
    first = citations_of(talk.say("Hvad siger borgerne om at blive inddraget?"))
    assert first
    stack.stop("rasa")
    stack.start_rasa()
    who = text_of(talk.say("hvem sagde det?"))
    assert who.startswith("Her kommer citaterne fra:") and first[0]["title"] in who
