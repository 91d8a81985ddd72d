"""Second stage: the best candidates re-scored by how much of the question each covers, and how closely.

The first stage (BM25 and dense similarity, fused) sums weights: a passage can rank high on one
frequent word, a synonym or a compound part. Over its best candidates, each passage gets a bonus
for covering more of the question's own content words (IDF-weighted), and for holding neighbouring
question words close together (a phrase or near paraphrase rather than scattered words).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from knowledge.expand import translate
from knowledge.lexical import BM25, Analyzer, tokenize
from knowledge.passage import Passage

TOP_N = 20  # how many first-stage candidates are re-scored
WINDOW = 6  # two question words this close (in passage words) count as near


@dataclass(frozen=True)
class QuestionTerms:
    """The question's own content terms with their IDF, and its neighbouring pairs in question order."""

    idf: dict[str, float]
    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, text: str, language: str, terms: dict[str, float], analyzer: Analyzer, bm25: BM25) -> "QuestionTerms":
        idf = {t: bm25.idf(t) for t, w in terms.items() if w >= 1.0 and bm25.idf(t) > 0}
        if language == "en":
            sequence = [t for danish, w in translate(text)[0] if w >= 1.0 for t in analyzer.terms(danish)]
        else:
            sequence = analyzer.terms(text)
        ordered = [t for t in sequence if t in idf]
        return cls(idf, tuple((a, b) for a, b in zip(ordered, ordered[1:]) if a != b))


class Reranker:
    def __init__(self, passages: list[Passage], analyzer: Analyzer) -> None:
        self.passages = passages
        self.analyzer = analyzer
        self.positions = lru_cache(maxsize=50_000)(self._positions)

    def _positions(self, i: int) -> dict[str, list[int]]:
        """Where each term occurs in passage i (what the lexical index sees: context, text, title, section)."""
        p = self.passages[i]
        found: dict[str, list[int]] = {}
        for k, tok in enumerate(tokenize(p.lexical_text + "\n" + p.meta_text)):
            for t in self.analyzer.terms(tok):
                found.setdefault(t, []).append(k)
        return found

    def features(self, i: int, q: QuestionTerms) -> tuple[float, float]:
        """(coverage, proximity) of passage i: the IDF share of the question's terms it holds, and
        the share of the question's neighbouring pairs it holds within WINDOW words of each other."""
        pos = self.positions(i)
        total = sum(q.idf.values())
        coverage = sum(v for t, v in q.idf.items() if t in pos) / total if total else 0.0
        near = sum(
            1 for a, b in q.pairs
            if a in pos and b in pos and min(abs(x - y) for x in pos[a] for y in pos[b]) <= WINDOW
        )
        return coverage, (near / len(q.pairs) if q.pairs else 0.0)

    def rerank(
        self, fused: np.ndarray, order: np.ndarray, q: QuestionTerms, coverage_bonus: float, proximity_bonus: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores with the bonuses added to the best TOP_N candidates, and the order re-sorted."""
        if not q.idf or (coverage_bonus == 0 and proximity_bonus == 0):
            return fused, order
        out = fused.copy()
        for i in order[:TOP_N]:
            if fused[i] <= 0:
                continue
            coverage, proximity = self.features(int(i), q)
            out[i] += coverage_bonus * coverage + proximity_bonus * proximity
        return out, order[np.argsort(-out[order], kind="stable")]
