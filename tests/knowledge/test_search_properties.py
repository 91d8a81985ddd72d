"""Properties of search and answers for any question, over the bundled corpus with the fake model:
never a crash, at most k hits best first with real ids, and every quote the passage's own words."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import index
from knowledge.answer import MAX_CITATIONS, answer, quote_pieces
from knowledge.embed import FakeEmbedder
from knowledge.search import EmptyQuery, Filters, Searcher, Weights
from knowledge.text import normalize_space
from tests.knowledge.strategies import any_text

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def searcher(_prebuilt_fake_data: Path) -> Searcher:
    """One searcher for all examples: searching changes nothing in it."""
    embedder = FakeEmbedder(64)
    return Searcher(index.load(_prebuilt_fake_data / "index", embedder.model_id), embedder, Weights())


def question() -> st.SearchStrategy[str]:
    leadership = st.sampled_from(["Hvordan håndterer ledere krydspres?", "tillid til medarbejderne",
                                  "How do leaders work across sectors?", "borgerinddragelse", "de syv budskaber"])
    return st.one_of(any_text(max_size=2500), st.builds(lambda a, b: a + " " + b, leadership, any_text(max_size=200)))


@PROPERTY
@given(query=question(), k=st.integers(min_value=1, max_value=20))
def test_search_returns_at_most_k_real_hits_best_first(searcher: Searcher, query: str, k: int):
    if not normalize_space(query):
        with pytest.raises(EmptyQuery):
            searcher.search(query, k=k)
        return
    result = searcher.search(query, k=k)
    assert len(result.hits) <= k
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True) and all(math.isfinite(s) and s > 0 for s in scores)
    known = {p.id for p in searcher.index.passages}
    ids = [h.passage.id for h in result.hits]
    assert set(ids) <= known and len(set(ids)) == len(ids)
    groups = [h.passage.dup_of or h.passage.id for h in result.hits]
    assert len(set(groups)) == len(groups)  # the same words are never shown twice
    assert result.language in ("da", "en") and 0.0 <= result.confidence <= 1.0
    assert result.truncated == (len(normalize_space(query)) > searcher.max_query_chars)
    assert result.abstain or result.hits


@PROPERTY
@given(query=question(), data=st.data())
def test_filters_are_respected_for_any_question(searcher: Searcher, query: str, data: st.DataObject):
    passages = searcher.index.passages
    source = data.draw(st.sampled_from(sorted({p.doc_id for p in passages})))
    theme = data.draw(st.sampled_from([""] + sorted({p.theme for p in passages if p.theme})))
    if not normalize_space(query):
        return
    for hit in searcher.search(query, k=10, filters=Filters(source=source, theme=theme)).hits:
        p = hit.passage
        assert p.doc_id == source
        # a theme is a stafet passage's theme, or for a passage without one, a word of its section
        assert not theme or p.theme == theme or (not p.theme and theme in p.section.lower())


@PROPERTY
@given(query=question())
def test_every_quote_is_its_passages_own_words(searcher: Searcher, query: str):
    if not normalize_space(query):
        return
    result = answer(searcher, query)
    assert len(result.citations) <= MAX_CITATIONS
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    assert not (result.abstain and result.citations)
    for c in result.citations:
        passage = normalize_space(c.passage.text)
        assert quote_pieces(c.quote) and all(piece in passage for piece in quote_pieces(c.quote)), c.quote
