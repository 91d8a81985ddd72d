"""The second stage: coverage of the question's words and their proximity, over the best candidates."""

from __future__ import annotations

import numpy as np

from knowledge.lexical import stem
from knowledge.rerank import QuestionTerms, Reranker
from knowledge.search import Weights


def _question(mini_searcher, text: str, language: str = "da") -> QuestionTerms:
    from knowledge.expand import expand

    idx = mini_searcher.index
    terms = expand(text, language, idx.analyzer, known=mini_searcher._known, vocabulary=mini_searcher._vocabulary)
    return QuestionTerms.of(text, language, terms, idx.analyzer, idx.bm25)


def _position(passages, startswith: str) -> int:
    return next(i for i, p in enumerate(passages) if p.text.startswith(startswith))


def test_question_terms_keep_the_question_order(mini_searcher):
    q = _question(mini_searcher, "Hvordan inddrager lederne forældrene i dagtilbuddet?")
    assert set(q.idf) >= {stem("forældrene"), stem("dagtilbuddet")}
    assert (stem("forældrene"), stem("dagtilbuddet")) in q.pairs
    assert all(v > 0 for v in q.idf.values())


def test_english_question_terms_come_from_the_glossary(mini_searcher):
    q = _question(mini_searcher, "How do leaders handle cross-pressure?", "en")
    assert {stem("ledere"), stem("håndtere")} <= set(q.idf)  # Danish terms of the sources' index


def test_coverage_and_proximity_of_a_passage(mini_searcher):
    passages = mini_searcher.index.passages
    reranker = Reranker(passages, mini_searcher.index.analyzer)
    q = _question(mini_searcher, "Hvordan inddrager I forældrene i udviklingen af dagtilbuddet?")
    asked = _position(passages, "Hvordan inddrager I forældrene")
    other = _position(passages, "Sygefraværet faldt")
    coverage, proximity = reranker.features(asked, q)
    assert coverage == 1.0 and proximity == 1.0
    assert reranker.features(other, q) == (0.0, 0.0)


def test_rerank_brings_the_covering_passage_forward(mini_searcher):
    passages = mini_searcher.index.passages
    reranker = Reranker(passages, mini_searcher.index.analyzer)
    q = _question(mini_searcher, "Hvordan inddrager I forældrene i udviklingen af dagtilbuddet?")
    asked = _position(passages, "Hvordan inddrager I forældrene")
    other = _position(passages, "Sygefraværet faldt")
    fused = np.zeros(len(passages), dtype=np.float32)
    fused[other], fused[asked] = 0.9, 0.8
    order = np.array([other, asked])
    scores, new_order = reranker.rerank(fused, order, q, coverage_bonus=0.25, proximity_bonus=0.1)
    assert list(new_order) == [asked, other]
    assert scores[asked] > fused[asked] and scores[other] == fused[other]
    unchanged, same = reranker.rerank(fused, order, q, coverage_bonus=0.0, proximity_bonus=0.0)
    assert unchanged is fused and list(same) == [other, asked]


def test_hits_say_what_the_second_stage_added(mini_searcher):
    result = mini_searcher.search("Hvordan inddrager I forældrene i udviklingen af dagtilbuddet?", k=3)
    assert all("rerank_bonus" in h.reasons for h in result.hits)
    assert result.hits[0].reasons["rerank_bonus"] > 0
    assert Weights().rerank_coverage > 0 and Weights().rerank_proximity > 0
