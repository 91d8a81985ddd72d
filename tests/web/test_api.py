"""The quotes API, the feedback endpoint, the source view and the OpenAPI document, over HTTP."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest

from records import feedback
from records.settings import database_url
from tests.web.conftest import Client


def quotes(web: Client, **params: object) -> tuple[int, dict]:
    return web.get_json("/api/quotes?" + urlencode(params))


def test_quotes_with_provenance(web: Client):
    status, body = quotes(web, q="Hvordan håndterer ledere krydspres mellem politiske krav og faglighed?", k=3)
    assert status == 200 and body["abstain"] is False
    assert 1 <= len(body["quotes"]) <= 3
    for q in body["quotes"]:
        assert q["quote"] and q["title"] and q["source"] and q["id"].startswith(q["doc_id"] + ":")
        assert q["url"] == "/sources/" + quote(q["id"], safe="")


def test_filters_keep_to_a_source_and_a_theme(web: Client):
    _, by_source = quotes(web, q="ledelse på tværs", k=10, source="stafet")
    assert by_source["quotes"] and {q["doc_id"] for q in by_source["quotes"]} == {"stafet"}
    _, by_theme = quotes(web, q="ledelse", k=10, theme="Krydspres")
    assert by_theme["quotes"] and {q["theme"] for q in by_theme["quotes"]} == {"krydspres"}


def test_a_question_the_sources_do_not_answer_abstains(web: Client):
    status, body = quotes(web, q="xqzv wjkp", k=5)
    assert status == 200 and body == {**body, "abstain": True, "quotes": []}


@pytest.mark.parametrize("params, says", [
    ({}, "'q' is missing or empty"),
    ({"q": "   "}, "'q' is missing or empty"),
    ({"q": "krydspres", "k": "abc"}, "'k' must be a whole number from 1 to 20"),
    ({"q": "krydspres", "k": "0"}, "'k' must be a whole number from 1 to 20"),
    ({"q": "krydspres", "k": "21"}, "'k' must be a whole number from 1 to 20"),
    ({"q": "krydspres", "k": "-1"}, "'k' must be a whole number from 1 to 20"),
    ({"q": "krydspres", "source": "ikke-en-kilde"}, "Unknown source 'ikke-en-kilde'"),
    ({"q": "krydspres", "theme": "vejret"}, "Unknown theme 'vejret'"),
    ({"q": "x" * 2001}, "the limit is 2000"),
])
def test_invalid_parameters_get_a_400_that_says_why(web: Client, params: dict, says: str):
    status, body = quotes(web, **params)
    assert status == 400 and says in body["error"], body
    assert "Traceback" not in body["error"]


def test_a_parameter_twice_is_refused(web: Client):
    status, body = web.get_json("/api/quotes?q=a&q=b")
    assert status == 400 and "once" in body["error"]


def test_an_unknown_api_path_is_a_json_404(web: Client):
    status, body = web.get_json("/api/nothing")
    assert status == 404 and "openapi.json" in body["error"]


def _stored(web: Client) -> list[feedback.Feedback]:
    return list(feedback.read_all(database_url({"BROBYGGER_DATA_DIR": str(web.data_dir)})))


def test_feedback_is_stored_with_the_passage_ids(web: Client):
    _, found = quotes(web, q="krydspres", k=2)
    ids = [q["id"] for q in found["quotes"]]
    status, body = web.post_json("/api/feedback", {"sender": "api-test-1", "helpful": False,
                                                   "reason": "For generelt", "passage_ids": ids})
    assert status == 201 and body == {"stored": True}
    (item,) = [f for f in _stored(web) if f.sender == "api-test-1"]
    assert item.helpful is False and item.comment == "For generelt" and list(item.passage_ids) == ids


@pytest.mark.parametrize("payload, says", [
    ([], "JSON object"),
    ({"helpful": True, "passage_ids": ["x"]}, "'sender'"),
    ({"sender": "s", "helpful": "ja", "passage_ids": ["x"]}, "'helpful' must be true or false"),
    ({"sender": "s", "helpful": True, "reason": 3, "passage_ids": ["x"]}, "'reason'"),
    ({"sender": "s", "helpful": True, "passage_ids": []}, "'passage_ids'"),
    ({"sender": "s", "helpful": True, "passage_ids": "stafet:1"}, "'passage_ids'"),
    ({"sender": "s", "helpful": True, "passage_ids": ["ingen:sådan"]}, "Unknown passage id 'ingen:sådan'"),
])
def test_bad_feedback_gets_a_400_and_is_not_stored(web: Client, payload: object, says: str):
    before = len(_stored(web))
    status, body = web.post_json("/api/feedback", payload)
    assert status == 400 and says in body["error"], body
    assert len(_stored(web)) == before


def test_feedback_that_is_not_json_gets_a_400(web: Client):
    status, ctype, text = web.request("/api/feedback", b"{not json", method="POST")
    assert status == 400 and "not JSON" in json.loads(text)["error"]


def test_the_openapi_document_describes_the_api(web: Client):
    status, doc = web.get_json("/api/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    assert {"/api/quotes", "/api/feedback", "/sources/{passage_id}"} <= set(doc["paths"])
    params = {p["name"]: p for p in doc["paths"]["/api/quotes"]["get"]["parameters"]}
    assert params["q"]["required"] and params["k"]["schema"]["maximum"] == 20
    refs = json.dumps(doc).count('"#/components/schemas/')
    assert refs and all(name in doc["components"]["schemas"] for name in ("Quote", "Quotes", "Feedback", "Error"))


def test_the_source_view_marks_the_passage_in_its_document(web: Client):
    _, found = quotes(web, q="krydspres", k=1, source="stafet")
    cited = found["quotes"][0]
    status, ctype, page = web.request(cited["url"])
    assert status == 200 and ctype.startswith("text/html")
    assert page.count("<mark") == 1 and 'id="cited"' in page
    assert page.count("<p") > 5  # the whole document, not only the passage


def test_a_list_item_is_marked_inside_its_list(web: Client):
    status, _, page = web.request("/sources/" + quote("lpt-article:677da298dd", safe=""))
    assert status == 200
    assert '<mark id="cited" tabindex="-1">Fokus på de fælles visioner og vejen hertil' in page


def test_an_unknown_source_is_a_friendly_404(web: Client):
    status, ctype, page = web.request("/sources/" + quote("ingen:sådan", safe=""))
    assert status == 404 and "Siden findes ikke" in page


def test_the_page_and_its_config(web: Client):
    status, _, page = web.request("/")
    assert status == 200 and 'lang="da"' in page and "/config.js" in page
    status, ctype, js = web.request("/config.js")
    assert status == 200 and "javascript" in ctype and '"socketPort"' in js


def test_pages_allow_only_their_own_scripts(web: Client):
    import urllib.request

    with urllib.request.urlopen(web.base + "/") as r:
        csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
