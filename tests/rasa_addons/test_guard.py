"""The rate limit per sender: token buckets with a fake clock, and the wrapper every channel uses."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Awaitable, Callable

import pytest
import yaml

from rasa_addons.channels.guard import (REPLY, Guard, RateLimit, RateLimiter, RateLimitError, rate_limited,
                                        reply_variation)
from stack.config import ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_message_per_refill_interval():
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_minute=20, burst=3), clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    clock.now += 2.9  # 20 a minute: one token every 3 s
    assert not limiter.allow("a")
    clock.now += 0.2
    assert limiter.allow("a") and not limiter.allow("a")


def test_senders_have_their_own_buckets():
    limiter = RateLimiter(RateLimit(per_minute=1, burst=1), Clock())
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")


def test_refused_messages_do_not_use_up_tokens_and_the_bucket_never_overfills():
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_minute=60, burst=2), clock)
    assert limiter.allow("a") and limiter.allow("a")
    for _ in range(50):  # hammering while empty does not push the next token further away
        assert not limiter.allow("a")
    clock.now += 1.0
    assert limiter.allow("a")
    clock.now += 3600  # an hour idle: back to the burst, not to 3,600 messages
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]


def test_a_sustained_rate_is_held_over_minutes():
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_minute=20, burst=10), clock)
    allowed = 0
    for _ in range(600):  # one message a second for ten minutes
        allowed += limiter.allow("a")
        clock.now += 1.0
    assert 10 + 200 - 2 <= allowed <= 10 + 200


def test_memory_is_bounded_and_the_longest_idle_sender_goes_first():
    limiter = RateLimiter(RateLimit(per_minute=1, burst=1), Clock(), max_keys=3)
    for key in "abc":
        limiter.allow(key)
    limiter.allow("a")  # a is recent again
    limiter.allow("d")
    assert len(limiter) == 3
    assert not limiter.allow("a")  # still remembered: still empty
    assert limiter.allow("b")  # forgotten (it was the longest idle), so it starts afresh


def test_zero_turns_the_limit_off():
    limiter = RateLimiter(RateLimit.from_env({"BROBYGGER_RATE_LIMIT": "0"}), Clock())
    assert all(limiter.allow("a") for _ in range(1000)) and len(limiter) == 0


def test_settings_from_the_environment():
    assert RateLimit.from_env({}) == RateLimit(20, 10)
    assert RateLimit.from_env({"BROBYGGER_RATE_LIMIT": " 30 ", "BROBYGGER_RATE_BURST": "5"}) == RateLimit(30, 5)


@pytest.mark.parametrize("env, name", [
    ({"BROBYGGER_RATE_LIMIT": "fast"}, "BROBYGGER_RATE_LIMIT"),
    ({"BROBYGGER_RATE_LIMIT": "-1"}, "BROBYGGER_RATE_LIMIT"),
    ({"BROBYGGER_RATE_BURST": "2.5"}, "BROBYGGER_RATE_BURST"),
    ({"BROBYGGER_RATE_BURST": "0"}, "BROBYGGER_RATE_BURST"),
])
def test_bad_settings_are_named(env: dict[str, str], name: str):
    with pytest.raises(RateLimitError, match=name):
        RateLimit.from_env(env)


# ---------------------------------------------------------------- the wrapper


@dataclass
class Output:
    sent: list[tuple[str, str]] = field(default_factory=list)
    fail: bool = False

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if self.fail:
            raise ConnectionError("the channel is down")
        self.sent.append((recipient_id, text))


@dataclass
class Message:
    text: str
    sender_id: str
    output_channel: Output = field(default_factory=Output)


def domain_responses() -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def running_app() -> SimpleNamespace:
    """What the guard sees of Rasa's running app: its agent's domain."""
    return SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=SimpleNamespace(responses=domain_responses()))))


def guarded(burst: int = 1) -> tuple[Callable[[Message], Awaitable[Any]], list[Message]]:
    """A channel's rate-limited callback (the app running), and the messages that got through to Rasa."""
    processed: list[Message] = []

    async def on_new_message(message: Message) -> None:
        processed.append(message)

    guard = Guard("rest", RateLimiter(RateLimit(per_minute=1, burst=burst), Clock()))
    guard.bind(running_app(), None)
    return guard.wrap(on_new_message), processed  # type: ignore[arg-type]


