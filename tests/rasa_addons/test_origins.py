"""Allowed web origins (CORS) from the environment: the chat page's own by default, a list, or any."""

from __future__ import annotations

import pytest

from rasa_addons.channels.origins import OriginError, Origins, normalize, page_origins


def test_by_default_only_the_chat_pages_own_origins():
    origins = Origins.from_env("127.0.0.1", 8080, {})
    assert set(origins.allowed) == {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"}
    assert origins.allows("http://localhost:8080") and origins.allows("http://127.0.0.1:8080")
    assert not origins.allows("http://localhost:8081")  # another local app
    assert not origins.allows("https://evil.example")
    assert not origins.allows("null")  # sandboxed frames and local files


def test_a_named_host_is_added_and_a_wildcard_host_is_not():
    assert "http://chat.internal:8181" in page_origins("chat.internal", 8181)
    assert not any("0.0.0.0" in o for o in page_origins("0.0.0.0", 8080))


def test_a_configured_list_replaces_the_default():
    origins = Origins.from_env("127.0.0.1", 8080, {"BROBYGGER_CORS_ORIGINS": "https://Brobygger.Example.dk/, http://intra:80"})
    assert origins.allowed == ("https://brobygger.example.dk", "http://intra")
    assert origins.allows("https://brobygger.example.dk") and origins.allows("http://intra")
    assert not origins.allows("http://localhost:8080")


def test_a_star_allows_any_origin():
    origins = Origins.from_env("127.0.0.1", 8080, {"BROBYGGER_CORS_ORIGINS": "*"})
    assert origins.any and origins.allows("https://anything.example")


def test_the_same_host_as_the_request_is_allowed():
    origins = Origins.from_env("127.0.0.1", 8080, {"BROBYGGER_CORS_ORIGINS": "https://a.example"})
    assert origins.allows("https://chat.example", host="chat.example")  # the page and the server behind one proxy
    assert origins.allows("http://chat.example:8080", host="chat.example:8080")
    assert not origins.allows("https://evil.example", host="chat.example")


def test_no_origin_is_not_a_browsers_cross_site_request():
    assert Origins(()).allows(None) and Origins(()).allows("")


@pytest.mark.parametrize("origin, expected", [
    ("HTTP://LocalHost:8080/", "http://localhost:8080"),
    ("https://x.dk:443", "https://x.dk"),
    ("http://[::1]:5005", "http://[::1]:5005"),
])
def test_origins_are_normalised_as_browsers_send_them(origin: str, expected: str):
    assert normalize(origin) == expected


@pytest.mark.parametrize("bad", ["brobygger.dk", "ftp://x.dk", "https://x.dk/chat", "https://x.dk:99999", "*,https://x.dk"])
def test_a_malformed_origin_is_named(bad: str):
    with pytest.raises(OriginError, match="BROBYGGER_CORS_ORIGINS"):
        Origins.from_env("127.0.0.1", 8080, {"BROBYGGER_CORS_ORIGINS": bad})
