"""Security of the running stack, over HTTP: Rasa's API is off, CORS and socket.io only for the chat
page's origins, bad REST requests get a 4xx (never a 5xx or a stack trace), oversized ones a 413,
and a sender over the rate limit gets a short reply while the message is not processed."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from rasa_addons.channels.guard import DEFAULT_BURST, DEFAULT_PER_MINUTE
from stack.processes import Stack
from tests.e2e.conftest import Conversation, citations_of, text_of
from tests.support import http_call

EVIL = "https://evil.example"


def page_origin(stack: Stack) -> str:
    return f"http://localhost:{stack.config.web_port}"


def rest(stack: Stack, body: bytes, content_type: str | None = "application/json", query: str = "",
         **headers: str) -> tuple[int, dict[str, str], str]:
    return http_call(stack.config.rasa_url, "POST", "/webhooks/rest/webhook" + query, body,
                {**({"Content-Type": content_type} if content_type else {}), **headers})


def test_rasas_http_api_is_off(stack: Stack):
    for method, path, body in [("GET", "/conversations/anyone/tracker", None),
                               ("POST", "/model/parse", b'{"text": "hej"}'),
                               ("GET", "/status", None), ("GET", "/domain", None)]:
        status, _, text = http_call(stack.config.rasa_url, method, path, body, {"Content-Type": "application/json"})
        assert status in (401, 403, 404, 405), (path, status, text[:200])
        assert "events" not in text and "intent" not in text


def test_rest_cors_only_for_the_chat_pages_origin(stack: Stack):
    body = json.dumps({"sender": f"cors-{uuid.uuid4().hex[:8]}", "message": "hej"}).encode()
    status, headers, _ = rest(stack, body, Origin=page_origin(stack))
    assert status == 200 and headers["access-control-allow-origin"] == page_origin(stack)
    status, headers, _ = rest(stack, body, Origin=EVIL)
    assert "access-control-allow-origin" not in headers
    status, headers, _ = http_call(stack.config.rasa_url, "OPTIONS", "/webhooks/rest/webhook", None,
                              {"Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in headers


def socketio_connect(stack: Stack, origin: str) -> str:
    """Engine.IO 4 over HTTP long-polling, by hand: open, ask to join the default namespace, read the verdict."""
    path = "/socket.io/?EIO=4&transport=polling"
    status, headers, opened = http_call(stack.config.rasa_url, "GET", path, None, {"Origin": origin})
    assert status == 200 and opened.startswith("0"), opened
    sid = json.loads(opened[1:])["sid"]
    status, _, _ = http_call(stack.config.rasa_url, "POST", f"{path}&sid={sid}", b"40",
                        {"Origin": origin, "Content-Type": "text/plain;charset=UTF-8"})
    assert status == 200
    _, _, verdict = http_call(stack.config.rasa_url, "GET", f"{path}&sid={sid}", None, {"Origin": origin})
    return verdict


def test_socketio_accepts_the_chat_page_and_refuses_other_sites(stack: Stack):
    assert socketio_connect(stack, page_origin(stack)).startswith("40")  # CONNECT acknowledged
    assert socketio_connect(stack, EVIL).startswith("44")  # CONNECT_ERROR: refused
    _, headers, _ = http_call(stack.config.rasa_url, "GET", "/socket.io/?EIO=4&transport=polling", None, {"Origin": EVIL})
    assert "access-control-allow-origin" not in headers


@pytest.mark.parametrize("content_type, body, status", [
    ("application/json", b"{not json", 400),
    ("application/json", b"", 400),
    ("application/json", b"[1, 2]", 400),
    ("application/json", b'"hej"', 400),
    ("application/json", b"[" * 50_000 + b"]" * 50_000, 400),
    ("application/json", b'{"message": "hej"}', 400),
    ("application/json", b'{"sender": "", "message": "hej"}', 400),
    ("application/json", b'{"sender": ["s"], "message": "hej"}', 400),
    ("application/json", b'{"sender": "s"}', 400),
    ("application/json", b'{"sender": "s", "message": 5}', 400),
    ("application/json", b'{"sender": "s", "message": null}', 400),
    ("application/json", b'{"sender": "s", "message": "\\ud800"}', 400),
    ("application/json", b'{"sender": "s", "message": "hej", "metadata": "x"}', 400),
    ("text/plain", b'{"sender": "s", "message": "hej"}', 415),
    ("application/x-www-form-urlencoded", b"sender=s&message=hej", 415),
    (None, b'{"sender": "s", "message": "hej"}', 415),
])
def test_bad_rest_requests_get_a_4xx_that_says_what_to_send(stack: Stack, content_type, body: bytes, status: int):
    for query in ("", "?stream=true"):
        got, headers, text = rest(stack, body, content_type, query)
        assert got == status, (query, got, text[:300])
        assert "error" in json.loads(text) and "Traceback" not in text


def test_an_oversized_request_gets_413_and_rasa_keeps_serving(stack: Stack):
    body = json.dumps({"sender": "big", "message": "x" * 400_000}).encode()
    status, _, text = rest(stack, body)
    assert status == 413 and "Traceback" not in text
    assert text_of(Conversation(stack).say("hej"))  # the next request is answered as usual


def test_a_sender_over_the_rate_limit_is_told_and_not_answered(stack: Stack):
    talk = Conversation(stack)  # its own sender: the others' conversations are not affected
    began = time.monotonic()
    answered = 0
    while True:
        reply = talk.say("hej")
        if "mange beskeder på kort tid" in text_of(reply):
            break
        answered += 1
        assert answered <= DEFAULT_BURST + 5, "the limit never applied"
    elapsed = time.monotonic() - began
    assert DEFAULT_BURST <= answered <= DEFAULT_BURST + 1 + elapsed * DEFAULT_PER_MINUTE / 60
    # refused: a real question gets the short reply, in its language, and no answer
    question = "How do other leaders handle cross-pressure between politics and professional values?"
    refused = talk.say(question)
    if citations_of(refused):  # a token refilled just now (one every 3 s): the next one is surely refused
        refused = talk.say(question)
    assert text_of(refused).startswith("You have sent many messages") and citations_of(refused) == []
    assert len(refused) == 1
    # another sender is answered as usual meanwhile
    assert citations_of(Conversation(stack).say("Hvordan håndterer andre ledere krydspres?"))
