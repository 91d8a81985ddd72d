"""Any text over the REST channel of the running stack gets a 200 with a list of replies for that
sender: never a 5xx, never a stack trace. Bounded: 25 examples, each from its own sender."""

from __future__ import annotations

import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stack.processes import Stack
from tests.e2e.conftest import Conversation
from tests.knowledge.strategies import ANY_CHAR, any_text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(any_text(max_size=3000),  # and long ones, past the NLU's 2,000 characters, within the size limit
                      st.builds(lambda piece, n: piece * n, st.text(ANY_CHAR, min_size=1, max_size=20),
                                st.integers(min_value=100, max_value=600))),
       sender=st.one_of(st.just(""), st.text(ANY_CHAR, min_size=1, max_size=40)))
def test_any_text_gets_a_list_of_replies(stack: Stack, text: str, sender: str):
    talk = Conversation(stack)
    talk.sender = f"{talk.sender}-{sender}" if sender.strip() else talk.sender  # unicode ids too; always unique
    status, body = talk.raw(json.dumps({"sender": talk.sender, "message": text}).encode("utf-8"))
    assert status == 200, body[:500]
    replies = json.loads(body)
    assert isinstance(replies, list) and "Traceback" not in body
    assert all(isinstance(r, dict) and r.get("recipient_id") == talk.sender for r in replies)
