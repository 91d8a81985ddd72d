"""Cut a cleaned document into passages that keep its structure.

- A paragraph is a passage.
- A list is retrievable whole (with its introduction) and item by item
  (each item carries the introduction as retrieval context).
- A question (`? …`) and its answer (`! …`) are passages; the answer is linked
  to its question and carries the question as retrieval context, so a leader's
  question that resembles it finds the answer.
- Section headings give the section path; a heading `Group – theme` whose group
  the document names in `groups` gives the speaker group and the theme.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from knowledge.clean import Block, demote_lone_items, parse_front_matter
from knowledge.passage import Document, Passage, passage_id
from knowledge.text import normalize_space, split_sentences, words

SECTION_SEPARATOR = " › "


def document_from_meta(meta: dict[str, Any]) -> Document:
    return Document(
        doc_id=str(meta["doc_id"]),
        source=str(meta["source"]),
        title=str(meta.get("title", "")),
        publisher=str(meta.get("publisher", "")),
        date=str(meta.get("date", "")),
        kind=str(meta.get("kind", "")),
        author=str(meta.get("author", "")),
        language=str(meta.get("language", "da")),
    )


def parse_clean(text: str) -> tuple[Document, list[Block], list[str]]:
    """Read the cleaned markdown form back into blocks."""
    meta, body = parse_front_matter(text)
    doc = document_from_meta(meta)
    blocks: list[Block] = []
    for line in body.split("\n"):
        line = line.rstrip()
        if not line:
            continue
        if m := re.match(r"^(#{1,6}) (.+)$", line):
            blocks.append(Block("heading", m[2], level=len(m[1])))
        elif m := re.match(r"^([?!]) (.+)$", line):
            blocks.append(Block("question" if m[1] == "?" else "answer", m[2], marker=m[1]))
        elif m := re.match(r"^(•|-|\*|\d{1,2}\.) (.+)$", line):
            blocks.append(Block("item", m[2], marker=m[1]))
        else:
            blocks.append(Block("para", line))
    groups = [str(g).lower() for g in meta.get("groups", [])]
    return doc, demote_lone_items(blocks), groups


def passages_from_blocks(doc: Document, blocks: list[Block], groups: list[str] | None = None) -> list[Passage]:
    groups = [g.lower() for g in (groups or [])]
    out: list[Passage] = []
    seen: Counter[str] = Counter()
    headings: dict[int, str] = {}
    questions: list[Passage] = []
    answered = 0

    def make(text: str, role: str, **kw: Any) -> Passage:
        base = passage_id(doc.doc_id, role, text)
        seen[base] += 1
        pid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        section = SECTION_SEPARATOR.join(
            headings[k] for k in sorted(headings) if not (k == 1 and headings[k] == doc.title)
        )
        group, theme = _group_and_theme(headings, groups)
        p = Passage(
            id=pid, doc_id=doc.doc_id, source=doc.source, title=doc.title, section=section,
            text=text, role=role, group=group, theme=theme, order=len(out), **kw,
        )
        out.append(p)
        return p

    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind == "heading":
            headings = {k: v for k, v in headings.items() if k < b.level}
            headings[b.level] = b.text
            questions, answered = [], 0
            i += 1
        elif b.kind == "item" or (b.kind == "para" and i + 1 < len(blocks) and blocks[i + 1].kind == "item"):
            intro = b.text if b.kind == "para" else ""
            j = i + 1 if intro else i
            items: list[Block] = []
            while j < len(blocks) and blocks[j].kind == "item":
                items.append(blocks[j])
                j += 1
            lines = ([intro] if intro else []) + [f"{it.marker} {it.text}" for it in items]
            whole = make("\n".join(lines), "list", tags=(f"items:{len(items)}",))
            for n, it in enumerate(items, 1):
                make(it.text, "list_item", context=intro, answers=whole.id, tags=(f"item:{n}",))
            i = j
        elif b.kind == "question":
            questions.append(make(b.text, "question"))
            i += 1
        elif b.kind == "answer":
            q = questions[answered] if answered < len(questions) else None
            answered += 1
            make(b.text, "answer", context=q.text if q else "", answers=q.id if q else "")
            i += 1
        else:
            prev = blocks[i - 1] if i else None
            # "Fx fortæller en 23-årig mand:" introduces the quote that follows: it is the quote's context
            intro = split_sentences(prev.text)[-1] if prev is not None and prev.kind == "para" and prev.text.endswith(":") else ""
            make(b.text, "paragraph", context=intro)
            i += 1
    return out


def _group_and_theme(headings: dict[int, str], groups: list[str]) -> tuple[str, str]:
    for level in sorted(headings, reverse=True):
        head, sep, tail = headings[level].partition(" – ")
        if sep and head.lower() in groups:
            return head.lower(), tail.strip().lower()
    return "", ""


def mark_duplicates(passages: list[Passage], threshold: float = 0.6) -> list[Passage]:
    """Mark a passage that repeats an earlier one: from another document (same text, or nearly),
    or from the same document (same text).

    Near-duplicates are found through shared word trigrams (Jaccard >= threshold),
    with an inverted index so that large corpora stay fast.
    """
    from dataclasses import replace

    postings: dict[tuple[str, ...], list[int]] = {}
    shingles: list[set[tuple[str, ...]]] = []
    out: list[Passage] = []
    for i, p in enumerate(passages):
        a = _shingles(p.text) if p.role in ("paragraph", "list", "answer") else set()
        shingles.append(a)
        dup = ""
        if len(a) >= 3:
            shared: Counter[int] = Counter()
            for s in a:
                for j in postings.get(s, ()):
                    shared[j] += 1
            for j, n in shared.most_common():
                q = out[j]
                if q.role != p.role or q.dup_of:
                    continue
                if q.doc_id == p.doc_id:
                    # within a document only a repeat to the letter: near-repeats there differ in a fact
                    if normalize_space(q.text) == normalize_space(p.text):
                        dup = q.id
                        break
                    continue
                if n / len(a | shingles[j]) >= threshold:
                    dup = q.id
                    break
                if n / len(a) < threshold:
                    break
        for s in a:
            postings.setdefault(s, []).append(i)
        out.append(replace(p, dup_of=dup) if dup else p)
    return out


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    w = words(normalize_space(text))
    return {tuple(w[k : k + n]) for k in range(max(0, len(w) - n + 1))}
