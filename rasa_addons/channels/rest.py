"""The REST channel (`POST /webhooks/rest/webhook`): Rasa's RestInput, checked and rate-limited.

Named in `credentials.yml` as `rasa_addons.channels.rest.RestChannel`. Compared with Rasa's:

- every POST to the webhook is checked before Rasa reads it (`inbound.check_rest_body`):
  a wrong Content-Type gets 415; an empty body, malformed JSON, JSON that is not an object, a missing
  or empty `sender`, a `message` that is missing or not a string, text that is not valid Unicode, or
  a `metadata` that is not an object gets 400, as `{"error": "…"}` saying what to send. Rasa's own
  RestInput answers several of these with a 500 (and logs a stack trace);
- each sender is rate-limited (`guard.rate_limited`).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.guard import rate_limited
from rasa_addons.channels.inbound import Refusal, check_rest_body

log = logging.getLogger(__name__)


class RestChannel(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @rate_limited
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        webhook.middleware(refuse_bad_requests, "request")
        return webhook


async def refuse_bad_requests(request: Request) -> Optional[HTTPResponse]:
    """A blueprint middleware: a bad POST to the webhook is answered here; a good one goes on to Rasa."""
    if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
        return None
    checked = check_rest_body(request.headers.get("content-type"), request.body or b"")
    if isinstance(checked, Refusal):
        log.info("REST request refused (%s): %s", int(checked.status), checked.error)
        return response.json({"error": checked.error}, status=int(checked.status))
    return None
