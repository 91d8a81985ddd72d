"""The editors' report over records written through the real functions."""

from __future__ import annotations

import json

from records import feedback, unanswered
from records.report import NO_THEME, Where, build, to_text

NOW = 1_800_000_000.0
DAY = 86_400.0
PASSAGES = {
    "stafet:k1": Where("krydspres", "Stafet"),
    "guide:1": Where("", "Guide til ledelse på tværs"),
}


def write(url: str) -> None:
    unanswered.record(unanswered.Unanswered("a", "Hvordan leder jeg frivillige?", "da", "stafet:k1", "krydspres",
                                            "Stafet", time=NOW - 3 * DAY), url)
    unanswered.record(unanswered.Unanswered("b", "Hvad siger loven om tavshedspligt? Mail: a@b.dk", "da",
                                            "stafet:k1", "krydspres", "Stafet", time=NOW - 1 * DAY), url)
    unanswered.record(unanswered.Unanswered("c", "How do I hire?", "en", "guide:1", "", "Guide til ledelse på tværs",
                                            time=NOW - 2 * DAY), url)
    unanswered.record(unanswered.Unanswered("d", "Hvad bliver vejret?", "da", time=NOW - 40 * DAY), url)
    feedback.record(feedback.Feedback("e", False, "For generelt", "Hvordan håndterer jeg krydspres?",
                                      ("gone:1", "stafet:k1"), time=NOW - 5 * DAY), url)
    feedback.record(feedback.Feedback("f", True, "Godt", "krydspres", ("stafet:k1",), time=NOW - 4 * DAY), url)
    feedback.record(feedback.Feedback("g", False, "", "", ("gone:2",), time=NOW - 6 * DAY), url)


def test_items_are_grouped_by_theme_then_document_then_none_biggest_group_first(url: str):
    write(url)
    report = build(PASSAGES, url=url, now=NOW)
    assert [(g.name, g.kind) for g in report.groups] == [
        ("krydspres", "theme"), (NO_THEME, "none"), ("Guide til ledelse på tværs", "document")]
    krydspres = report.groups[0]
    assert (krydspres.unanswered, krydspres.not_helpful) == (2, 1)
    assert [i.question for i in krydspres.items] == [  # newest first
        "Hvad siger loven om tavshedspligt? Mail: [e-mail]", "Hvordan leder jeg frivillige?",
        "Hvordan håndterer jeg krydspres?"]
    assert krydspres.items[2].comment == "For generelt"  # the first quote still in the index decides the group
    assert (report.unanswered, report.not_helpful) == (4, 2)  # helpful answers are not in it


def test_since_days_keeps_only_the_recent_ones(url: str):
    write(url)
    report = build(PASSAGES, since_days=30, url=url, now=NOW)
    assert report.unanswered == 3 and "Hvad bliver vejret?" not in to_text(report)


def test_the_text_is_plain_danish_with_the_leaders_words(url: str):
    write(url)
    text = to_text(build(PASSAGES, since_days=30, url=url, now=NOW))
    assert "de seneste 30 dage" in text
    assert "Kilderne kunne ikke svare på 3 spørgsmål, og lederne markerede 2 svar som ikke hjælpsomme." in text
    assert "Tema: krydspres" in text and "Dokument: Guide til ledelse på tværs" in text
    assert text.index("Tema: krydspres") < text.index("Dokument: Guide")
    assert "«Hvordan leder jeg frivillige?»" in text and "Begrundelse: «For generelt»" in text
    assert "(spørgsmålet blev ikke gemt)" in text


def test_json_for_machines(url: str):
    write(url)
    data = json.loads(json.dumps(build(PASSAGES, url=url, now=NOW).to_dict()))
    assert data["totals"] == {"unanswered": 4, "not_helpful": 2}
    first = data["groups"][0]
    assert (first["group"], first["kind"], first["unanswered"], first["not_helpful"]) == ("krydspres", "theme", 2, 1)
    assert first["items"][0]["kind"] == "unanswered" and first["items"][0]["time"].startswith("2027-01-")


def test_an_empty_report_says_so_kindly(url: str):
    report = build(PASSAGES, url=url, now=NOW)
    assert report.groups == () and "Godt nyt" in to_text(report)
