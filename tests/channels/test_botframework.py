"""Teams (Bot Framework) end to end: activities with tokens from a fake issuer, replies read from a fake connector."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Callable

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from stack.processes import Stack
from tests.channels.conftest import BF, CONNECTOR, TEAMS_APP_ID, TEAMS_ISSUER, TEAMS_OUT_TOKEN, TEAMS_PASSWORD, Issuer
from tests.channels.fakes import FakeService, Recorded, wait_until
from tests.e2e.test_rest import verbatim

ADAPTIVE = "application/vnd.microsoft.card.adaptive"
HERO = "application/vnd.microsoft.card.hero"


def activity(fake: FakeService, text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "id": f"act-{uuid.uuid4().hex[:8]}", "channelId": "msteams",
            "serviceUrl": fake.url + CONNECTOR, "text": text, "timestamp": "2026-01-01T00:00:00Z",
            "from": {"id": f"29:user-{uuid.uuid4().hex[:8]}", "name": "Leder"},
            "conversation": {"id": f"a:conv-{uuid.uuid4().hex[:8]};messageid=1"},
            "recipient": {"id": f"28:{TEAMS_APP_ID}", "name": "Brobygger"}, **extra}


def post(stack: Stack, body: bytes, authorization: str | None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json", **({"Authorization": authorization} if authorization else {})}
    request = urllib.request.Request(f"{stack.config.rasa_url}/webhooks/botframework/webhook", data=body,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def send(stack: Stack, payload: dict[str, Any], token: str | None) -> tuple[int, str]:
    return post(stack, json.dumps(payload).encode(), f"Bearer {token}" if token else None)


def replies_to(fake: FakeService, payload: dict[str, Any]) -> list[Recorded]:
    conversation = payload["conversation"]["id"]  # the fake records paths decoded
    return fake.received("POST", f"{BF}connector/v3/conversations/{conversation}/activities/{payload['id']}")


def connector_token(issuer: Issuer, payload: dict[str, Any]) -> str:
    return issuer.token(serviceurl=payload["serviceUrl"])


def test_a_valid_token_is_accepted_and_the_answer_reaches_the_connector_as_a_card(
        channel_stack: Stack, fake: FakeService, issuer: Issuer):
    payload = activity(fake, "<at>Brobygger</at> Hvordan skaber ledere sammenhæng for borgeren på tværs af sektorer?")
    status, _ = send(channel_stack, payload, connector_token(issuer, payload))
    assert status == 200
    replies = wait_until(lambda: len(replies_to(fake, payload)) >= 2 and replies_to(fake, payload), timeout=30)
    assert all(r.headers["authorization"] == f"Bearer {TEAMS_OUT_TOKEN}" for r in replies)
    login = fake.received("POST", BF + "token")[-1].data
    assert login["client_id"] == TEAMS_APP_ID and login["client_secret"] == TEAMS_PASSWORD
    assert login["grant_type"] == "client_credentials"

    bodies = [r.data for r in replies]
    assert all(b["replyToId"] == payload["id"] and b["conversation"]["id"] == payload["conversation"]["id"]
               for b in bodies)
    cards = [a["content"] for b in bodies for a in b.get("attachments") or [] if a["contentType"] == ADAPTIVE]
    assert len(cards) == 1
    body = cards[0]["body"]
    assert body[0] == {"type": "TextBlock", "text": "Det siger kilderne om dit spørgsmål:", "wrap": True}
    quotes = [c["items"] for c in body if c["type"] == "Container"]
    assert len(quotes) >= 2
    for quote, source in quotes:
        text = quote["text"]
        assert "«" in text and text.endswith("»") and verbatim(text[text.index("«") + 1:-1])
        assert source["text"].startswith("— ") and source["isSubtle"]
    # the quotes come once (in the card), and the follow-up offers its buttons as Teams reads them
    assert not any("«" in b.get("text", "") for b in bodies)
    heroes = [a["content"] for b in bodies for a in b.get("attachments") or [] if a["contentType"] == HERO]
    assert heroes and all(button["type"] == "imBack" and button["value"] for button in heroes[0]["buttons"])


def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


BAD_TOKENS: dict[str, Callable[[Issuer, dict[str, Any]], str | None]] = {
    "no-token": lambda i, p: None,
    "garbage": lambda i, p: "not.a.token",
    "unsigned": lambda i, p: jwt.encode({"iss": TEAMS_ISSUER, "aud": TEAMS_APP_ID,
                                         "exp": int(time.time()) + 600}, None, algorithm="none",
                                        headers={"kid": "test-key"}),
    "signed-by-another-key": lambda i, p: i.token(other_key(), serviceurl=p["serviceUrl"]),
    "another-audience": lambda i, p: i.token(aud="someone-else", serviceurl=p["serviceUrl"]),
    "another-issuer": lambda i, p: i.token(iss="https://evil.test", serviceurl=p["serviceUrl"]),
    "expired": lambda i, p: i.token(exp=int(time.time()) - 3600, serviceurl=p["serviceUrl"]),
    "no-expiry": lambda i, p: i.token(exp=None, serviceurl=p["serviceUrl"]),
    "for-another-service": lambda i, p: i.token(serviceurl="https://elsewhere.test/"),
}


@pytest.mark.parametrize("make_token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_missing_unsigned_or_wrong_tokens_are_rejected(channel_stack: Stack, fake: FakeService, issuer: Issuer,
                                                       make_token):
    payload = activity(fake, "Hvad siger borgerne om at blive inddraget?")
    status, text = send(channel_stack, payload, make_token(issuer, payload))
    assert status == 401 and "Traceback" not in text
    assert replies_to(fake, payload) == []


def test_a_key_not_endorsed_for_the_channel_is_rejected(channel_stack: Stack, fake: FakeService, issuer: Issuer):
    payload = activity(fake, "Hvad siger borgerne om at blive inddraget?", channelId="skype")
    assert send(channel_stack, payload, connector_token(issuer, payload))[0] == 401


@pytest.mark.parametrize("body", [b"{not json", b"[]"])
def test_an_unreadable_activity_gets_400(channel_stack: Stack, issuer: Issuer, body: bytes):
    status, text = post(channel_stack, body, f"Bearer {issuer.token()}")
    assert status == 400 and "Traceback" not in text


def test_an_activity_without_its_addresses_gets_400(channel_stack: Stack, fake: FakeService, issuer: Issuer):
    payload = activity(fake, "Hej")
    del payload["conversation"]
    assert send(channel_stack, payload, connector_token(issuer, payload))[0] == 400


def test_other_activities_are_acknowledged_without_a_reply(channel_stack: Stack, fake: FakeService, issuer: Issuer):
    payload = activity(fake, "", type="conversationUpdate")
    assert send(channel_stack, payload, connector_token(issuer, payload))[0] == 200
    assert replies_to(fake, payload) == []
