"""Feedback is stored with the passages it concerns, and thanked in the conversation's language."""

from __future__ import annotations

from actions.feedback import ActionFeedback
from records.feedback import read_all
from tests.actions.conftest import run

LAST = {"last_query": "krydspres", "last_quotes": [{"n": 1, "id": "stafet:abc", "source": "s", "title": "t",
                                                     "section": "", "quote": "q", "label": "l"}], "shown_ids": ["stafet:abc"]}


def test_negative_feedback_is_stored_with_its_reason_and_passages(make_tracker, dispatcher, domain):
    run(ActionFeedback(), dispatcher, make_tracker("Ikke brugbart, jeg spurgte om skoler", intent="feedback_negative", slots=LAST), domain)
    (item,) = list(read_all())
    assert not item.helpful and item.passage_ids == ("stafet:abc",) and "skoler" in item.comment
    assert item.query == "krydspres" and item.sender == "test-user"
    assert dispatcher.messages[0]["response"] == "utter_feedback_negative"


def test_positive_feedback_without_an_answer_is_still_stored(make_tracker, dispatcher, domain):
    run(ActionFeedback(), dispatcher, make_tracker("Godt svar", intent="feedback_positive"), domain)
    (item,) = list(read_all())
    assert item.helpful and item.passage_ids == ()
