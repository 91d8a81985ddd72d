"""What a question asks for: everyday-domain words, requests for work, numbers and dates the passages lack."""

from __future__ import annotations

import pytest

from knowledge.lexical import stem
from knowledge.scope import asked_types, asks_for_work, holds_type, other_domain_words, other_domains, scope_features

NOTHING_KNOWN: frozenset[str] = frozenset()


@pytest.mark.parametrize("text,expected", [
    ("Hvor mange feriedage har en leder?", ["feriedage"]),                  # listed word
    ("Hvornår skal jeg holde sygefraværssamtalen?", ["sygefraværssamtalen"]),  # compound: a listed first part
    ("Hvad bliver vejret i morgen?", ["vejret"]),                           # inflected: same stem
    ("Hvordan skaber ledere sammenhæng på tværs?", []),                     # the domain's own words
])
def test_danish_everyday_domain_words(text, expected):
    assert other_domain_words(text, "da", NOTHING_KNOWN) == expected


def test_a_word_the_sources_use_is_never_another_domain():
    """Documents about holidays put holiday questions back in scope, without editing the word lists."""
    assert other_domain_words("Hvor mange feriedage har en leder?", "da", frozenset({stem("feriedage")})) == []


@pytest.mark.parametrize("text,expected", [
    ("What's the weather forecast for next week?", ["weather", "forecast"]),
    ("Can you give me a recipe for dinner?", ["recipe", "dinner"]),
    ("How do leaders handle shrinking budgets?", []),  # 'budget' is in the domain glossary
    ("How do I lead across sectors?", []),
])
def test_english_everyday_domain_words(text, expected):
    assert other_domain_words(text, "en", NOTHING_KNOWN) == expected


def test_the_word_lists_are_loaded_per_language():
    assert stem("opskrift") in other_domains("da").stems
    assert "opskrift" in other_domains("da").prefixes
    assert other_domains("en").stems and not other_domains("en").prefixes


@pytest.mark.parametrize("text,lang,expected", [
    ("Kan du skrive en julehilsen til personalet?", "da", True),
    ("Oversæt dette brev til engelsk", "da", True),
    ("Can you translate this letter?", "en", True),
    ("Please draft an agenda for Monday", "en", True),
    ("Hvordan skriver andre ledere om deres mål?", "da", False),  # a question about writing, not a request
    ("Giv mig et citat om tillid", "da", False),
    ("Give me a quote about trust", "en", False),
])
def test_requests_for_work(text, lang, expected):
    assert asks_for_work(text, lang) is expected


def test_a_question_for_a_number_needs_a_number_in_the_best_passages():
    kinds = asked_types("Hvor mange projekter var der?", "da")
    assert len(kinds) == 1
    assert holds_type(["Det viser erfaringer fra ti projekter."], kinds)
    assert holds_type(["Samlet 224 unikke bidrag."], kinds)
    assert not holds_type(["Projekterne dækkede mange velfærdsområder."], kinds)


def test_a_question_for_a_date_needs_a_year_or_month():
    kinds = asked_types("When was the report published?", "en")
    assert holds_type(["Brobyggerne, maj 2014."], kinds)
    assert holds_type(["i perioden 2014-2017 gennemført"], kinds)
    assert not holds_type(["Erfaringerne præsenteres på en konference i dag."], kinds)


def test_questions_that_ask_for_neither():
    assert asked_types("Hvordan leder man på tværs?", "da") == []
    assert asked_types("How do leaders decide when to step back?", "en") == []  # 'when' inside the sentence


def test_scope_features():
    known = frozenset({stem("projekter")})
    assert scope_features("Hvor mange projekter var der?", "da", known, ["ti projekter"]) == (0.0, 0.0)
    assert scope_features("Hvor mange projekter var der?", "da", known, ["mange projekter"]) == (0.0, 1.0)
    assert scope_features("Har du en opskrift på kage?", "da", known, ["ti projekter"]) == (1.0, 0.0)
    assert scope_features("Kan du skrive en tale?", "da", known, []) == (1.0, 0.0)


