"""Hybrid search: Danish matching, filters, duplicates, empty and huge queries, reasons; real-model checks."""

from __future__ import annotations

import time

import pytest

from knowledge.search import EmptyQuery, Filters, Searcher, Weights, query_language

REASON_KEYS = {"bm25", "bm25_rank", "dense", "dense_rank"}


def top_ids(result, n: int | None = None) -> list[str]:
    return [h.passage.id for h in result.hits[:n]]


def the(passages, startswith: str):
    return next(p for p in passages if p.text.startswith(startswith))


# ================================================================== the tiny corpus, fake model

@pytest.mark.parametrize("query,expected_start", [
    ("Hvad betyder ledelsesspændet for lederen?", "Et stort ledelsesspænd"),    # inflected compound
    ("kvalitetsindikatorerne", "Vi har skåret ned på antallet af kvalitetsindikatorer"),  # definite plural
    ("inddragelse af borgerne", "Borgerinddragelse kræver"),                     # compound in the passage
    ("medarbejdertrivsel", "Sygefraværet faldt"),                                # compound in the query
    ("Hvordan styrker man videndeling?", "Erfaringerne fra projekterne"),
])
def test_danish_inflections_and_compounds_match(mini_searcher, query, expected_start):
    result = mini_searcher.search(query, k=5)
    first = result.hits[0]
    assert first.passage.text.startswith(expected_start)
    assert first.reasons["bm25"] > 0 and first.reasons["bm25_rank"] <= 2


def test_an_answer_is_found_through_its_question(mini_searcher, mini_passages):
    question = the(mini_passages, "Hvad gør du, når budgettet")
    result = mini_searcher.search("budgettet trækker i hver sin retning", k=3)
    assert result.hits[0].passage.role == "answer"
    assert result.hits[0].passage.answers == question.id


def test_english_question_finds_danish_passage(mini_searcher):
    result = mini_searcher.search("How do leaders handle cross-pressure?", k=3)
    assert result.language == "en"
    assert any("krydspres" in (h.passage.theme + h.passage.text + h.passage.context) for h in result.hits[:2])


def test_a_list_item_query_shows_the_whole_list(mini_searcher, mini_passages):
    result = mini_searcher.search("Del data om borgerne på tværs af afdelingerne", k=3)
    first = result.hits[0].passage
    assert first.role == "list"
    assert "Del data om borgerne på tværs af afdelingerne" in first.text
    assert first.text.startswith("Fire råd til ledere")


def test_duplicates_never_both_appear(mini_searcher, mini_passages):
    copies = [p for p in mini_passages if p.text.startswith("Morsø Kommune har samlet")]
    assert len(copies) == 2
    for k in (2, 5, 20):
        result = mini_searcher.search("Morsø Kommune koordinator udsatte familier én indgang", k=k)
        found = [h.passage.id for h in result.hits if h.passage.text.startswith("Morsø Kommune har samlet")]
        assert len(found) == 1


def test_empty_and_blank_queries_raise(mini_searcher):
    for query in ("", "   ", "\n\t  \u00a0"):
        with pytest.raises(EmptyQuery):
            mini_searcher.search(query)


def test_a_100_kb_query_works_and_is_flagged_truncated(mini_searcher):
    query = ("Hvordan håndterer ledere krydspresset mellem politiske krav og faglige hensyn? " * 1400)[:100_000]
    assert len(query.encode("utf-8")) >= 100_000
    started = time.perf_counter()
    result = mini_searcher.search(query, k=3)
    assert time.perf_counter() - started < 10
    assert result.truncated
    assert result.hits
    assert result.to_dict()["note"]
    assert result.query == query  # the result says what was asked


def test_a_short_query_is_not_truncated(mini_searcher):
    result = mini_searcher.search("krydspres", k=3)
    assert not result.truncated and "note" not in result.to_dict()


def test_hits_carry_their_reasons(mini_searcher):
    result = mini_searcher.search("Hvad betyder ledelsesspændet?", k=5)
    assert result.hits
    for h in result.hits:
        assert REASON_KEYS <= set(h.reasons)
        assert isinstance(h.reasons["dense"], float)
        assert h.reasons["dense_rank"] is None or h.reasons["dense_rank"] >= 1
    first = result.hits[0].reasons
    assert first["bm25"] > 0 and first["bm25_rank"] >= 1
    as_dict = result.to_dict()["results"][0]
    assert REASON_KEYS <= set(as_dict["reasons"])


