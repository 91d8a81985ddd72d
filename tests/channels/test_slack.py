"""Slack end to end: signed events to the running bot, replies read from a local fake of Slack's Web API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from stack.processes import Stack
from tests.channels.conftest import SLACK_API, SLACK_SECRET, SLACK_TOKEN
from tests.channels.fakes import FakeService, Recorded, wait_until
from tests.e2e.test_rest import verbatim

POST_MESSAGE = SLACK_API + "chat.postMessage"
QUESTION = "Hvordan skaber ledere sammenhæng for borgeren på tværs af sektorer?"


def sign(body: bytes, secret: str = SLACK_SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def post(stack: Stack, body: bytes, headers: dict[str, str],
         content_type: str = "application/json") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(f"{stack.config.rasa_url}/webhooks/slack/webhook", data=body,
                                     headers={"Content-Type": content_type, **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode(errors="replace")


def event(text: str, channel: str | None = None, kind: str = "message", **extra: Any) -> dict[str, Any]:
    """An Events API callback as Slack sends it: a direct message, or a mention in a channel."""
    channel = channel or f"D{uuid.uuid4().hex[:8].upper()}"
    inner = {"type": kind, "channel": channel, "user": f"U{uuid.uuid4().hex[:8].upper()}", "text": text,
             "ts": f"{time.time():.6f}", "event_ts": f"{time.time():.6f}", **extra}
    if kind == "message":
        inner["channel_type"] = "im"
    return {"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10]}", "event_time": int(time.time()),
            "authorizations": [{"user_id": "UBOT", "is_bot": True}], "event": inner}


def send(stack: Stack, payload: dict[str, Any], **headers: str) -> tuple[int, dict[str, str], str]:
    body = json.dumps(payload).encode()
    return post(stack, body, {**sign(body), **headers})


def replies_to(fake: FakeService, payload: dict[str, Any]) -> list[Recorded]:
    e = payload["event"]
    return fake.received("POST", POST_MESSAGE,
                         lambda r: r.data.get("channel") == e["channel"] and r.data.get("thread_ts") == e["ts"])


def answered(fake: FakeService, payload: dict[str, Any]) -> list[Recorded]:
    """The replies to one question, once the last one (the follow-up offer with buttons) has come."""
    def done() -> list[Recorded]:
        got = replies_to(fake, payload)
        return got if any(block.get("type") == "actions" for r in got for block in r.data.get("blocks") or []) else []
    return wait_until(done, timeout=90)


def quote_blocks(replies: list[Recorded]) -> list[tuple[Recorded, str]]:
    return [(r, element["text"]) for r in replies for block in r.data.get("blocks") or []
            if block["type"] == "rich_text" for quote in block["elements"] if quote["type"] == "rich_text_quote"
            for element in quote["elements"]]


def test_a_question_is_answered_in_its_thread_with_quotes_as_blocks(channel_stack: Stack, fake: FakeService):
    payload = event(QUESTION)
    status, _, _ = send(channel_stack, payload)
    assert status == 200
    replies = answered(fake, payload)
    assert all(r.headers.get("authorization") == f"Bearer {SLACK_TOKEN}" and "as_user" not in r.data for r in replies)

    quotes = quote_blocks(replies)
    assert len(quotes) >= 2
    (answer,) = {id(r): r for r, _ in quotes}.values()  # all quotes in one message
    blocks = answer.data["blocks"]
    assert blocks[0]["type"] == "section" and blocks[0]["text"]["text"] == "Det siger kilderne om dit spørgsmål:"
    for _, text in quotes:
        assert text.startswith("[") and "«" in text and text.endswith("»")
        assert verbatim(text[text.index("«") + 1:-1])
    sources = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert len(sources) == len(quotes) and all(s.startswith("— ") for s in sources)
    # the quotes are posted once: no other reply carries them as text or blocks
    others = [r for r in replies if r is not answer]
    assert others and not any("«" in r.data.get("text", "") or quote_blocks([r]) for r in others)


def test_a_mention_in_a_channel_is_answered_in_that_thread_without_the_mention(channel_stack: Stack,
                                                                               fake: FakeService):
    payload = event("<@UBOT> Giv mig et citat om tillid til medarbejderne", channel="C0CHANNEL", kind="app_mention")
    assert send(channel_stack, payload)[0] == 200
    replies = answered(fake, payload)
    assert len(quote_blocks(replies)) == 1 and all(r.data["channel"] == "C0CHANNEL" for r in replies)


def test_slack_retries_and_double_deliveries_never_give_a_second_reply(channel_stack: Stack, fake: FakeService):
    payload = event("Hvad siger borgerne om at blive inddraget?")
    assert send(channel_stack, payload)[0] == 200
    first = answered(fake, payload)
    for attempt in ("1", "2"):
        status, headers, _ = send(channel_stack, payload, **{"X-Slack-Retry-Num": attempt,
                                                             "X-Slack-Retry-Reason": "http_error"})
        assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    # the same message again as a mention event (Slack sends both when the app subscribes to both)
    mention = {**payload, "event_id": f"Ev{uuid.uuid4().hex[:10]}", "event": {**payload["event"], "type": "app_mention"}}
    assert send(channel_stack, mention)[0] == 200
    time.sleep(4)
    assert len(replies_to(fake, payload)) == len(first)


def test_a_retry_whose_first_delivery_was_lost_is_answered_once(channel_stack: Stack, fake: FakeService):
    payload = event("Hvordan skaber ledere mening for medarbejderne?")
    assert send(channel_stack, payload, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})[0] == 200
    first = answered(fake, payload)
    send(channel_stack, payload, **{"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"})
    time.sleep(3)
    assert len(replies_to(fake, payload)) == len(first)


@pytest.mark.parametrize("headers", [
    pytest.param(lambda body: {}, id="unsigned"),
    pytest.param(lambda body: sign(body, secret="not-the-secret"), id="wrong-secret"),
    pytest.param(lambda body: sign(body + b" "), id="signature-of-another-body"),
    pytest.param(lambda body: sign(body, timestamp=int(time.time()) - 600), id="stale"),
    pytest.param(lambda body: {**sign(body), "X-Slack-Request-Timestamp": "yesterday"}, id="bad-timestamp"),
])
def test_unsigned_wrongly_signed_or_stale_requests_are_rejected(channel_stack: Stack, fake: FakeService, headers):
    payload = event(QUESTION)
    body = json.dumps(payload).encode()
    status, _, text = post(channel_stack, body, headers(body))
    assert status == 401 and "Traceback" not in text
    time.sleep(2)
    assert replies_to(fake, payload) == []
    # the same event, properly signed, is then answered: the rejection did not mark it as seen
    assert send(channel_stack, payload)[0] == 200
    answered(fake, payload)


@pytest.mark.parametrize("body,content_type", [
    (b"{not json", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
])
def test_unreadable_signed_requests_get_400(channel_stack: Stack, body: bytes, content_type: str):
    status, _, text = post(channel_stack, body, sign(body), content_type)
    assert status == 400 and "Traceback" not in text


def test_another_content_type_gets_415(channel_stack: Stack):
    body = b"hello"
    assert post(channel_stack, body, sign(body), "text/plain")[0] == 415


def test_url_verification_and_charset_in_the_content_type(channel_stack: Stack):
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "unused"}).encode()
    status, _, text = post(channel_stack, body, sign(body), "application/json; charset=utf-8")
    assert status == 200 and json.loads(text) == {"challenge": "abc123"}