def test_over_the_limit_the_message_is_not_processed_and_the_sender_is_told_in_danish():
    handler, processed = guarded(burst=1)
    first, second = Message("Hvordan håndterer ledere krydspres?", "s1"), Message("Og hvad så med borgerne?", "s1")
    asyncio.run(handler(first))
    asyncio.run(handler(second))
    assert processed == [first]
    (recipient, text), = second.output_channel.sent
    assert recipient == "s1" and text.startswith("Du har sendt mange beskeder på kort tid")
    assert first.output_channel.sent == []


def test_an_english_message_over_the_limit_is_told_in_english():
    handler, _ = guarded(burst=1)
    asyncio.run(handler(Message("hello", "s2")))
    refused = Message("How do other leaders handle cross-pressure?", "s2")
    asyncio.run(handler(refused))
    assert refused.output_channel.sent[0][1].startswith("You have sent many messages in a short time")


def test_a_failing_channel_does_not_make_the_refusal_fail():
    handler, processed = guarded(burst=1)
    asyncio.run(handler(Message("hej", "s3")))
    broken = Message("hej igen", "s3", Output(fail=True))
    asyncio.run(handler(broken))  # no exception
    assert len(processed) == 1


def test_a_failing_turn_is_logged_without_the_message_text(caplog: pytest.LogCaptureFixture):
    async def on_new_message(message: Message) -> None:
        raise RuntimeError("the database is down")

    guard = Guard("rest", RateLimiter(RateLimit(per_minute=0), Clock()))
    message = Message("Min medarbejder Hanne Olsen er sygemeldt med stress", "s9")
    assert asyncio.run(guard.wrap(on_new_message)(message)) is None  # type: ignore[arg-type]
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "the turn of sender s9 failed" in logged and "the database is down" in caplog.text
    assert "Hanne" not in caplog.text and "sygemeldt" not in caplog.text


def test_without_the_running_domain_nothing_is_invented():
    guard = Guard("rest", RateLimiter(RateLimit(per_minute=1, burst=1), Clock()))
    assert guard.reply("hej") is None  # before the server started: no sentence of the guard's own


def test_the_domain_has_the_reply_in_danish_and_english():
    variations = domain_responses()[REPLY]
    da, en = reply_variation(variations, "da"), reply_variation(variations, "en")
    assert da and en and da != en
    assert "vent" in da.lower() and "wait" in en.lower()
    assert reply_variation([{"text": "kun dansk"}], "en") == "kun dansk"  # Danish is the default


def test_the_decorator_gives_the_channel_the_guarded_callback_and_binds_the_app(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("BROBYGGER_RATE_LIMIT", raising=False)
    monkeypatch.delenv("BROBYGGER_RATE_BURST", raising=False)
    received: dict[str, Any] = {}

    class Blueprint:
        listeners: list[tuple[str, Any]] = []

        def listener(self, event: str):
            return lambda fn: self.listeners.append((event, fn)) or fn

    class Channel:
        @classmethod
        def name(cls) -> str:
            return "fake"

        @rate_limited
        def blueprint(self, on_new_message):
            received["callback"] = on_new_message
            return Blueprint()

    async def on_new_message(message: Message) -> None:
        received.setdefault("processed", []).append(message)

    bp = Channel().blueprint(on_new_message)
    assert received["callback"] is not on_new_message
    (event, bind), = bp.listeners
    assert event == "after_server_start"
    bind(running_app(), None)
    for n in range(11):  # the default burst is 10
        asyncio.run(received["callback"](Message(f"besked {n}", "same")))
    assert len(received["processed"]) == 10
