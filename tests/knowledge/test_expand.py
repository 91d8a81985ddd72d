"""Query expansion: English questions into Danish terms, Danish words widened with synonyms."""

from __future__ import annotations

import pytest

from knowledge.expand import SYNONYM_WEIGHT, UNKNOWN_SYNONYM_WEIGHT, expand, glossary, synonym_groups
from knowledge.lexical import Analyzer, build_lexicon, stem
from knowledge.text import detect_language

LEXICON_TEXTS = ["krydspres ledelse ledelsesudfordringer borgere budskaber kvalitetsindikatorer chefer"]


@pytest.fixture
def analyzer() -> Analyzer:
    return Analyzer(build_lexicon(LEXICON_TEXTS))


def test_the_bundled_glossary_and_thesaurus_are_loaded():
    assert len(glossary().entries) > 100
    assert len(synonym_groups()) > 20


@pytest.mark.parametrize("english,danish", [
    ("cross-pressure", "krydspres"),
    ("leadership challenges", "ledelsesudfordringer"),
    ("citizens", "borgere"),
    ("messages", "budskaber"),
    ("quality indicators", "kvalitetsindikatorer"),
])
def test_english_phrases_translate_to_the_sources_words(english, danish):
    translated, unknown = glossary().translate(f"What about {english}?")
    assert danish in [d for d, _w in translated]
    assert unknown == []


def test_the_longest_phrase_wins_over_single_words():
    translated, _ = glossary().translate("leadership challenges")
    first = translated[0]
    assert first == ("ledelsesudfordringer", 1.0)
    assert all(w <= 1.0 for _d, w in translated)


def test_regular_english_inflections_are_looked_up_by_their_base():
    entries = glossary().entries
    word = next(k for k in sorted(entries) if " " not in k and "-" not in k and len(k) >= 4
                and k[-1] not in "eys" and k + "s" not in entries)
    assert glossary().lookup(word + "s") == entries[word]


def test_untranslatable_english_words_are_reported():
    _translated, unknown = glossary().translate("the frobnication of leaders")
    assert unknown == ["frobnication"]


def test_danish_names_in_an_english_question_stay_whole():
    _translated, unknown = glossary().translate("What did Væksthus for Ledelse find in Morsø?")
    assert "væksthus" in unknown and "morsø" in unknown
    assert not any(len(u) <= 2 for u in unknown)


def test_english_query_gives_weighted_danish_stems(analyzer):
    terms = expand("How do leaders handle cross-pressure?", "en", analyzer)
    assert terms.get(stem("krydspres")) == 1.0
    assert all(0 < w <= 1.0 for w in terms.values())
    assert "cross" not in terms and "pressure" not in terms


def test_english_words_that_occur_in_the_sources_count_as_they_are(analyzer):
    query = "What did Skanderborg do?"
    assert stem("skanderborg") not in expand(query, "en", analyzer)
    terms = expand(query, "en", analyzer, known={stem("skanderborg")})
    assert terms.get(stem("skanderborg")) == 1.0


def test_danish_query_keeps_its_own_words_at_full_weight(analyzer):
    terms = expand("Hvordan håndterer chefer krydspres?", "da", analyzer)
    assert terms[stem("krydspres")] == 1.0
    assert terms[stem("chefer")] == 1.0
    assert stem("hvordan") not in terms  # a stopword


def test_synonyms_widen_a_danish_query_at_a_lower_weight(analyzer):
    own = stem("krydspres")
    synonyms = synonym_groups().get(own, frozenset())
    assert synonyms, "the thesaurus has near-synonyms for krydspres"
    terms = expand("krydspres", "da", analyzer)
    added = {t: w for t, w in terms.items() if t in synonyms and t != own}
    assert added, "at least one synonym is added"
    assert all(0 < w < terms[own] for w in added.values())


def test_a_word_the_sources_lack_leans_harder_on_its_synonyms(analyzer):
    own = stem("krydspres")
    synonyms = sorted(synonym_groups().get(own, frozenset()))
    assert SYNONYM_WEIGHT < UNKNOWN_SYNONYM_WEIGHT < 1.0
    in_sources = expand("krydspres", "da", analyzer, known={own, *synonyms})
    not_in_sources = expand("krydspres", "da", analyzer, known=set(synonyms))
    assert in_sources[synonyms[0]] == SYNONYM_WEIGHT
    assert not_in_sources[synonyms[0]] == UNKNOWN_SYNONYM_WEIGHT


def test_compound_parts_weigh_less_than_the_whole_word(analyzer):
    terms = expand("kvalitetsindikatorer", "da", analyzer)
    whole = stem("kvalitetsindikatorer")
    assert terms[whole] == 1.0
    parts = [t for t in terms if t != whole and t in set(analyzer.terms("kvalitetsindikatorer"))]
    assert parts and all(terms[t] < 1.0 for t in parts)


@pytest.mark.parametrize("text,lang", [
    ("What are the three leadership challenges?", "en"),
    ("How do I reset my intranet password?", "en"),
    ("Hvad er de syv budskaber fra ledere og medarbejdere?", "da"),
    ("Hvordan håndterer ledere krydspres?", "da"),
    ("", "da"),
])
def test_language_detection(text, lang):
    assert detect_language(text) == lang
