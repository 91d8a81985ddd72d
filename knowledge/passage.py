"""The typed objects that flow through the knowledge layer."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from knowledge.text import normalize_space


@dataclass(frozen=True)
class Document:
    """A source document and its provenance."""

    doc_id: str
    source: str  # the original file name, as cited
    title: str
    publisher: str = ""
    date: str = ""
    kind: str = ""
    author: str = ""
    language: str = "da"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """One retrievable unit of a document, with its provenance.

    `text` is shown and quoted; it is the source's own words (whitespace joined,
    markup kept), so every quote taken from it is verbatim. `context` is used for
    retrieval only: for an answer, the question it answers; for a list item, the
    list's introduction.
    """

    id: str
    doc_id: str
    source: str
    title: str
    section: str
    text: str
    role: str = "paragraph"  # paragraph | question | answer | list | list_item
    group: str = ""  # speaker group, e.g. "topledere"
    theme: str = ""
    context: str = ""
    answers: str = ""  # for an answer: the id of the question it answers
    order: int = 0
    dup_of: str = ""  # the id of an earlier passage with the same text (another source)
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def content_hash(self) -> str:
        return content_hash(self.embedding_text)

    @property
    def embedding_text(self) -> str:
        """What the embedder sees: section, context and text, markup removed."""
        parts = [self.section, self.retrieval_context, self.text]
        return strip_markup(" \n".join(p for p in parts if p))

    @property
    def retrieval_context(self) -> str:
        """A list item is found by its own words; its list (which has the introduction) is found by the rest."""
        return "" if self.role == "list_item" else self.context

    @property
    def lexical_text(self) -> str:
        """What the lexical body index sees: context and text."""
        return " \n".join(p for p in (self.retrieval_context, self.text) if p)

    @property
    def meta_text(self) -> str:
        """What the lexical heading index sees: document title and section path (weighted lower)."""
        return " \n".join(p for p in (self.title, self.section) if p)

    def to_dict(self) -> dict[str, Any]:
        # field by field: dataclasses.asdict deep-copies and is slow on 100k passages
        d = {f: getattr(self, f) for f in PASSAGE_FIELDS}
        d["tags"] = list(self.tags)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Passage":
        d = dict(d)
        d["tags"] = tuple(d.get("tags", ()))
        return cls(**d)


PASSAGE_FIELDS = tuple(f.name for f in fields(Passage))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def passage_id(doc_id: str, role: str, text: str) -> str:
    """Stable across re-ingestion: depends only on the document, the role and the text."""
    digest = hashlib.sha1(f"{doc_id}\x1f{role}\x1f{normalize_space(text)}".encode("utf-8")).hexdigest()
    return f"{doc_id}:{digest[:10]}"


def strip_markup(text: str) -> str:
    return text.replace("**", "").replace("*", "")
