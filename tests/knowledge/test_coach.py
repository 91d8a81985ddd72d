"""The coach's moves over the bundled corpus (fake model): what follow-ups pick, and that quotes stay verbatim."""

from __future__ import annotations

import pytest

from knowledge import coach
from knowledge.coach import Memory, Quote, Reply


@pytest.mark.parametrize("text, n", [
    ("mere om nummer 2", 2), ("uddyb nummer to", 2), ("Fortæl mere om den tredje", 3), ("citat 1", 1),
    ("more about the second one", 2), ("expand on number 3", 3), ("uddyb 2", 2), ("fortæl mere", 0),
    ("flere eksempler", 0), ("tell me more", 0),
])
def test_number_in_finds_the_quote_a_follow_up_points_at(text, n):
    assert coach.number_in(text) == n


@pytest.mark.parametrize("text, topic", [
    ("giv mig et citat fra det", False), ("kan jeg få det som citat?", False), ("give me a quote from that", False),
    ("giv mig et citat om tillid", True), ("a quote about trust please", True), ("citat om borgerinddragelse", True),
])
def test_a_quote_request_names_a_topic_or_points_back(text, topic):
    assert coach.has_topic(text) is topic


def answer(searcher, text="Hvordan håndterer ledere krydspres mellem styring og faglighed?") -> Reply:
    reply = coach.answer_question(searcher, text)
    assert reply.kind == "answer" and reply.quotes
    return reply


def test_answer_quotes_are_verbatim_numbered_and_distinct(bundled_searcher):
    reply = answer(bundled_searcher)
    passages = {p.id: p for p in bundled_searcher.index.passages}
    assert [q.n for q in reply.quotes] == list(range(1, len(reply.quotes) + 1))
    assert len({q.id for q in reply.quotes}) == len(reply.quotes)
    for q in reply.quotes:
        for piece in q.quote.split("[…]"):
            assert piece.strip() in passages[q.id].text


def test_strict_answers_need_more_confidence(bundled_searcher):
    text = "Hvordan håndterer ledere krydspres mellem styring og faglighed?"
    loose = coach.answer_question(bundled_searcher, text)
    strict = coach.answer_question(bundled_searcher, text, strict=True)
    result = bundled_searcher.search(text)
    assert loose.found
    assert strict.found == (result.confidence >= max(coach.STRICT_CONFIDENCE, bundled_searcher.weights.abstain_threshold))


def test_memory_remembers_shown_passages_across_replies(bundled_searcher):
    first = answer(bundled_searcher)
    memory = Memory().remember(first)
    more = coach.more(bundled_searcher, "fortæl mere", memory)
    assert more.kind == "more" and not {q.id for q in more.quotes} & set(memory.shown)
    after = memory.remember(more)
    assert after.query == memory.query and set(after.shown) == set(memory.shown) | {q.id for q in more.quotes}
    assert memory.remember(Reply("abstain", "x")) == memory


def test_expand_shows_the_passage_whole_and_what_belongs_to_it(bundled_searcher):
    passages = bundled_searcher.index.passages
    question = next(p for p in passages if p.role == "question" and any(a.answers == p.id for a in passages))
    memory = Memory("q", (Quote(1, question.id, question.source, question.title, question.section, "…", "l"),))
    reply = coach.more(bundled_searcher, "mere om nummer 1", memory)
    assert reply.kind == "expand" and reply.quotes[0].id == question.id and reply.quotes[0].quote == question.text.strip()
    assert any(passages_by_id(bundled_searcher)[q.id].answers == question.id for q in reply.quotes[1:])
    assert coach.more(bundled_searcher, "mere om nummer 4", memory).kind == "bad_number"


def passages_by_id(searcher):
    return {p.id: p for p in searcher.index.passages}


def test_follow_ups_without_memory_say_there_is_no_context(bundled_searcher):
    assert coach.more(bundled_searcher, "uddyb", Memory()).kind == "no_context"
    assert coach.other_perspectives(bundled_searcher, Memory()).kind == "no_context"
    assert coach.quote_request(bundled_searcher, "giv mig et citat fra det", Memory()).kind == "need_topic"


def test_who_said_gives_group_and_publisher(bundled_searcher):
    passages = bundled_searcher.index.passages
    answer_p = next(p for p in passages if p.role == "answer" and p.group == "topledere")
    memory = Memory("q", (coach._quote(1, answer_p, answer_p.text, "da"),))
    (prov,) = coach.who_said(memory, "hvem sagde det?")
    assert prov.speaker == "svar fra en topleder" and prov.publisher == "Ledelseskommissionen" and prov.title == answer_p.title


def test_other_perspectives_prefer_the_other_group(bundled_searcher):
    passages = bundled_searcher.index.passages
    top = [p for p in passages if p.role == "answer" and p.group == "topledere" and p.theme == "krydspres"][:2]
    memory = Memory("krydspres mellem styring og faglighed", tuple(coach._quote(i + 1, p, p.text, "da") for i, p in enumerate(top)),
                    tuple(p.id for p in top))
    reply = coach.other_perspectives(bundled_searcher, memory)
    assert reply.kind == "perspectives"
    first = passages_by_id(bundled_searcher)[reply.quotes[0].id]
    assert first.group != "topledere"


def test_coaching_draws_a_reflection_question_and_a_step_from_the_sources(bundled_searcher):
    result = coach.coach(bundled_searcher, ["samarbejde mellem skole og jobcenter", "to ledere", "fælles møder"])
    assert 1 <= len(result.perspectives) <= 3
    voices = {(q.doc_id, q.group) for q in result.perspectives}
    assert len(voices) == len(result.perspectives)  # one quote per voice
    assert result.reflection is not None and "?" in result.reflection.quote
    assert result.step is not None and result.step.role == "list_item"
    assert [q.n for q in result.quotes] == list(range(1, len(result.quotes) + 1))


def test_topics_list_documents_and_themes(bundled_searcher):
    found = coach.topics(bundled_searcher)
    assert "Ledelse til gavn for borgerne" in found.documents and "krydspres" in found.themes
    assert len(found.documents) == len(set(found.documents))


def test_an_abstaining_reply_names_the_nearest_passage_but_quotes_nothing(bundled_searcher):
    text = "xqzv blorf wuggle"
    reply = coach.answer_question(bundled_searcher, text, strict=True)
    assert reply.kind == "abstain" and not reply.found
    assert reply.nearest is not None and reply.nearest.id == bundled_searcher.search(text, k=8).hits[0].passage.id
    assert coach.answer_question(bundled_searcher, "Hvordan håndterer ledere krydspres?").nearest is None