def test_a_count_must_count_what_was_asked_about():
    from knowledge.lexical import Analyzer, build_lexicon
    from knowledge.scope import counted, holds_count

    analyzer = Analyzer(build_lexicon(["skoler kvalitetsindikatorer projekter kommuner"]))
    what = counted("Hvor mange af kvalitetsindikatorerne måler outcome?", "da", analyzer)
    assert stem("kvalitetsindikatorerne") in what
    assert holds_count(["Der er ca. 2200 kvalitetsindikatorer på området."], what, analyzer)
    assert not holds_count(["Videncentret havde ti projekter og 2200 deltagere."], what, analyzer)
    schools = counted("How many schools are there in Aabenraa?", "en", analyzer)
    assert schools and not holds_count(["fire cases fra kommuner og ti projekter i folkeskolen"], schools, analyzer)
    assert holds_count(["Ved mere end 50 stk. bedes du maile."], schools, analyzer)  # pieces count anything
    assert holds_count(["Samlet 224 unikke bidrag."], frozenset({stem("bidrag")}), analyzer)  # an adjective between
    assert counted("How many zorbles are there?", "en", analyzer) == frozenset()  # no Danish for it: any number will do
    assert counted("Hvordan leder man på tværs?", "da", analyzer) == frozenset()


def test_scope_features_with_an_analyzer_look_for_the_counted_word():
    from knowledge.lexical import Analyzer, build_lexicon

    analyzer = Analyzer(build_lexicon(["skoler projekter"]))
    known = {stem("projekter")}
    assert scope_features("Hvor mange projekter var der?", "da", known, ["ti projekter"], analyzer) == (0.0, 0.0)
    assert scope_features("Hvor mange skoler var der?", "da", known, ["ti projekter"], analyzer) == (0.0, 1.0)
    assert scope_features("Hvor mange skoler var der?", "da", known, ["ti projekter"]) == (0.0, 0.0)  # without: any number


def test_a_who_question_about_a_role_needs_the_role_in_the_best_passages():
    from knowledge.lexical import Analyzer, build_lexicon
    from knowledge.scope import asked_role

    analyzer = Analyzer(build_lexicon(["formand borgmester metoden"]))
    assert stem("borgmester") in asked_role("Hvem er borgmester i Kolding Kommune?", "da", analyzer)
    assert stem("metoden") in asked_role("Hvad hedder metoden bag stafetten?", "da", analyzer)
    assert asked_role("Hvem er Signe Friberg Nielsen?", "da", analyzer) == frozenset()  # a named person
    assert asked_role("Hvem står bag Videncenter for Velfærdsledelse?", "da", analyzer) == frozenset()
    assert asked_role("Who is the mayor of Aabenraa?", "en", analyzer)  # not in the glossary: looked for as written
    known = {stem("metoden")}
    passages = ["Metoden bag stafetten hedder Stafetanalyse."]
    assert scope_features("Hvad hedder metoden bag stafetten?", "da", known, passages, analyzer) == (0.0, 0.0)
    assert scope_features("Hvem er borgmester i Kolding?", "da", known, passages, analyzer) == (0.0, 1.0)


def test_a_question_with_two_counts_is_answered_by_either():
    from knowledge.lexical import Analyzer, build_lexicon
    from knowledge.scope import counted, holds_count

    analyzer = Analyzer(build_lexicon(["ledere bidrag"]))
    what = counted("Hvor mange ledere deltog, og hvor mange bidrag kom der?", "da", analyzer)
    assert {stem("ledere"), stem("bidrag")} <= what
    assert holds_count(["Samlet 224 unikke bidrag."], what, analyzer)
    assert counted("Hvor mange deltog, og hvor mange bidrag kom der?", "da", analyzer) == frozenset()
