"""What a channel request may be: how large, and for the REST channel, what its body must hold.

Plain Python: the launcher reads the size limit with it (and hands it to Rasa's Sanic as
SANIC_REQUEST_MAX_SIZE / SANIC_WEBSOCKET_MAX_SIZE), the socket.io channel applies it to Engine.IO,
the REST channel checks each body with `check_rest_body` before Rasa sees it, and the web server
reads JSON bodies with `parse_json`: a bad request gets a 4xx that says what to send, never a 500
or a stack trace.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Optional

SIZE_VARIABLE = "BROBYGGER_MAX_REQUEST_BYTES"
DEFAULT_MAX_BYTES = 256 * 1024  # a 50 kB message fits; the NLU reads its first 2,000 characters
MIN_MAX_BYTES = 4 * 1024
MAX_SENDER_CHARS = 256
JSON = "application/json"
SHAPE = 'Send a JSON object: {"sender": "<conversation id>", "message": "<text>"}.'


class SizeError(ValueError):
    """A size limit that cannot work; the message names the variable."""


def max_request_bytes(env: Mapping[str, str] | None = None) -> int:
    raw = ((os.environ if env is None else env).get(SIZE_VARIABLE) or "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit() or not MIN_MAX_BYTES <= int(raw) <= 100 * 1024 * 1024:
        raise SizeError(f"{SIZE_VARIABLE}={raw!r}: use a number of bytes from {MIN_MAX_BYTES} to 104857600.")
    return int(raw)


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str


@dataclass(frozen=True)
class RestBody:
    sender: str
    message: str
    metadata: Optional[dict[str, Any]]


def mimetype(content_type: Optional[str]) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


class NotJson(ValueError):
    """A request body that is not usable JSON; the message says how."""


def parse_json(body: bytes) -> Any:
    """A request body's JSON. NotJson when it is not JSON in UTF-8, nests deeper than Python's parser
    goes, or holds text that is not valid Unicode (JSON may escape a lone surrogate, "\\ud800")."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise NotJson("The body is not JSON in UTF-8.") from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise NotJson("The body holds text that is not valid Unicode (a lone surrogate).") from None
    return value


def check_rest_body(content_type: Optional[str], body: bytes) -> RestBody | Refusal:
    """The REST channel's request, checked: sender and message as Rasa needs them, or why not."""
    if mimetype(content_type) != JSON:
        return Refusal(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"Send Content-Type: {JSON}. {SHAPE}")
    if not body.strip():
        return Refusal(HTTPStatus.BAD_REQUEST, f"The body is empty. {SHAPE}")
    try:
        data = parse_json(body)
    except NotJson as exc:
        return Refusal(HTTPStatus.BAD_REQUEST, f"{exc} {SHAPE}")
    if not isinstance(data, dict):
        return Refusal(HTTPStatus.BAD_REQUEST, f"The body is JSON, but not an object. {SHAPE}")
    sender, message, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return Refusal(HTTPStatus.BAD_REQUEST, f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} "
                                               f"characters: one id per conversation. {SHAPE}")
    if not isinstance(message, str):
        return Refusal(HTTPStatus.BAD_REQUEST, f"'message' must be a string. {SHAPE}")
    if metadata is not None and not isinstance(metadata, dict):
        return Refusal(HTTPStatus.BAD_REQUEST, "'metadata', when sent, must be a JSON object.")
    if data.get("input_channel") is not None and not isinstance(data.get("input_channel"), str):
        return Refusal(HTTPStatus.BAD_REQUEST, "'input_channel', when sent, must be a string.")
    return RestBody(sender, message, metadata)