def test_result_dict_shape(mini_searcher):
    d = mini_searcher.search("krydspres", k=2).to_dict()
    assert {"query", "abstain", "results", "confidence", "language"} <= set(d)
    assert 1 <= len(d["results"]) <= 2
    for r in d["results"]:
        assert {"id", "source", "title", "section", "text", "score"} <= set(r)
        assert isinstance(r["score"], float)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_at_most_k_hits(mini_searcher, k):
    assert 1 <= len(mini_searcher.search("ledere medarbejdere borgere", k=k).hits) <= k


def test_a_threshold_above_any_confidence_abstains(mini_index, fake_embedder):
    searcher = Searcher(mini_index, fake_embedder, Weights(abstain_threshold=1.01))
    result = searcher.search("Hvad betyder ledelsesspændet?")
    assert result.abstain
    assert 0.0 <= result.confidence <= 1.0


def test_abstain_features_say_what_the_question_asks_for(mini_searcher):
    plain = mini_searcher.search("Hvad betyder et stort ledelsesspænd for lederen?")
    assert len(plain.features) == 7 and plain.features[5:] == (0.0, 0.0)
    weather = mini_searcher.search("Hvad bliver vejret for lederne i weekenden?")
    assert weather.features[5] == 1.0  # another domain
    assert weather.confidence < plain.confidence
    # the mini corpus itself talks about opening hours: then they are in scope
    assert mini_searcher.search("Hvordan ændrer lederne åbningstiderne?").features[5] == 0.0


def test_a_number_the_best_passages_lack(mini_searcher):
    assert mini_searcher.search("Hvor mange råd giver guiden til ledere på tværs?").features[6] == 0.0  # "Fire råd"
    assert mini_searcher.search("Hvor mange koordinatorer har Morsø Kommune?").features[6] == 1.0


def test_confidence_is_higher_for_a_covered_question(mini_searcher):
    covered = mini_searcher.search("Hvad betyder ledelsesspændet for lederen?")
    uncovered = mini_searcher.search("Hvilken farve har himlen over Saturn?")
    assert covered.confidence > uncovered.confidence


# ================================================================== the bundled corpus, fake model

QUERIES = [
    "Hvordan håndterer ledere krydspres?",
    "Hvad siger borgerne om at blive set og hørt?",
    "Magasinet formidler viden fra et projekt udført af Væksthus for Ledelse",
    "Borgerens rejse gennem systemet skal være uden benspænd",
    "tre ledelsesudfordringer",
    "syv budskaber fra ledere og medarbejdere til cheferne",
    "What do top leaders say about the citizen perspective?",
    "Hvordan kan topledelsen understøtte aktive borgere?",
]


@pytest.mark.parametrize("filters,check", [
    (Filters(source="003_9d25f31cbaa18473.txt"), lambda p: p.source == "003_9d25f31cbaa18473.txt"),
    (Filters(source="BROBYGGERNE"), lambda p: p.doc_id == "brobyggerne"),
    (Filters(theme="krydspres"), lambda p: p.theme == "krydspres"),
    (Filters(theme="ledelsesrum"), lambda p: p.theme == "ledelsesrum"),
    (Filters(group="topledere"), lambda p: p.group == "topledere"),
    (Filters(group="institutions- og driftsledere"), lambda p: p.group == "institutions- og driftsledere"),
    (Filters(group="topledere", theme="borgerblik"), lambda p: (p.group, p.theme) == ("topledere", "borgerblik")),
], ids=["source-file", "source-doc-id", "theme-krydspres", "theme-ledelsesrum", "group-top",
        "group-institution", "group-and-theme"])
def test_filters_only_return_matching_passages(bundled_searcher, filters, check):
    total = 0
    for query in QUERIES:
        result = bundled_searcher.search(query, k=10, filters=filters)
        assert all(check(h.passage) for h in result.hits), [h.passage.id for h in result.hits if not check(h.passage)]
        total += len(result.hits)
    assert total > 0, "the filter should leave something to find"


def test_a_filter_excludes_even_the_best_match(bundled_searcher, bundled_passages):
    target = next(p for p in bundled_passages if p.group == "topledere" and p.role == "answer")
    unfiltered = bundled_searcher.search(target.text, k=3)
    assert target.id in top_ids(unfiltered)
    filtered = bundled_searcher.search(target.text, k=10, filters=Filters(group="institutions"))
    assert target.id not in top_ids(filtered)
    assert all(h.passage.group == "institutions- og driftsledere" for h in filtered.hits)


