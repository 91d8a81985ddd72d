"""The web server: the chat page, static files, source views, the quotes API and feedback.

Search runs in one worker thread (the model is not shared between threads), loaded once at start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, unquote

from sanic import Request, Sanic, response
from sanic.exceptions import NotFound, SanicException

from knowledge.search import Searcher
from knowledge.settings import Settings, get_settings
from rasa_addons.channels.inbound import NotJson, mimetype, parse_json
from rasa_addons.channels.origins import Origins
from records import feedback
from records.db import RecordsUnavailable
from web import openapi
from web.quotes import BadRequest, Vocabulary, parse_feedback, parse_query, search_quotes
from web.sources import Documents, render_source

STATIC = Path(__file__).resolve().parent / "static"
SOCKETIO_JS = STATIC / "vendor" / "socket.io.min.js"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Knowledge:
    searcher: Searcher
    vocabulary: Vocabulary
    documents: Documents


class Loader:
    """The searcher and what is derived from it, loaded once, in the search thread."""

    def __init__(self, make_searcher: Callable[[], Searcher]) -> None:
        self._make = make_searcher
        self._lock = threading.Lock()
        self._value: Knowledge | None = None

    def get(self) -> Knowledge:
        with self._lock:
            if self._value is None:
                s = self._make()
                self._value = Knowledge(s, Vocabulary.of(s.index.passages), Documents.of(s.index.passages))
            return self._value

    @property
    def ready(self) -> bool:
        return self._value is not None


@dataclass(frozen=True)
class WebConfig:
    rasa_port: int
    socket_url: str = ""  # an explicit socket.io URL for the browser; else the page's host and rasa_port
    origins: Origins = Origins(())  # the pages that may call the API from a browser (CORS); none besides our own


def error(message: str, status: int = 400) -> response.HTTPResponse:
    return response.json({"error": message}, status=status)


def create_app(config: WebConfig, make_searcher: Callable[[], Searcher] | None = None,
               settings: Settings | None = None, name: str = "brobygger_web") -> Sanic:
    from knowledge.engine import get_searcher

    settings = settings or get_settings()
    loader = Loader(make_searcher or get_searcher)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search")
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 64_000
    app.static("/static", str(STATIC), name="static")

    async def knowledge() -> Knowledge:
        return await asyncio.get_running_loop().run_in_executor(pool, loader.get)

    @app.on_request
    async def cross_origin_writes(request: Request) -> response.HTTPResponse | None:
        """A browser page from another origin may not post to the API (the page's own origin may)."""
        if (request.path.startswith("/api/") and request.method not in ("GET", "HEAD", "OPTIONS")
                and not config.origins.allows(request.headers.get("origin"), request.host)):
            return error("Requests from this web page's origin are not allowed (BROBYGGER_CORS_ORIGINS).", 403)
        return None

    @app.on_response
    async def security_headers(request: Request, resp: response.HTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        origin = request.headers.get("origin")
        if request.path.startswith("/api/") and origin and config.origins.allows(origin, request.host):
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Vary"] = "Origin"
        if (resp.content_type or "").startswith("text/html"):  # defence in depth: only our own scripts run
            resp.headers.setdefault("Content-Security-Policy", CSP)

    @app.after_server_start
    async def warm(app: Sanic) -> None:  # the first request need not wait for the model
        asyncio.get_running_loop().run_in_executor(pool, loader.get)

    @app.get("/")
    async def index(_: Request) -> response.HTTPResponse:
        return await response.file(STATIC / "index.html", mime_type="text/html; charset=utf-8")

    @app.get("/config.js")
    async def config_js(_: Request) -> response.HTTPResponse:
        cfg = {"socketUrl": config.socket_url, "socketPort": config.rasa_port, "socketPath": "/socket.io/"}
        return response.text(f"window.BROBYGGER_CONFIG = {json.dumps(cfg)};\n",
                             content_type="text/javascript; charset=utf-8")

    @app.get("/health")
    async def health(_: Request) -> response.HTTPResponse:
        return response.json({"status": "ok", "search": "ready" if loader.ready else "loading",
                              "socket_io_client": SOCKETIO_JS.exists()})

    @app.get("/sources/<passage_id:path>")
    async def source(_: Request, passage_id: str) -> response.HTTPResponse:
        page = render_source((await knowledge()).documents, unquote(passage_id))
        if page is None:
            return response.html(NOT_FOUND, status=404)
        return response.html(page)

    @app.get("/api/openapi.json")
    async def openapi_json(_: Request) -> response.HTTPResponse:
        return response.json(openapi.document(settings.max_query_chars))

    @app.get("/api/quotes")
    async def quotes(request: Request) -> response.HTTPResponse:
        k = await knowledge()
        try:
            query = parse_query(parse_qs(request.query_string, keep_blank_values=True), k.vocabulary,
                                settings.max_query_chars)
        except BadRequest as exc:
            return error(str(exc))
        found = await asyncio.get_running_loop().run_in_executor(pool, search_quotes, k.searcher, query)
        return response.json(found)

    async def preflight(request: Request) -> response.HTTPResponse:
        """CORS preflight: allowed origins may GET and POST JSON (the headers are added on the way out)."""
        if not config.origins.allows(request.headers.get("origin"), request.host):
            return error("Requests from this web page's origin are not allowed (BROBYGGER_CORS_ORIGINS).", 403)
        return response.empty(headers={"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                       "Access-Control-Allow-Headers": "Content-Type",
                                       "Access-Control-Max-Age": "600"})

    for n, path in enumerate(("/api/quotes", "/api/feedback", "/api/openapi.json")):
        app.add_route(preflight, path, methods=["OPTIONS"], name=f"preflight_{n}")

    @app.post("/api/feedback")
    async def post_feedback(request: Request) -> response.HTTPResponse:
        if mimetype(request.headers.get("content-type")) != "application/json":
            return error('Send Content-Type: application/json with a JSON object: {"sender": "…", "helpful": true, '
                         '"passage_ids": ["…"]}.', 415)
        try:
            body: Any = parse_json(request.body or b"")
        except NotJson as exc:
            return error(f"{exc} Send a JSON object.")
        try:
            item = parse_feedback(body, (await knowledge()).vocabulary)
        except BadRequest as exc:
            return error(str(exc))
        try:
            await asyncio.get_running_loop().run_in_executor(None, feedback.record, item)
        except RecordsUnavailable as exc:
            log.warning("Feedback could not be stored: %s", exc)
            return error("The feedback could not be stored just now; please try again later.", 503)
        return response.json({"stored": True}, status=201)

    @app.exception(NotFound)
    async def not_found(request: Request, exc: Exception) -> response.HTTPResponse:
        if request.path.startswith("/api/"):
            return error(f"No such endpoint: {request.path}. See /api/openapi.json.", 404)
        return response.html(NOT_FOUND, status=404)

    @app.exception(SanicException)
    async def http_error(request: Request, exc: SanicException) -> response.HTTPResponse:
        return error(str(exc) or "The request could not be handled.", exc.status_code)

    @app.exception(Exception)
    async def crash(request: Request, exc: Exception) -> response.HTTPResponse:
        log.exception("%s %s failed", request.method, request.path)
        return error("Something went wrong on the server; the log has the details.", 500)

    return app


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

NOT_FOUND = """<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Ikke fundet – Brobygger</title>
<link rel="stylesheet" href="/static/source.css"></head><body><h1>Siden findes ikke</h1>
<p>Vi kunne ikke finde den kilde eller side. Måske er kilderne blevet opdateret siden citatet blev vist.</p>
<p><a href="/">Tilbage til samtalen</a></p></body></html>"""
