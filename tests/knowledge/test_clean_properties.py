"""Properties of cleaning and chunking for any text a leader might add (`brobygger ingest`):
it never fails, every passage is the document's own words, no control characters survive, and
what is written as the cleaned copy reads back as the same passages."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from knowledge.chunk import parse_clean, passages_from_blocks
from knowledge.clean import clean, looks_like_markdown, render
from knowledge.text import normalize_space
from tests.knowledge.strategies import any_text, document

KINDS = {"heading", "para", "item", "question", "answer"}
META = {"doc_id": "org-prop", "source": "prop.txt", "title": "Prop"}


def visible(text: str) -> bool:
    """No control characters, and no bidirectional overrides that could make a quote read otherwise."""
    return not any(unicodedata.category(c) == "Cc" or "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"
                   for c in text)


@settings(max_examples=300, deadline=None)
@given(raw=any_text(), markdown=st.booleans())
@example(raw="Tekst med \x00 og \x1b[31m og \u202eomvendt\u202c tekst", markdown=False)  # found: kept as they were
@example(raw="\x1b", markdown=False)  # found: an empty paragraph
def test_cleaning_never_fails_and_gives_tidy_blocks(raw: str, markdown: bool):
    for b in clean(raw, markdown=markdown):
        assert b.kind in KINDS
        assert b.text and b.text == normalize_space(b.text)  # one line, single spaces, trimmed
        assert visible(b.text), repr(b.text)


@settings(max_examples=300, deadline=None)
@given(raw=any_text(), markdown=st.booleans())
@example(raw="Lederne arbejder\nLæs også: noget andet\nsammen på tværs.", markdown=False)  # found: joined across furniture
def test_every_cleaned_passage_is_the_documents_own_words(raw: str, markdown: bool):
    """What a quote is checked against: the original text, whitespace-normalised."""
    original = normalize_space(raw)
    for b in clean(raw, markdown=markdown):
        if b.kind == "heading":
            continue  # a heading is a label, never quoted; a Markdown one loses its `#` and `**` marks
        assert b.text in original, (b.kind, b.text)


@settings(max_examples=300, deadline=None)
@given(raw=any_text(), markdown=st.booleans())
@example(raw="# 0", markdown=False)  # found: a paragraph in the text, a heading in the cleaned copy
@example(raw="#\ra", markdown=False)  # found: a bare "#" joined with the next line
def test_the_cleaned_copy_reads_back_as_the_same_blocks(raw: str, markdown: bool):
    """Ingestion writes render(clean(text)); the index reads it back with parse_clean. (This, not
    clean(clean(x)), is the idempotence that matters: the cleaned copy is read, never cleaned again.)"""
    blocks = clean(raw, markdown=markdown or looks_like_markdown(raw))  # as `brobygger ingest` chooses
    _doc, again, _groups = parse_clean(render(blocks, META))
    assert [(b.kind, b.text) for b in again] == [(b.kind, b.text) for b in blocks]


@settings(max_examples=200, deadline=None)
@given(raw=any_text())
def test_passages_have_unique_ids_and_the_blocks_words(raw: str):
    doc, blocks, groups = parse_clean(render(clean(raw, markdown=looks_like_markdown(raw)), META))
    passages = passages_from_blocks(doc, blocks, groups)
    assert len({p.id for p in passages}) == len(passages)
    texts = {b.text for b in blocks}
    for p in passages:
        lines = [l.split(" ", 1)[1] if p.role == "list" and i else l for i, l in enumerate(p.text.split("\n"))]
        assert p.role == "list" or p.text in texts
        assert all(visible(l) for l in lines)
