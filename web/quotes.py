"""The quotes API's rules: checked parameters in, quotes with provenance out. No web framework here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from knowledge.answer import label
from records.feedback import Feedback
from knowledge.passage import Passage, strip_markup
from knowledge.search import Filters, Searcher

MAX_K = 20
DEFAULT_K = 5
MAX_PASSAGE_IDS = 20
MAX_REASON_CHARS = 2000
MAX_SENDER_CHARS = 200


class BadRequest(ValueError):
    """Input the API refuses; the message says what to send instead."""


@dataclass(frozen=True)
class Vocabulary:
    """What a filter may name: the corpus' sources (file names or document ids) and themes."""

    sources: frozenset[str]
    themes: frozenset[str]
    passage_ids: frozenset[str]

    @classmethod
    def of(cls, passages: list[Passage]) -> "Vocabulary":
        return cls(
            sources=frozenset({p.source.lower() for p in passages} | {p.doc_id.lower() for p in passages}),
            themes=frozenset(p.theme.lower() for p in passages if p.theme),
            passage_ids=frozenset(p.id for p in passages),
        )


@dataclass(frozen=True)
class QuoteQuery:
    q: str
    k: int
    filters: Filters


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise BadRequest(f"Send '{name}' once, not {len(values)} times.")
    return values[0] if values else None


def parse_query(params: Mapping[str, list[str]], vocabulary: Vocabulary, max_query_chars: int) -> QuoteQuery:
    """The checked parameters of GET /api/quotes; BadRequest says what is wrong."""
    q = (_one(params, "q") or "").strip()
    if not q:
        raise BadRequest("The parameter 'q' is missing or empty: send the question, e.g. ?q=krydspres.")
    if len(q) > max_query_chars:
        raise BadRequest(f"The parameter 'q' is {len(q)} characters long; the limit is {max_query_chars}.")
    raw_k = (_one(params, "k") or "").strip()
    if not raw_k:
        k = DEFAULT_K
    elif raw_k.isdigit() and 1 <= int(raw_k) <= MAX_K:
        k = int(raw_k)
    else:
        raise BadRequest(f"The parameter 'k' must be a whole number from 1 to {MAX_K}, not {raw_k!r}.")
    source = (_one(params, "source") or "").strip()
    if source and source.lower() not in vocabulary.sources:
        raise BadRequest(f"Unknown source {source!r}: use a document id or source file name from the corpus.")
    theme = (_one(params, "theme") or "").strip()
    if theme and theme.lower() not in vocabulary.themes:
        known = ", ".join(sorted(vocabulary.themes)) or "none"
        raise BadRequest(f"Unknown theme {theme!r}. Known themes: {known}.")
    return QuoteQuery(q, k, Filters(source=source, theme=theme.lower()))


def search_quotes(searcher: Searcher, query: QuoteQuery) -> dict[str, Any]:
    """Quotes with provenance, best first; an empty list and `abstain: true` when the sources do not answer."""
    result = searcher.search(query.q, k=query.k, filters=query.filters)
    quotes = [] if result.abstain else [quote_of(h.passage, result.language, h.score) for h in result.hits]
    return {"query": query.q, "language": result.language, "abstain": result.abstain,
            "confidence": round(result.confidence, 4), "quotes": quotes}


def quote_of(p: Passage, language: str, score: float) -> dict[str, Any]:
    return {
        "id": p.id, "quote": strip_markup(p.text), "source": p.source, "doc_id": p.doc_id, "title": p.title,
        "section": p.section, "role": p.role, "group": p.group, "theme": p.theme,
        "label": label(p, language), "score": round(float(score), 4), "url": source_url(p.id),
    }


def source_url(passage_id: str) -> str:
    from urllib.parse import quote

    return "/sources/" + quote(passage_id, safe="")


def parse_feedback(body: Any, vocabulary: Vocabulary) -> Feedback:
    """The checked body of POST /api/feedback; BadRequest says what is wrong."""
    if not isinstance(body, dict):
        raise BadRequest('Send a JSON object: {"sender": "…", "helpful": true, "reason": "…", "passage_ids": ["…"]}.')
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters.")
    helpful = body.get("helpful")
    if not isinstance(helpful, bool):
        raise BadRequest("'helpful' must be true or false.")
    reason = body.get("reason", "")
    if reason is None:
        reason = ""
    if not isinstance(reason, str) or len(reason) > MAX_REASON_CHARS:
        raise BadRequest(f"'reason' must be a string of at most {MAX_REASON_CHARS} characters.")
    query = body.get("query", "")
    if not isinstance(query, str) or len(query) > MAX_REASON_CHARS:
        raise BadRequest(f"'query' must be a string of at most {MAX_REASON_CHARS} characters.")
    ids = body.get("passage_ids")
    if not isinstance(ids, list) or not ids or len(ids) > MAX_PASSAGE_IDS or not all(isinstance(i, str) for i in ids):
        raise BadRequest(f"'passage_ids' must be a list of 1 to {MAX_PASSAGE_IDS} passage ids (strings).")
    unknown = [i for i in ids if i not in vocabulary.passage_ids]
    if unknown:
        raise BadRequest(f"Unknown passage id {unknown[0]!r}: send the ids of the quotes that were shown.")
    return Feedback(sender=sender.strip(), helpful=helpful, comment=reason.strip(), query=query.strip(),
                    passage_ids=tuple(dict.fromkeys(ids)))
