"""A local stand-in for the services a channel talks to (Slack's Web API; Microsoft's OpenID keys,
login and Bot Connector): a real HTTP server on a free loopback port that records every request
and answers from routes the test sets."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

Route = Callable[["Recorded"], tuple[int, Any]]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def data(self) -> dict[str, Any]:
        """The body as JSON, or as a form (one value per key)."""
        if "json" in self.headers.get("content-type", ""):
            return json.loads(self.body)
        return {k: v[0] for k, v in urllib.parse.parse_qs(self.body.decode()).items()}


class FakeService:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                record = Recorded(self.command, urllib.parse.unquote(urllib.parse.urlsplit(self.path).path),
                                  {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                with service._lock:
                    service.requests.append(record)
                route = service.find(self.command, record.path)
                status, answer = route(record) if route else (404, {"error": "no route"})
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, method: str, path: str, handler: Route) -> None:
        self.routes[(method, path)] = handler

    def find(self, method: str, path: str) -> Route | None:
        """The route for exactly this path, else for the longest route ending in "/" that begins it."""
        if (method, path) in self.routes:
            return self.routes[(method, path)]
        prefixes = [p for m, p in self.routes if m == method and p.endswith("/") and path.startswith(p)]
        return self.routes[(method, max(prefixes, key=len))] if prefixes else None

    def start(self) -> "FakeService":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received(self, method: str, path: str, where: Callable[[Recorded], bool] = lambda r: True) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == path and where(r)]


def wait_until(check: Callable[[], Any], timeout: float = 60.0, every: float = 0.2) -> Any:
    """The first truthy value of `check()`, or an AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"nothing arrived within {timeout:.0f} s")
