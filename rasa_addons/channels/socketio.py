"""The socket.io channel (the chat page's widget): Rasa's SocketIOInput, with origins, sizes and a rate limit.

Named in `credentials.yml` as `rasa_addons.channels.socketio.SocketIOChannel`. Compared with Rasa's:

- a connection from a browser page whose origin is not allowed (BROBYGGER_CORS_ORIGINS, by default
  the chat page's own) is refused. Rasa creates its Socket.IO server with CORS handling off, and
  browsers do not apply CORS to WebSockets, so without this any web site could talk to the bot in
  its visitors' name. (The HTTP long-polling responses get their CORS headers from Rasa's `--cors`,
  which the launcher sets to the same origins.)
- an Engine.IO message over BROBYGGER_MAX_REQUEST_BYTES is refused (Engine.IO's default is 1 MB);
- a `user_uttered` or `session_request` event that is not shaped as the widget sends it is dropped
  with a log line instead of raising inside Rasa;
- each sender (the session id) is rate-limited (`guard.rate_limited`).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from rasa_addons.channels.guard import rate_limited
from rasa_addons.channels.inbound import MAX_SENDER_CHARS, max_request_bytes
from rasa_addons.channels.origins import Origins

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[Any]]


class SocketIOChannel(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @rate_limited
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        sio.eio.max_http_buffer_size = max_request_bytes()
        origins = Origins.from_env()  # the launcher hands Rasa the resolved list
        namespace = self.namespace or "/"
        handlers: Dict[str, Handler] = sio.handlers[namespace]
        sio.on("connect", handler=allow_origins(handlers["connect"], origins), namespace=namespace)
        sio.on("session_request", handler=well_formed(handlers["session_request"], session_request_ok),
               namespace=namespace)
        sio.on(self.user_message_evt, handler=well_formed(handlers[self.user_message_evt], user_message_ok),
               namespace=namespace)
        return webhook


def allow_origins(connect: Handler, origins: Origins) -> Handler:
    async def checked_connect(sid: Text, environ: Dict[str, Any], auth: Optional[Dict[str, Any]] = None) -> Any:
        origin = environ.get("HTTP_ORIGIN")
        if not origins.allows(origin, environ.get("HTTP_HOST")):
            log.warning("socket.io connection from origin %r refused (not in BROBYGGER_CORS_ORIGINS)", origin)
            return False
        return await connect(sid, environ, auth)

    return checked_connect


def _session_id_ok(value: Any) -> bool:
    return value is None or (isinstance(value, str) and 0 < len(value) <= MAX_SENDER_CHARS)


def session_request_ok(data: Any) -> bool:
    return data is None or (isinstance(data, dict) and _session_id_ok(data.get("session_id")))


def user_message_ok(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
        return False
    metadata = data.get("metadata")
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except (ValueError, RecursionError):
            return False
    return _session_id_ok(data.get("session_id")) and (metadata is None or isinstance(metadata, dict))


def well_formed(handler: Handler, ok: Callable[[Any], bool]) -> Handler:
    async def checked(sid: Text, data: Any = None) -> Any:
        if not ok(data):
            log.warning("socket.io event from %s dropped: not shaped as the chat widget sends it", sid)
            return None
        return await handler(sid, data)

    return checked
