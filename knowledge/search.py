"""Hybrid search: Danish BM25 (with query expansion) fused with dense embeddings, filters, and abstention.

Every hit carries its reasons (which retriever found it, at what rank and score),
so a developer can see why a passage was cited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.embed import Embedder
from knowledge.expand import expand, glossary
from knowledge.index import Index
from knowledge.passage import Passage
from knowledge.text import detect_language, normalize_space

CANDIDATES = 200
LIST_OVER_ITEM = 0.8  # show the whole list instead of an item when the list scores nearly as well


@dataclass(frozen=True)
class Weights:
    """How the retrievers are fused; tuned and calibrated with `brobygger calibrate`."""

    lexical: float = 0.7
    dense: float = 0.3
    question_to_answer: float = 0.95  # an answer inherits this share of its question's score
    question_penalty: float = 0.8  # a bare question ranks below the answer to it
    item_to_list: float = 0.9
    abstain_threshold: float = 0.0  # on `confidence`; below it the search abstains


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    reasons: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        p = self.passage
        return {
            "id": p.id,
            "source": p.source,
            "title": p.title,
            "section": p.section,
            "text": p.text,
            "score": round(float(self.score), 4),
            "role": p.role,
            "group": p.group,
            "theme": p.theme,
            "question": p.context if p.role == "answer" else "",
            "reasons": self.reasons,
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    language: str
    abstain: bool
    confidence: float
    hits: list[Hit]
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "abstain": self.abstain,
            "results": [h.to_dict() for h in self.hits],
            "confidence": round(self.confidence, 4),
            "language": self.language,
            **({"note": "the query was truncated"} if self.truncated else {}),
        }


class EmptyQuery(ValueError):
    """A query with no text."""


@dataclass(frozen=True)
class Filters:
    source: str = ""
    theme: str = ""
    group: str = ""

    def mask(self, passages: list[Passage]) -> np.ndarray | None:
        if not (self.source or self.theme or self.group):
            return None
        src, theme, group = self.source.lower(), self.theme.lower(), self.group.lower()
        keep = np.ones(len(passages), dtype=bool)
        for i, p in enumerate(passages):
            if src and src not in (p.source.lower(), p.doc_id.lower()):
                keep[i] = False
            elif theme and theme not in (p.theme or p.section.lower()):
                keep[i] = False
            elif group and not p.group.startswith(group):
                keep[i] = False
        return keep


class Searcher:
    def __init__(self, index: Index, embedder: Embedder, weights: Weights | None = None, max_query_chars: int = 2000) -> None:
        self.index = index
        self.embedder = embedder
        self.weights = weights or Weights()
        self.max_query_chars = max_query_chars
        self._positions = {p.id: i for i, p in enumerate(index.passages)}

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> SearchResult:
        text = normalize_space(query)
        if not text:
            raise EmptyQuery("The question is empty: write what you want to know.")
        truncated = len(text) > self.max_query_chars
        if truncated:
            text = text[: self.max_query_chars]
        language = detect_language(text)
        scores, reasons, confidence = self.score(text, language, filters)
        hits = self._top(scores, reasons, k)
        abstain = confidence < self.weights.abstain_threshold or not hits
        return SearchResult(query, language, abstain, confidence, hits, truncated)

    def score(self, text: str, language: str, filters: Filters | None) -> tuple[np.ndarray, dict[int, dict[str, Any]], float]:
        idx, w = self.index, self.weights
        n = len(idx.passages)
        terms = expand(text, language, idx.analyzer, known=set(idx.bm25.vocab))
        lex = idx.bm25.scores(terms)
        dense = self._dense(text, language)
        mask = filters.mask(idx.passages) if filters else None
        if mask is not None:
            lex = np.where(mask, lex, 0.0)
            dense = np.where(mask, dense, -1.0)
        lex_n = lex / lex.max() if n and lex.max() > 0 else np.zeros(n, dtype=np.float32)
        top_dense = float(dense.max()) if n else 0.0
        floor = float(np.percentile(dense[dense > -1], 50)) if n and (dense > -1).any() else 0.0
        dense_n = np.clip((dense - floor) / max(top_dense - floor, 1e-6), 0.0, 1.0)
        fused = w.lexical * lex_n + w.dense * dense_n
        if mask is not None:
            fused = np.where(mask, fused, -1.0)
        fused = self._propagate(fused)
        order = np.argsort(-fused)[:CANDIDATES]
        lex_rank = {int(i): r + 1 for r, i in enumerate(np.argsort(-lex)[:CANDIDATES]) if lex[i] > 0}
        dense_rank = {int(i): r + 1 for r, i in enumerate(np.argsort(-dense)[:CANDIDATES])}
        reasons = {
            int(i): {
                "bm25": round(float(lex[i]), 3), "bm25_rank": lex_rank.get(int(i)),
                "dense": round(float(dense[i]), 3), "dense_rank": dense_rank.get(int(i)),
            }
            for i in order[:50]
        }
        confidence = self._confidence(terms, int(order[0]) if n else -1, top_dense, text, language)
        return fused, reasons, confidence

    def _dense(self, text: str, language: str) -> np.ndarray:
        idx = self.index
        n = len(idx.passages)
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        qv = self.embedder.encode([text])[0].astype(np.float32)
        if idx.manifest.get("faiss") == "flat":
            return idx.vectors @ qv
        out = np.full(n, -1.0, dtype=np.float32)
        sims, ids = idx.faiss_index.search(qv[None, :], min(CANDIDATES, n))
        valid = ids[0] >= 0
        out[ids[0][valid]] = sims[0][valid]
        return out

    def _propagate(self, fused: np.ndarray) -> np.ndarray:
        """An answer inherits its question's score; a list its items'; bare questions step back."""
        w = self.weights
        out = fused.copy()
        for i, p in enumerate(self.index.passages):
            if p.role == "question":
                out[i] = fused[i] * w.question_penalty
            elif p.role in ("answer", "list_item") and p.answers:
                j = self._positions.get(p.answers)
                if j is None:
                    continue
                if p.role == "answer":
                    out[i] = max(out[i], fused[j] * w.question_to_answer)
                else:
                    out[j] = max(out[j], fused[i] * w.item_to_list)
        return out

    def _confidence(self, terms: dict[str, float], top: int, top_dense: float, text: str, language: str) -> float:
        """How much of the question the best passage covers (IDF-weighted), blended with dense similarity."""
        if top < 0 or not terms:
            return 0.0
        idx = self.index
        bm25 = idx.bm25
        top_terms = set(idx.analyzer.terms(idx.passages[top].lexical_text))
        if idx.passages[top].role == "answer" or idx.passages[top].answers:
            pass
        max_idf = np.log(1.0 + (bm25.n_docs + 0.5) / 0.5)
        total = matched = 0.0
        for term, wt in terms.items():
            if wt < 1.0:
                continue
            idf = bm25.idf(term) or max_idf
            total += idf
            if term in top_terms:
                matched += idf
        if language == "en":
            _, unknown = glossary().translate(text)
            total += max_idf * sum(1 for u in unknown if u not in bm25.vocab)
        coverage = matched / total if total else 0.0
        return float(0.7 * coverage + 0.3 * max(top_dense, 0.0))

    def _top(self, scores: np.ndarray, reasons: dict[int, dict[str, Any]], k: int) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[str] = set()
        for i in np.argsort(-scores):
            if len(hits) >= k or scores[i] <= 0:
                break
            p = self.index.passages[int(i)]
            if p.role == "list_item" and p.answers in self._positions:
                j = self._positions[p.answers]
                if scores[j] >= LIST_OVER_ITEM * scores[i]:
                    i, p = j, self.index.passages[j]  # the whole list says it, with its introduction
            key = p.dup_of or p.id
            if key in seen:
                continue
            seen.add(key)
            hits.append(Hit(p, float(scores[i]), reasons.get(int(i), {})))
        return hits
