"""Extractive answers: verbatim quotes, numbered citations, abstention, the answer's language."""

from __future__ import annotations

import pytest

from knowledge.answer import ELISION, MAX_CITATIONS, TEXTS, answer, best_quote, compose, quote_pieces
from knowledge.lexical import Analyzer, stem
from knowledge.search import Filters, Hit, Searcher, SearchResult, Weights
from knowledge.text import normalize_space, split_sentences
from tests.support import LONG_PARAGRAPH_START, bundled_source_texts

MINI_QUESTIONS = [
    "Hvad betyder ledelsesspændet for lederen?",
    "Hvordan styrker man videndeling mellem afdelingerne?",
    "Hvilke råd er der til ledere, der samarbejder på tværs?",
    "How do leaders handle cross-pressure?",
    "Hvad gør man med for mange kvalitetsindikatorer?",
]

BUNDLED_QUESTIONS = [
    "Hvad er de syv budskaber fra ledere og medarbejdere til cheferne?",
    "Hvordan håndterer topledere krydspres?",
    "What are the three leadership challenges in Brobyggerne?",
    "Hvad er vigtigt for borgerne, når de får koordineret hjælp?",
    "How many leaders took part in the digital relay?",
    "Hvad er en Mental Frikommune?",
]


def assert_quotes_verbatim(ans, sources: dict[str, str] | None = None) -> None:
    for c in ans.citations:
        pieces = quote_pieces(c.quote)
        assert pieces, f"citation {c.n} has an empty quote"
        for piece in pieces:
            assert piece in normalize_space(c.passage.text), f"[{c.n}] {piece[:80]!r} not in passage {c.passage.id}"
            if sources is not None:
                assert piece in sources[c.passage.source], f"[{c.n}] {piece[:80]!r} not in {c.passage.source}"


# ------------------------------------------------------------------ quotes


@pytest.mark.parametrize("question", MINI_QUESTIONS)
def test_every_quote_piece_is_in_the_cited_passage(mini_searcher, question):
    ans = answer(mini_searcher, question)
    assert not ans.abstain and ans.citations
    assert_quotes_verbatim(ans)


@pytest.mark.parametrize("question", BUNDLED_QUESTIONS)
def test_quotes_from_the_bundled_corpus_are_verbatim_in_the_sources(bundled_searcher, question):
    ans = answer(bundled_searcher, question)
    assert_quotes_verbatim(ans, bundled_source_texts())


def test_a_long_passage_is_quoted_by_its_best_sentences(mini_passages):
    long = next(p for p in mini_passages if p.text.startswith(LONG_PARAGRAPH_START))
    assert len(long.text.split()) > 70
    analyzer = Analyzer()
    quote = best_quote(long.text, set(analyzer.terms("videndeling afdelingerne tavlemøder")), analyzer)
    assert "Videndeling mellem afdelingerne blev styrket" in quote
    assert len(quote.split()) < len(long.text.split())
    for piece in quote_pieces(quote):
        assert piece in long.text
        assert any(piece.startswith(s) for s in split_sentences(long.text))  # whole sentences only


def test_two_separate_matching_sentences_are_joined_with_an_elision():
    filler = "Dette er en helt almindelig sætning uden særlige ord i sig."  # 12 words
    sentences = ["Videndeling var det første emne på mødet i dag."] + [filler] * 8 + \
                ["Til sidst kom videndeling op igen som det sidste punkt."]
    text = " ".join(sentences)
    analyzer = Analyzer()
    quote = best_quote(text, {stem("videndeling")}, analyzer)
    assert ELISION.strip() in quote
    pieces = quote_pieces(quote)
    assert len(pieces) == 2
    assert pieces[0].startswith("Videndeling var det første") and pieces[1] == sentences[-1]
    assert all(p in text for p in pieces)


def test_short_passages_and_lists_are_quoted_whole():
    analyzer = Analyzer()
    assert best_quote("  Et kort afsnit.  ", {"kort"}, analyzer) == "Et kort afsnit."
    lst = "Tre råd:\n1. Lyt\n2. Mød\n3. Fejr"
    assert best_quote(lst, {"lyt"}, analyzer) == lst


@pytest.mark.parametrize("quote,pieces", [
    ("En sætning.", ["En sætning."]),
    ("Første del. […] Anden del.", ["Første del.", "Anden del."]),
    ("Første del. [...] Anden  \n del.", ["Første del.", "Anden del."]),
    ("  ", []),
])
def test_quote_pieces(quote, pieces):
    assert quote_pieces(quote) == pieces


# ------------------------------------------------------------------ citations and wording


def test_citations_are_numbered_and_shown_in_the_answer(mini_searcher):
    ans = answer(mini_searcher, "Hvordan håndterer du krydspresset mellem politiske krav og faglige hensyn?")
    assert 1 <= len(ans.citations) <= MAX_CITATIONS
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    for c in ans.citations:
        assert f"[{c.n}] «{normalize_space(c.quote)}»" in ans.text
        assert c.passage.title in c.label
    ids = [c.passage.id for c in ans.citations]
    assert len(ids) == len(set(ids))


