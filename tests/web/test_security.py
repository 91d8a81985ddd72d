"""The web server's API: CORS limited to the chat page's origins, no cross-site writes, bad bodies
get a 4xx (never a 5xx or a stack trace), oversized bodies a 413, and the server keeps serving."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from records import feedback
from records.settings import database_url
from tests.support import http_call
from tests.web.conftest import Client

EVIL = "https://evil.example"


def call(web: Client, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    return http_call(web.base, method, path, body, headers, timeout=60)


def own_origin(web: Client) -> str:
    """The page's origin by another name than the one the request is sent to (so not merely same-host)."""
    return "http://localhost:" + str(urllib.parse.urlsplit(web.base).port)


def stored(web: Client) -> int:
    return len(list(feedback.read_all(database_url({"BROBYGGER_DATA_DIR": str(web.data_dir)}))))


def test_the_pages_origin_gets_cors_headers_and_another_does_not(web: Client):
    status, headers, _ = call(web, "GET", "/api/quotes?q=krydspres", headers={"Origin": own_origin(web)})
    assert status == 200 and headers["access-control-allow-origin"] == own_origin(web)
    assert "origin" in headers.get("vary", "").lower()
    status, headers, _ = call(web, "GET", "/api/quotes?q=krydspres", headers={"Origin": EVIL})
    assert status == 200 and "access-control-allow-origin" not in headers  # the browser keeps the answer from the page


def test_preflight_for_the_page_and_not_for_another_site(web: Client):
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    status, headers, _ = call(web, "OPTIONS", "/api/feedback", headers={"Origin": own_origin(web), **ask})
    assert status == 204 and headers["access-control-allow-origin"] == own_origin(web)
    assert "POST" in headers["access-control-allow-methods"] and "content-type" in headers["access-control-allow-headers"].lower()
    status, headers, body = call(web, "OPTIONS", "/api/feedback", headers={"Origin": EVIL, **ask})
    assert status == 403 and "access-control-allow-origin" not in headers and "Traceback" not in body


def test_another_site_cannot_post_feedback_in_a_visitors_name(web: Client):
    before = stored(web)
    payload = json.dumps({"sender": "csrf", "helpful": True, "passage_ids": ["x"]}).encode()
    for content_type in ("application/json", "text/plain"):  # text/plain needs no preflight in a browser
        status, headers, body = call(web, "POST", "/api/feedback", payload, {"Origin": EVIL, "Content-Type": content_type})
        assert status == 403 and "access-control-allow-origin" not in headers, body
    assert stored(web) == before


@pytest.mark.parametrize("content_type, body, status", [
    ("text/plain", b'{"sender": "s", "helpful": true, "passage_ids": ["x"]}', 415),
    ("application/x-www-form-urlencoded", b"sender=s&helpful=true", 415),
    (None, b'{"sender": "s"}', 415),
    ("application/json", b"", 400),
    ("application/json", b"{not json", 400),
    ("application/json", b"\xff\xfe", 400),
    ("application/json", b"[" * 30_000 + b"]" * 30_000, 400),  # nests deeper than Python's parser goes
    ("application/json", b'{"sender": "\\ud800", "helpful": true, "passage_ids": ["x"]}', 400),
    ("application/json", b'"just a string"', 400),
    ("application/json", b"null", 400),
])
def test_bad_feedback_bodies_get_a_4xx_as_json_without_a_stack_trace(web: Client, content_type, body: bytes, status: int):
    before = stored(web)
    headers = {"Content-Type": content_type} if content_type else {}
    got, got_headers, text = call(web, "POST", "/api/feedback", body, headers)
    assert got == status, text
    assert got_headers["content-type"].startswith("application/json") and json.loads(text)["error"]
    assert "Traceback" not in text and stored(web) == before


def test_a_wrong_method_is_a_json_405(web: Client):
    status, headers, text = call(web, "GET", "/api/feedback")
    assert status == 405 and json.loads(text)["error"] and "Traceback" not in text


def test_an_oversized_body_gets_413_and_the_server_keeps_serving(web: Client):
    status, _, text = call(web, "POST", "/api/feedback", b"x" * 200_000, {"Content-Type": "application/json"})
    assert status == 413 and "Traceback" not in text
    status, _, _ = call(web, "GET", "/health")
    assert status == 200
