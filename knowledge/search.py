"""Hybrid search: Danish BM25 (with query expansion) fused with dense embeddings, filters, and abstention.

Every hit carries its reasons (which retriever found it, at what rank and score),
so a developer can see why a passage was cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.embed import Embedder
from knowledge.expand import Expansion, expand_terms, translate
from knowledge.gloss import english_gloss
from knowledge.lexical import restore_danish_letters
from knowledge.index import GLOSSED_VIEWS, Index, side_by_side, views_of
from knowledge.passage import Passage
from knowledge.rerank import QuestionTerms, Reranker
from knowledge.scope import scope_features
from knowledge.text import detect_language, normalize_space

CANDIDATES = 200
QUOTE_REQUEST = re.compile(r"\b(citat\w*|citer\w*|quote\w*|sagde|sagt|udtalt\w*|said|says)\b", re.IGNORECASE)
SPOKEN = re.compile(r"[”“„»«]|^- ")
ANSWER_TYPE_DEPTH = 5  # the best passages searched for the kind of answer a question asks for (a count, a date, a role)
LIST_OVER_ITEM = 0.8  # show the whole list instead of an item when the list scores nearly as well


@dataclass(frozen=True)
class Weights:
    """How the retrievers are fused; tuned and calibrated with `brobygger calibrate`."""

    lexical: float = 0.7
    dense: float = 0.3
    meta: float = 0.3  # BM25 on title and section, relative to BM25 on the text
    question_to_answer: float = 0.95  # an answer inherits this share of its question's score
    question_penalty: float = 0.8  # a bare question ranks below the answer to it
    item_to_list: float = 0.9
    list_count_boost: float = 1.3  # a question naming a number favours the list with that many items
    spoken_boost: float = 1.2  # for a quote request: a leader's own words rank higher
    # second stage over the best candidates: bonuses for covering the question's words, and closely
    rerank_coverage: float = 0.25
    rerank_proximity: float = 0.1
    # confidence = logistic(bias + coefficients · features); below the threshold the search abstains.
    # The defaults are a calibrated model, rounded (features: see `Searcher.features`); the threshold
    # stays 0 so that nothing abstains until `brobygger calibrate` has seen the index's own questions.
    abstain_coefficients: tuple[float, ...] = (1.0, 0.9, 0.3, 0.8, 0.5, -2.5, -1.9)
    abstain_bias: float = -1.0
    abstain_threshold: float = 0.0


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
    features: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "abstain": self.abstain,
            "results": [h.to_dict() for h in self.hits],
            "confidence": round(self.confidence, 4),
            "language": self.language,
            **({"note": "the query was truncated"} if self.truncated else {}),
        }


NUMBER_WORDS = {
    "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}


def numbers_in(text: str) -> set[int]:
    words = re.findall(r"[a-zæøå]+|\d+", text.lower())
    found = {NUMBER_WORDS[w] for w in words if w in NUMBER_WORDS and w != "to"}  # 'to' is also a preposition
    found |= {int(w) for w in words if w.isdigit() and 2 <= int(w) <= 20}
    return found


NAME = re.compile(r"(?<=[\w,;:] )[A-ZÆØÅ][\wæøåÆØÅ-]*")


def query_language(text: str) -> str:
    """The question's language, judged without the capitalised names inside it: an English
    question about "Videncenter for Velfærdsledelse" is English, whatever letters the name has."""
    without_names = NAME.sub(" ", text)
    return detect_language(without_names if without_names.strip() else text)


def _top_positions(values: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n largest values, largest first (partial sort: fast on large corpora)."""
    if len(values) <= n:
        return np.argsort(-values, kind="stable")
    part = np.argpartition(-values, n)[:n]
    return part[np.argsort(-values[part], kind="stable")]


