"""Extractive answers: the retrieved passages' own sentences, with numbered, verbatim citations.

Nothing in an answer is a fact that is not in a passage: the only words of our own
are the fixed lead-in and the labels saying where each quote comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from knowledge.lexical import Analyzer
from knowledge.passage import Passage
from knowledge.search import Filters, Searcher, SearchResult
from knowledge.text import normalize_space, split_sentences

MAX_CITATIONS = 3
QUOTE_WORDS = 70  # a passage up to about this long is quoted whole
RELATIVE_FLOOR = 0.25  # cite a further passage only if it scores at least this share of the best
ELISION = " […] "

TEXTS = {
    "da": {
        "lead": "Det siger kilderne om dit spørgsmål:",
        "abstain": (
            "Det kan jeg ikke svare på ud fra kilderne: de handler ikke om det, du spørger om. "
            "De handler om ledelse på tværs i den offentlige sektor: krydspres mellem styring og faglighed, "
            "borgerblik, ledelsesrum, lederrollen, samarbejde på tværs af enheder og sektorer og ledelsesudvikling."
        ),
        "from": "fra",
        "group": {"topledere": "en topleder", "institutions- og driftsledere": "en institutions- eller driftsleder"},
        "role": {"question": "spørgsmål", "answer": "svar"},
    },
    "en": {
        "lead": "Here is what the sources say (they are in Danish, quoted as written):",
        "abstain": (
            "The sources do not cover that, so I cannot answer it from them. "
            "They are about cross-boundary leadership in the Danish public sector: cross-pressure between "
            "governance and professional judgement, the citizen's perspective, leadership room, the leader's role, "
            "working across units and sectors, and leadership development."
        ),
        "from": "from",
        "group": {"topledere": "a top leader", "institutions- og driftsledere": "an institution or operations leader"},
        "role": {"question": "question", "answer": "answer"},
    },
}


@dataclass(frozen=True)
class Citation:
    n: int
    passage: Passage
    quote: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        p = self.passage
        return {
            "n": self.n, "id": p.id, "source": p.source, "title": p.title, "section": p.section,
            "quote": self.quote, "role": p.role, "group": p.group, "theme": p.theme, "label": self.label,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    language: str
    abstain: bool
    text: str
    citations: list[Citation] = field(default_factory=list)
    search: SearchResult | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "abstain": self.abstain,
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "language": self.language,
        }
        if self.search is not None and self.search.truncated:
            out["note"] = "the question was truncated"
        return out


def answer(searcher: Searcher, question: str, filters: Filters | None = None, k: int = 5) -> Answer:
    result = searcher.search(question, k=k, filters=filters)
    return compose(result, searcher.index.analyzer)


def compose(result: SearchResult, analyzer: Analyzer) -> Answer:
    lang = result.language if result.language in TEXTS else "da"
    t = TEXTS[lang]
    if result.abstain or not result.hits:
        return Answer(result.query, lang, True, t["abstain"], [], result)
    query_terms = set(analyzer.terms(result.query))
    best = result.hits[0].score
    citations: list[Citation] = []
    covered: set[str] = set()
    for h in result.hits:
        p = h.passage
        if len(citations) == MAX_CITATIONS or h.score < RELATIVE_FLOOR * best:
            break
        if p.id in covered or (p.role == "list_item" and p.answers in covered):
            continue  # its list is already cited: the next passage takes the place
        covered.add(p.id)
        quote = best_quote(p.text, query_terms, analyzer)
        citations.append(Citation(len(citations) + 1, p, quote, label(p, lang)))
    lines = [t["lead"]]
    for c in citations:
        lines.append(f"[{c.n}] «{_one_line(c.quote)}» ({c.label})")
    return Answer(result.query, lang, False, "\n".join(lines), citations, result)


def label(p: Passage, lang: str) -> str:
    """Who says it and where: 'svar fra en topleder, Topledere – krydspres, Ledelse til gavn for borgerne'."""
    t = TEXTS[lang]
    parts = []
    if p.role in ("question", "answer") and p.group:
        parts.append(f"{t['role'][p.role]} {t['from']} {t['group'].get(p.group, p.group)}")
    section = p.section.split(" › ")[-1] if p.section else ""
    if section and section != p.title:
        parts.append(section)
    parts.append(p.title)
    return ", ".join(parts)


def best_quote(text: str, query_terms: set[str], analyzer: Analyzer, max_words: int = QUOTE_WORDS) -> str:
    """A verbatim quote: the whole passage when short, else the best window of whole sentences.

    A second, separate sentence that also matches is joined with "[…]"; every piece
    is the passage's own text, and so the source's.
    """
    if "\n" in text or len(text.split()) <= max_words:
        return text.strip()
    sentences = split_sentences(text)
    scores = [len(query_terms & set(analyzer.terms(s))) for s in sentences]
    lengths = [len(s.split()) for s in sentences]
    best_i = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    lo = hi = best_i
    words = lengths[best_i]
    while True:  # grow the window towards the better-scoring neighbour while it fits
        options = [j for j in (lo - 1, hi + 1) if 0 <= j < len(sentences) and words + lengths[j] <= max_words]
        if not options:
            break
        j = max(options, key=lambda j: (scores[j], -abs(j - best_i), -j))
        lo, hi = min(lo, j), max(hi, j)
        words += lengths[j]
    quote = " ".join(sentences[lo : hi + 1])
    rest = [i for i in range(len(sentences)) if (i < lo - 1 or i > hi + 1) and scores[i] > 0]
    if rest and words < max_words:
        extra = max(rest, key=lambda i: scores[i])
        if scores[extra] >= max(1, scores[best_i] // 2) and words + lengths[extra] <= max_words * 1.4:
            quote = quote + ELISION + sentences[extra] if extra > hi else sentences[extra] + ELISION + quote
    return quote


def quote_pieces(quote: str) -> list[str]:
    """The verbatim pieces of a quote (split at elisions), whitespace-normalised."""
    return [normalize_space(p) for p in re.split(r"\s*\[(?:…|\.\.\.)\]\s*", quote) if normalize_space(p)]


def _one_line(text: str) -> str:
    return normalize_space(text)