def test_a_filter_matching_nothing_abstains_with_no_hits(bundled_searcher):
    result = bundled_searcher.search("krydspres", filters=Filters(source="no-such-file.txt"))
    assert result.hits == [] and result.abstain


@pytest.mark.parametrize("query", QUERIES)
def test_duplicates_across_sources_never_both_appear(bundled_searcher, query):
    result = bundled_searcher.search(query, k=20)
    ids = [h.passage.id for h in result.hits]
    keys = [h.passage.dup_of or h.passage.id for h in result.hits]
    assert len(keys) == len(set(keys))
    assert not any(h.passage.dup_of in ids for h in result.hits)


def test_a_shared_paragraph_is_found_once(bundled_searcher, bundled_passages):
    dup = next(p for p in bundled_passages if p.dup_of and p.role == "paragraph")
    result = bundled_searcher.search(dup.text, k=10)
    found = [h.passage.id for h in result.hits if h.passage.id in (dup.id, dup.dup_of)]
    assert len(found) == 1


def test_scores_in_a_result_list_never_increase(bundled_searcher, mini_searcher):
    for searcher in (bundled_searcher, mini_searcher):
        for query in QUERIES + ["Hvad betyder ledelsesspændet for lederen?", "Hvordan styrker man videndeling?"]:
            scores = [h.score for h in searcher.search(query, k=10).hits]
            assert scores == sorted(scores, reverse=True), query


# ================================================================== the real bundled model

@pytest.mark.model
def test_danish_question_about_the_seven_messages_finds_the_list(model_searcher):
    result = model_searcher.search("Hvad er de syv budskaber fra ledere og medarbejdere til cheferne?", k=5)
    assert not result.abstain
    top3 = [h.passage for h in result.hits[:3]]
    assert any(p.role == "list" and "items:7" in p.tags and "syv gennemgående budskaber" in p.text for p in top3)


@pytest.mark.model
def test_english_question_about_the_three_challenges_finds_the_list(model_searcher):
    result = model_searcher.search("What are the three leadership challenges described in Brobyggerne?", k=5)
    assert result.language == "en" and not result.abstain
    top3 = [h.passage for h in result.hits[:3]]
    assert any(p.role == "list" and "items:3" in p.tags and "At skabe en samlende mening" in p.text for p in top3)


@pytest.mark.model
def test_the_stafet_answers_a_question_about_cross_pressure(model_searcher):
    result = model_searcher.search("Hvordan håndterer topledere krydspres mellem styring og faglighed?", k=5)
    assert any(h.passage.theme == "krydspres" for h in result.hits[:3])


@pytest.mark.model
@pytest.mark.parametrize("question", [
    "How do I reset my intranet password?",
    "Hvordan nulstiller jeg min adgangskode til intranettet?",
    "Hvad bliver vejret i Aabenraa på lørdag?",
    "Hvor meget får en kommunal leder i løn om måneden?",
    "Can you write a short welcome speech for our new employees?",
])
def test_an_out_of_scope_question_abstains(model_searcher, question):
    result = model_searcher.search(question)
    assert result.abstain, f"confidence {result.confidence:.3f} >= threshold {model_searcher.weights.abstain_threshold}"


@pytest.mark.model
def test_in_scope_questions_do_not_abstain(model_searcher):
    for question in ("Hvad er de syv budskaber fra ledere og medarbejdere til cheferne?",
                     "What are the three leadership challenges described in Brobyggerne?",
                     "Hvad er en Mental Frikommune?"):
        result = model_searcher.search(question)
        assert not result.abstain, question
        assert result.confidence > model_searcher.weights.abstain_threshold


@pytest.mark.parametrize("text,lang", [
    ("Which organisations were behind the Videncenter for Velfærdsledelse?", "en"),
    ("Where did the Væksthus for Ledelse project find its examples?", "en"),
    ("Hvad har Morsø Kommune gjort for de mest udsatte familier?", "da"),
    ("Hvem er Signe Friberg Nielsen?", "da"),
    ("Velfærdsledelse", "da"),
])
def test_query_language_ignores_names(text, lang):
    assert query_language(text) == lang