def _list_size(p: Passage) -> int:
    if p.role != "list":
        return 0
    return next((int(t.split(":", 1)[1]) for t in p.tags if t.startswith("items:")), 0)


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
            elif theme and (theme != p.theme if p.theme else theme not in p.section.lower()):
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
        self._list_sizes = np.array([_list_size(p) for p in index.passages])
        self._is_question = np.array([p.role == "question" for p in index.passages], dtype=bool)
        self._answer_links = self._links("answer")
        self._item_links = self._links("list_item")
        self._known = set(index.bm25.vocab)
        self._vocabulary = sorted(self._known)
        # a leader's own words: a stafet answer, or a paragraph with direct speech
        self._spoken = np.array([p.role == "answer" or bool(SPOKEN.search(p.text)) for p in index.passages], dtype=bool)
        self._reranker = Reranker(index.passages, index.analyzer)
        self._glossed = views_of(index.manifest) == GLOSSED_VIEWS

    def _links(self, role: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions of passages of `role` and of the passages they point to (question, list)."""
        pairs = [(i, self._positions[p.answers]) for i, p in enumerate(self.index.passages)
                 if p.role == role and p.answers in self._positions]
        return (np.array([a for a, _ in pairs], dtype=np.int64), np.array([b for _, b in pairs], dtype=np.int64))

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> SearchResult:
        text = normalize_space(query)
        if not text:
            raise EmptyQuery("The question is empty: write what you want to know.")
        truncated = len(text) > self.max_query_chars
        if truncated:
            text = text[: self.max_query_chars]
        text = restore_danish_letters(text, self.index.analyzer, self._known)
        language = query_language(text)
        scores, reasons, feats, order = self.score(text, language, filters)
        confidence = self._confidence(feats)
        hits = self._top(scores, order, reasons, k)
        abstain = confidence < self.weights.abstain_threshold or not hits
        return SearchResult(query, language, abstain, confidence, hits, truncated, tuple(feats))

    def score(
        self, text: str, language: str, filters: Filters | None
    ) -> tuple[np.ndarray, dict[int, dict[str, Any]], list[float], np.ndarray]:
        """Fused scores of all passages, the reasons for the best, the abstain features, the best positions in order."""
        idx, w = self.index, self.weights
        n = len(idx.passages)
        expansion = expand_terms(text, language, idx.analyzer, known=self._known, vocabulary=self._vocabulary)
        terms = expansion.weights
        synonyms = expansion.synonym_groups()
        lex = idx.bm25.scores(terms, synonyms) + w.meta * idx.bm25_meta.scores(terms, synonyms)
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
        counts = numbers_in(text)
        if counts:  # "de syv budskaber", "the three challenges": the list with that many items
            fused = fused * np.where(np.isin(self._list_sizes, list(counts)), w.list_count_boost, 1.0)
        if QUOTE_REQUEST.search(text):
            fused = fused * np.where(self._spoken, w.spoken_boost, 1.0)
        order = _top_positions(fused, CANDIDATES)
        question = QuestionTerms.of(text, language, terms, idx.analyzer, idx.bm25)
        first = fused
        fused, order = self._reranker.rerank(fused, order, question, w.rerank_coverage, w.rerank_proximity)
        lex_rank = {int(i): r + 1 for r, i in enumerate(_top_positions(lex, CANDIDATES)) if lex[i] > 0}
        dense_rank = {int(i): r + 1 for r, i in enumerate(_top_positions(dense, CANDIDATES))}
        reasons = {
            int(i): {
                "bm25": round(float(lex[i]), 3), "bm25_rank": lex_rank.get(int(i)),
                "dense": round(float(dense[i]), 3), "dense_rank": dense_rank.get(int(i)),
                "rerank_bonus": round(float(fused[i] - first[i]), 3),
            }
            for i in order[:50]
        }
        feats = self.features(expansion, [int(i) for i in order[:ANSWER_TYPE_DEPTH] if fused[i] > 0], top_dense, text, language)
        return fused, reasons, feats, order

    def _dense(self, text: str, language: str) -> np.ndarray:
        idx = self.index
        n = len(idx.passages)
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        qv = self.query_vector(text, language)
        if idx.manifest.get("faiss") == "flat":
            return idx.vectors @ qv
        out = np.full(n, -1.0, dtype=np.float32)
        sims, ids = idx.faiss_index.search(qv[None, :], min(CANDIDATES, n))
        valid = ids[0] >= 0
        out[ids[0][valid]] = sims[0][valid]
        return out

    def query_vector(self, text: str, language: str) -> np.ndarray:
        """The question as the index holds passages: as written, and beside it its English gloss
        (an English question is its own gloss); both embedded in one call."""
        if not self._glossed:
            return self.embedder.encode([text])[0].astype(np.float32)
        if language == "en":
            vector = self.embedder.encode([text])
            return side_by_side(vector, vector)[0]
        both = self.embedder.encode([text, english_gloss(text, self.index.analyzer)])
        return side_by_side(both[:1], both[1:])[0]

    def _propagate(self, fused: np.ndarray) -> np.ndarray:
        """An answer inherits its question's score; a list its items'; bare questions step back."""
        w = self.weights
        out = np.where(self._is_question, fused * w.question_penalty, fused)
        a, q = self._answer_links
        if len(a):
            out[a] = np.maximum(out[a], fused[q] * w.question_to_answer)
        item, lst = self._item_links
        if len(item):
            np.maximum.at(out, lst, fused[item] * w.item_to_list)
        return out

    def features(self, expansion: Expansion, top: list[int], top_dense: float, text: str, language: str) -> list[float]:
        """What the abstain decision looks at: how much of the question the corpus and the best
        passages cover (IDF-weighted), the best dense similarity, the language, and what the question
        asks for (another domain's words or a piece of work; a number or date the best passages lack)."""
        best = [self.index.passages[i].text for i in top[:ANSWER_TYPE_DEPTH]]
        scope = list(scope_features(text, language, self._known, best, self.index.analyzer))
        return self._coverage(expansion, top, top_dense, text, language) + scope

    def _coverage(self, expansion: Expansion, top: list[int], top_dense: float, text: str, language: str) -> list[float]:
        """IDF-weighted shares of the question's own words that the corpus, the best passage and the
        best three hold. A word the sources do not hold as written earns the weight of what it was
        widened to (its compound parts, a close spelling, a near-synonym) where that is held; a number
        in the question is left out (it sets the scene: "18 afdelingsledere")."""
        idx = self.index
        bm25 = idx.bm25
        max_idf = float(np.log(1.0 + (bm25.n_docs + 0.5) / 0.5))
        weights = expansion.weights
        core = [t for t, wt in weights.items() if wt >= 1.0 and not t.isdigit()]
        unknown = 0
        if language == "en":
            _, words = translate(text)
            unknown = sum(1 for u in words if u not in bm25.vocab)
        value = {t: bm25.idf(t) or max_idf for t in core}
        widened: dict[str, list[str]] = {}
        for term, source in expansion.origin.items():
            widened.setdefault(source, []).append(term)
        total = sum(value.values()) + max_idf * unknown
        if not total or not top:
            return [0.0, 0.0, 0.0, max(top_dense, 0.0), float(language == "en")]

        def share(present: set[str] | dict[str, int]) -> float:
            def credit(t: str) -> float:
                if t in present:
                    return 1.0
                return max((weights[d] for d in widened.get(t, ()) if d in present), default=0.0)

            return sum(value[t] * credit(t) for t in core) / total

        def covered(ids: list[int]) -> float:
            seen: set[str] = set()
            for i in ids:
                seen.update(self._reranker.positions(i))  # the passage's terms, analysed once and cached
            return share(seen)

        return [share(bm25.vocab), covered(top[:1]), covered(top[:3]), max(top_dense, 0.0), float(language == "en")]

    def _confidence(self, features: list[float]) -> float:
        """A probability-like score that the question is covered (logistic, fitted by `brobygger calibrate`)."""
        w = self.weights
        z = w.abstain_bias + sum(c * f for c, f in zip(w.abstain_coefficients, features))
        return float(1.0 / (1.0 + np.exp(-z)))

    def _top(self, scores: np.ndarray, order: np.ndarray, reasons: dict[int, dict[str, Any]], k: int) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[str] = set()
        for i in order:
            if len(hits) >= k or scores[i] <= 0:
                break
            p = self.index.passages[int(i)]
            score = float(scores[i])
            if p.role == "list_item" and p.answers in self._positions:
                j = self._positions[p.answers]
                if scores[j] >= LIST_OVER_ITEM * scores[i]:
                    i, p = j, self.index.passages[j]  # the whole list says it, at the item's rank
            key = p.dup_of or p.id
            if key in seen:
                continue
            seen.add(key)
            hits.append(Hit(p, score, reasons.get(int(i), {})))
        return hits