def test_a_list_and_its_item_are_not_both_cited(mini_searcher, mini_index):
    ans = answer(mini_searcher, "Mød hinanden fysisk hver måned")
    cited = {c.passage.id for c in ans.citations}
    assert any(c.passage.role == "list" for c in ans.citations)
    for c in ans.citations:
        if c.passage.role == "list_item":
            assert c.passage.answers not in cited
    # and when the search returns both, the list (cited first) covers its item
    lst = next(p for p in mini_index.passages if p.role == "list")
    item = next(p for p in mini_index.passages if p.role == "list_item" and p.answers == lst.id)
    result = SearchResult("Mød hinanden", "da", False, 0.9, [Hit(lst, 0.9), Hit(item, 0.8)])
    assert [c.passage.id for c in compose(result, mini_index.analyzer).citations] == [lst.id]
    # the skipped item's place goes to the next passage
    others = [p for p in mini_index.passages if p.role == "paragraph"][:MAX_CITATIONS]
    hits = [Hit(lst, 0.9), Hit(item, 0.8)] + [Hit(p, 0.7 - k / 100) for k, p in enumerate(others)]
    cited = [c.passage.id for c in compose(SearchResult("Mød hinanden", "da", False, 0.9, hits), mini_index.analyzer).citations]
    assert cited == [lst.id] + [p.id for p in others[: MAX_CITATIONS - 1]]


def test_answer_dict_shape(mini_searcher):
    d = answer(mini_searcher, "Hvad betyder ledelsesspændet?").to_dict()
    assert {"question", "abstain", "answer", "citations"} <= set(d)
    assert d["question"] == "Hvad betyder ledelsesspændet?"
    for c in d["citations"]:
        assert {"n", "id", "source", "title", "section", "quote"} <= set(c)


def test_danish_question_gets_a_danish_answer(mini_searcher):
    ans = answer(mini_searcher, "Hvordan håndterer ledere krydspresset fra byrådet?")
    assert ans.language == "da"
    assert ans.text.startswith(TEXTS["da"]["lead"])
    answer_citations = [c for c in ans.citations if c.passage.role == "answer"]
    assert answer_citations and answer_citations[0].label.startswith("svar fra en topleder")


def test_english_question_gets_an_english_answer(mini_searcher):
    ans = answer(mini_searcher, "How do top leaders handle cross-pressure from the city council?")
    assert ans.language == "en"
    assert ans.text.startswith(TEXTS["en"]["lead"])
    answer_citations = [c for c in ans.citations if c.passage.role == "answer"]
    assert answer_citations and answer_citations[0].label.startswith("answer from a top leader")
    assert_quotes_verbatim(ans)  # quotes stay Danish and verbatim


# ------------------------------------------------------------------ abstention


@pytest.mark.parametrize("question,lang,says", [
    ("Hvad betyder ledelsesspændet for lederen?", "da", "ikke svare på ud fra kilderne"),
    ("What does a wide span of control mean for leaders?", "en", "sources do not cover"),
])
def test_an_abstained_answer_has_no_citations_and_says_the_sources_do_not_cover_it(
        mini_index, fake_embedder, question, lang, says):
    searcher = Searcher(mini_index, fake_embedder, Weights(abstain_threshold=1.01))
    ans = answer(searcher, question)
    assert ans.abstain
    assert ans.citations == [] and ans.to_dict()["citations"] == []
    assert ans.language == lang
    assert says in ans.text
    assert "«" not in ans.text  # nothing quoted


def test_no_hits_means_abstain(mini_searcher):
    ans = answer(mini_searcher, "krydspres", filters=Filters(source="no-such-source"))
    assert ans.abstain and ans.citations == []


def test_compose_of_an_abstained_search_ignores_its_hits(mini_index, fake_embedder):
    searcher = Searcher(mini_index, fake_embedder, Weights(abstain_threshold=1.01))
    result = searcher.search("Hvad betyder ledelsesspændet?")
    assert result.hits  # there were passages, but too weak to answer from
    assert compose(result, mini_index.analyzer).citations == []


def test_a_truncated_question_is_noted(mini_searcher):
    d = answer(mini_searcher, "krydspres og faglighed " * 5000).to_dict()
    assert d.get("note")


# ------------------------------------------------------------------ the real bundled model


@pytest.mark.model
@pytest.mark.parametrize("question", BUNDLED_QUESTIONS + [
    "Hvordan kan ledere skabe sammenhængende borgerforløb på tværs af sektorer?",
    "What do leaders say about measuring quality with fewer indicators?",
])
def test_real_model_answers_quote_the_sources_verbatim(model_searcher, question):
    ans = answer(model_searcher, question)
    assert_quotes_verbatim(ans, bundled_source_texts())
    if not ans.abstain:
        assert ans.citations


@pytest.mark.model
def test_real_model_answers_in_the_language_of_the_question(model_searcher):
    en = answer(model_searcher, "What are the seven messages from leaders and employees to the executives?")
    da = answer(model_searcher, "Hvad er de syv budskaber fra ledere og medarbejdere til cheferne?")
    assert en.language == "en" and en.text.startswith(TEXTS["en"]["lead"])
    assert da.language == "da" and da.text.startswith(TEXTS["da"]["lead"])
