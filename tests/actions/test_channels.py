"""Slack and Teams get an answer in their own form: the quotes once, set apart, verbatim, with their sources."""

from __future__ import annotations

import pytest

from actions.answers import ActionAnswer
from actions.coaching import ActionCoach
from actions.rich import SLACK_TEXT_LIMIT, chunks, slack_message, teams_message
from actions.render import one_line, template
from knowledge.coach import Quote
from tests.actions.conftest import run, slots_of, texts
from tests.actions.test_coaching import coach_tracker

QUESTION = "Hvordan håndterer ledere krydspres mellem styring og faglighed?"


def rich(dispatcher) -> list[dict]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def test_slack_gets_the_answer_as_blocks_instead_of_text(make_tracker, dispatcher, domain, bundled_searcher):
    slots = slots_of(run(ActionAnswer(), dispatcher, make_tracker(QUESTION, channel="slack"), domain))
    (message,) = rich(dispatcher)
    quotes = slots["last_quotes"]
    assert not any("«" in t for t in texts(dispatcher))  # the quotes are not also sent as text
    blocks = message["blocks"]
    assert blocks[0]["text"]["text"] == "Det siger kilderne om dit spørgsmål:"
    quoted = [b["elements"][0]["elements"][0]["text"] for b in blocks if b["type"] == "rich_text"]
    sources = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert quoted == [f"[{q['n']}] «{one_line(q['quote'])}»" for q in quotes]
    assert sources == [f"— {q['label']}" for q in quotes]
    assert message["text"].startswith("Det siger kilderne") and "«" in message["text"]  # notification text


def test_teams_gets_the_answer_as_one_adaptive_card(make_tracker, dispatcher, domain):
    slots = slots_of(run(ActionAnswer(), dispatcher, make_tracker(QUESTION, channel="botframework"), domain))
    (message,) = rich(dispatcher)
    assert not texts(dispatcher) or not any("«" in t for t in texts(dispatcher))
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    containers = [b["items"] for b in attachment["content"]["body"] if b["type"] == "Container"]
    assert [c[0]["text"] for c in containers] == [f"[{q['n']}] «{one_line(q['quote'])}»" for q in slots["last_quotes"]]
    assert all(c[1]["text"].startswith("— ") for c in containers)
    assert message["summary"] == "Det siger kilderne om dit spørgsmål:"


def test_coaching_on_slack_keeps_its_own_words_apart_from_the_quotes(make_tracker, dispatcher, domain):
    tracker = coach_tracker(make_tracker)
    tracker.events[-1]["input_channel"] = "slack"
    slots = slots_of(run(ActionCoach(), dispatcher, tracker, domain))
    (message,) = rich(dispatcher)
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    quoted = [b for b in message["blocks"] if b["type"] == "rich_text"]
    assert len(quoted) == len(slots["last_quotes"])
    assert any(s.startswith("Et spørgsmål til refleksion") and s.endswith("dette?") for s in sections)
    assert not any("«" in s for s in sections)


def test_rest_is_unchanged_by_the_channels(make_tracker, dispatcher, domain):
    run(ActionAnswer(), dispatcher, make_tracker(QUESTION), domain)
    assert texts(dispatcher)[0].startswith("Det siger kilderne") and "«" in texts(dispatcher)[0]
    assert [m["custom"]["type"] for m in dispatcher.messages if m.get("custom")] == ["citations"]


def quote(text: str) -> Quote:
    return Quote(n=1, id="x", quote=text, source="s.txt", title="T", section="S", label="Leder, »S«, T")


def test_a_long_quote_is_split_into_blocks_slack_accepts_and_nothing_is_lost(domain):
    long = " ".join(["ordet"] * 1500) + " {braces} & <tags>"
    message = slack_message(["Lead"], "fallback", template(domain, "tpl_citation", "da"), one_line)
    assert message["blocks"][0]["text"]["text"] == "Lead"
    message = slack_message([quote(long)], "f", template(domain, "tpl_citation", "da"), one_line)
    parts = [b["elements"][0]["elements"][0]["text"] for b in message["blocks"] if b["type"] == "rich_text"]
    assert len(parts) >= 3 and all(len(p) <= SLACK_TEXT_LIMIT for p in parts)
    assert " ".join(parts) == f"[1] «{long}»"  # verbatim, braces and markup characters included


@pytest.mark.parametrize("text,limit", [("a b c d e f", 3), ("abcdefghij", 4), ("", 5), ("kort", 10)])
def test_chunks_keep_every_character_but_the_cut_spaces(text: str, limit: int):
    parts = chunks(text, limit)
    assert all(len(p) <= limit for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")


def test_teams_card_has_the_quote_verbatim(domain):
    message = teams_message(["Lead"], "Lead\n\nmore", template(domain, "tpl_citation", "en"), one_line)
    assert message["summary"] == "Lead" and message["text"] == ""
    card = teams_message([quote("Tillid  er\nnøglen")], "x", template(domain, "tpl_citation", "da"), one_line)
    (container,) = card["attachments"][0]["content"]["body"]
    assert container["items"][0]["text"] == "[1] «Tillid er nøglen»"
    assert container["items"][1]["text"] == "— Leder, »S«, T"
