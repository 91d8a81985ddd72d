"""Unanswered questions in the database: redacted, with the nearest passage's theme and document."""

from __future__ import annotations

from records.unanswered import Unanswered, read_all, record


def test_an_unanswered_question_is_stored_redacted_with_where_it_came_closest(url: str):
    record(Unanswered("leder-1", "Hvad er min løn? Ring på +45 20 30 40 50", "da", "stafet:x", "krydspres",
                      "Stafet", time=5.0), url)
    (item,) = read_all(url)
    assert item == Unanswered("leder-1", "Hvad er min løn? Ring på [telefon]", "da", "stafet:x", "krydspres", "Stafet",
                              time=5.0)


def test_only_questions_since_a_time_are_read(url: str):
    record(Unanswered("a", "gammelt", time=10.0), url)
    record(Unanswered("b", "nyt", time=20.0), url)
    assert [u.question for u in read_all(url, since=15.0)] == ["nyt"]
