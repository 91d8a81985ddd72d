"""A rate limit per sender, for every input channel: one mechanism, applied by one decorator.

Each channel's `blueprint(on_new_message)` is decorated with `rate_limited`: the channel gets a
callback that lets a sender's message through to Rasa only while the sender is within the limit.
Over it, the message is not processed (no NLU, no action, nothing stored) and the sender gets the
domain's short reply `utter_rate_limited` through the same channel, in English when the message is
English, else in Danish.

A turn that fails with an exception is logged here, without the message's text, and the channel then
answers as it does after a failed turn (REST: the replies so far). Rasa's channels would log the text.

The limit is a token bucket per sender: BROBYGGER_RATE_BURST messages at once (default 10), refilled
at BROBYGGER_RATE_LIMIT messages per minute (default 20). BROBYGGER_RATE_LIMIT=0 turns it off.

Plain Python (no Rasa import at run time): the launcher checks the settings with it, and the tests
drive it with a fake clock and fake messages.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from knowledge.text import language_signal

if TYPE_CHECKING:  # only for the type checker: this module runs in both environments
    from rasa.core.channels.channel import UserMessage

log = logging.getLogger(__name__)

RATE_VARIABLE = "BROBYGGER_RATE_LIMIT"
BURST_VARIABLE = "BROBYGGER_RATE_BURST"
DEFAULT_PER_MINUTE = 20
DEFAULT_BURST = 10
MAX_SENDERS = 100_000  # buckets kept; the longest-idle ones go first
REPLY = "utter_rate_limited"

Handler = Callable[["UserMessage"], Awaitable[Any]]
Clock = Callable[[], float]


class RateLimitError(ValueError):
    """A rate limit setting that cannot work; the message names it."""


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 100_000:
        raise RateLimitError(f"{name}={raw!r}: use a whole number from 0 to 100000.")
    return int(raw)


@dataclass(frozen=True)
class RateLimit:
    per_minute: int = DEFAULT_PER_MINUTE  # 0: no limit
    burst: int = DEFAULT_BURST

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "RateLimit":
        env = os.environ if env is None else env
        limit = cls(_whole_number(env, RATE_VARIABLE, DEFAULT_PER_MINUTE), _whole_number(env, BURST_VARIABLE, DEFAULT_BURST))
        if limit.enabled and limit.burst < 1:
            raise RateLimitError(f"{BURST_VARIABLE}=0 would refuse every message; use at least 1 "
                                 f"(or {RATE_VARIABLE}=0 to turn the limit off).")
        return limit

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0


class RateLimiter:
    """Token buckets per key: `burst` tokens at most, `per_minute` added per minute; a message takes one."""

    def __init__(self, limit: RateLimit, clock: Clock = time.monotonic, max_keys: int = MAX_SENDERS) -> None:
        self.limit = limit
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: "OrderedDict[str, tuple[float, float]]" = OrderedDict()  # key -> (tokens, when)

    def allow(self, key: str) -> bool:
        """True when the key may send now (and counts it); False when it is over the limit."""
        if not self.limit.enabled:
            return True
        now = self.clock()
        tokens, then = self._buckets.pop(key, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + max(0.0, now - then) * self.limit.per_minute / 60.0)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)  # most recent last
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)  # an evicted sender starts again with a full bucket
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)


def reply_variation(responses: list[dict[str, Any]], language: str) -> Optional[str]:
    """The text of a domain response for a language: the variation conditioned on `language`, else the
    unconditioned one (Danish, the domain's default)."""
    plain: Optional[str] = None
    for variation in responses:
        conditions = variation.get("condition") or []
        text = variation.get("text")
        if not isinstance(text, str):
            continue
        if not conditions:
            plain = plain or text
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions if isinstance(c, dict)):
            return text
    return plain


class Guard:
    """One channel's rate limit: wraps the channel's `on_new_message` and answers the refused."""

    def __init__(self, channel: str, limiter: RateLimiter) -> None:
        self.channel = channel
        self.limiter = limiter
        self.app: Any = None  # the Sanic app, once the server starts: its agent has the domain

    def bind(self, app: Any, *_: Any) -> None:
        """A server listener: remember the app, so the reply comes from the running model's domain."""
        self.app = app

    def reply(self, text: Optional[str]) -> Optional[str]:
        language = "en" if language_signal(text or "") == "en" else "da"
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        domain = getattr(agent, "domain", None)
        responses = getattr(domain, "responses", None) or {}
        return reply_variation(list(responses.get(REPLY) or []), language)

    def wrap(self, on_new_message: Handler) -> Handler:
        @functools.wraps(on_new_message)
        async def guarded(message: "UserMessage") -> Any:
            if self.limiter.allow(str(message.sender_id)):
                try:
                    return await on_new_message(message)
                except Exception:  # Rasa's channels would log the message text with the error; this does not
                    log.exception("%s: the turn of sender %s failed", self.channel, message.sender_id)
                    return None
            log.warning("%s: sender %s is over the rate limit; message not processed", self.channel,
                        message.sender_id)
            text = self.reply(message.text)
            if text is None:
                log.error("the model's domain has no %s: retrain (make train)", REPLY)
                return None
            try:
                await message.output_channel.send_text_message(message.sender_id, text)
            except Exception:  # the refusal must not fail the request: the channel's own errors are logged
                log.exception("%s: the rate limit reply could not be sent", self.channel)
            return None

        return guarded


def rate_limited(blueprint: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates an input channel's `blueprint(self, on_new_message)`: the channel receives the
    rate-limited callback, and the blueprint a listener that gives the guard the running app."""

    @functools.wraps(blueprint)
    def guarded_blueprint(self: Any, on_new_message: Handler) -> Any:
        guard = Guard(self.name(), RateLimiter(RateLimit.from_env()))
        bp = blueprint(self, guard.wrap(on_new_message))
        bp.listener("after_server_start")(guard.bind)
        return bp

    return guarded_blueprint
