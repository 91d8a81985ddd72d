"""What the REST channel accepts, checked before Rasa reads it; the request size setting."""

from __future__ import annotations

import json

import pytest

from rasa_addons.channels.inbound import DEFAULT_MAX_BYTES, Refusal, RestBody, SizeError, check_rest_body, max_request_bytes

JSON = "application/json"


def body(value: object) -> bytes:
    return json.dumps(value).encode("utf-8")


def test_a_good_request_passes_with_its_sender_message_and_metadata():
    checked = check_rest_body("application/json; charset=utf-8", body({"sender": "s", "message": "hej", "metadata": {"a": 1}}))
    assert checked == RestBody("s", "hej", {"a": 1})


def test_an_empty_message_is_a_message():  # the bot answers it with a polite "please rephrase"
    assert isinstance(check_rest_body(JSON, body({"sender": "s", "message": ""})), RestBody)


@pytest.mark.parametrize("content_type, raw, status, says", [
    ("text/plain", body({"sender": "s", "message": "hej"}), 415, "Content-Type"),
    ("application/x-www-form-urlencoded", b"sender=s&message=hej", 415, "Content-Type"),
    (None, body({"sender": "s", "message": "hej"}), 415, "Content-Type"),
    (JSON, b"", 400, "empty"),
    (JSON, b"  \n", 400, "empty"),
    (JSON, b"{not json", 400, "not JSON"),
    (JSON, b"\xff\xfe{}", 400, "not JSON"),
    (JSON, b"[" * 100_000 + b"]" * 100_000, 400, "not JSON"),  # too deep for Python's parser
    (JSON, body(["sender", "message"]), 400, "not an object"),
    (JSON, body("hej"), 400, "not an object"),
    (JSON, body({"message": "hej"}), 400, "'sender'"),
    (JSON, body({"sender": "", "message": "hej"}), 400, "'sender'"),
    (JSON, body({"sender": "   ", "message": "hej"}), 400, "'sender'"),
    (JSON, body({"sender": 7, "message": "hej"}), 400, "'sender'"),
    (JSON, body({"sender": "s" * 257, "message": "hej"}), 400, "'sender'"),
    (JSON, body({"sender": "s"}), 400, "'message'"),
    (JSON, body({"sender": "s", "message": None}), 400, "'message'"),
    (JSON, body({"sender": "s", "message": 5}), 400, "'message'"),
    (JSON, body({"sender": "s", "message": ["hej"]}), 400, "'message'"),
    (JSON, b'{"sender": "s", "message": "\\ud800"}', 400, "Unicode"),
    (JSON, body({"sender": "s", "message": "hej", "metadata": "x"}), 400, "'metadata'"),
    (JSON, body({"sender": "s", "message": "hej", "input_channel": 3}), 400, "'input_channel'"),
])
def test_bad_requests_are_refused_with_what_to_send(content_type, raw: bytes, status: int, says: str):
    checked = check_rest_body(content_type, raw)
    assert isinstance(checked, Refusal) and checked.status == status and says in checked.error, checked


def test_the_request_size_limit_from_the_environment():
    assert max_request_bytes({}) == DEFAULT_MAX_BYTES > 60_000  # a 50 kB message still gets its polite reply
    assert max_request_bytes({"BROBYGGER_MAX_REQUEST_BYTES": "65536"}) == 65536
    for bad in ("1k", "100", "-5", str(10**10)):
        with pytest.raises(SizeError, match="BROBYGGER_MAX_REQUEST_BYTES"):
            max_request_bytes({"BROBYGGER_MAX_REQUEST_BYTES": bad})
