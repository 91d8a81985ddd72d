"""Clean a captured text into the project's markdown form.

The cleaned form is plain markdown with a YAML front matter of provenance:
headings are `#`, `##`, `###`; a paragraph is one line; list items keep their own
marker (`1.`, `•`, `-`); a question is `? …` and the answer to it `! …` (the i-th
answer in a section answers the i-th question). Cleaning removes page furniture
and joins wrapped lines. It never rewrites a word: every line of text in the
cleaned form is, up to whitespace, a piece of the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from knowledge.text import normalize_space, without_invisible

# Page furniture seen on public-sector web pages and PDFs: dropped wherever it occurs.
FURNITURE = [
    r"^Internal error$",
    r"^Skribentinfo$",
    r"^Læs også:",
    r"^Hent (magasinet|publikationen|rapporten) .* her\.?$",
    r"^Læs .{3,120} her\.?$",
    r"^Læs mere:?$",
    r"^Gå til indhold$",
    r"^Vil du modtage lignende indhold",
    r"^Tilmeld dig .*nyhedsbrev",
    r"^(Del|Print|Del artiklen|Udskriv)$",
    # a line that is nothing but an e-mail address and/or a phone number
    r"^[\w.+-]+@[\w-]+(\.[\w-]+)+( ?- ?[\d ]{8,})?$",
    r"^(\+45 ?)?\d{2} ?\d{2} ?\d{2} ?\d{2}$",
]

_ITEM = re.compile(r"^(?P<marker>•|-|\*|\d{1,2}\.)\s+(?P<text>\S.*)$")
_QA = re.compile(r"^(?P<marker>[?!])\s+(?P<text>\S.*)$")
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*$")
_TERMINAL = re.compile(r"[.!?:;,\"”»)…]$")
# Where lines were dropped: a paragraph never continues across it (its two halves are not adjacent
# in the original, so joined they would not be a quote). \x00 cannot occur: it is made a space first.
_GAP = "\x00"
# A line that is only a marker ("#", "?", "1.", "-"): joined with the next line it would read as a
# heading, question or item in the cleaned copy, so it stays a paragraph of its own.
_BARE_MARKER = re.compile(r"#{1,6}|[?!•*-]|\d{1,2}\.")


@dataclass
class Block:
    kind: str  # heading | para | item | question | answer
    text: str
    level: int = 0
    marker: str = ""


@dataclass
class Rules:
    """Per-document cleaning rules (from the catalog); all optional."""

    drop_ranges: list[dict[str, str]] = field(default_factory=list)
    drop_lines: list[str] = field(default_factory=list)
    headings: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, str]] = field(default_factory=list)
    qa_sections: str = ""

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> "Rules":
        return cls(
            drop_ranges=list(entry.get("drop_ranges", [])),
            drop_lines=list(entry.get("drop_lines", [])),
            headings=list(entry.get("headings", [])),
            sections=list(entry.get("sections", [])),
            qa_sections=str(entry.get("qa_sections", "")),
        )


def clean(raw: str, rules: Rules | None = None, markdown: bool = False) -> list[Block]:
    """Turn a captured text into blocks; `markdown` says whether `#` lines are headings."""
    rules = rules or Rules()
    lines = _drop(_lines(raw), rules)
    blocks = _blocks(lines, markdown)
    blocks = [b for b in _join_wrapped(blocks) if b.kind != "gap"]
    blocks = demote_lone_items(blocks)
    blocks = _apply_heading_rules(blocks, rules)
    blocks = _mark_questions_and_answers(blocks, rules)
    return _drop_empty_headings(blocks)


def _lines(raw: str) -> list[str]:
    return without_invisible(raw).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def looks_like_markdown(raw: str) -> bool:
    """True when a line starts with `#`…`######` and a space: such a text is cleaned as Markdown. (Cleaned
    as plain text, the line would stay a paragraph, and the cleaned copy would read it as a heading.)"""
    return any(_MD_HEADING.match(line.strip()) for line in _lines(raw))


def render(blocks: list[Block], meta: dict[str, Any]) -> str:
    """The cleaned markdown, with provenance as front matter."""
    out = ["---", yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip(), "---", ""]
    previous = ""
    for b in blocks:
        if b.kind == "heading":
            out += (["", ""] if out[-1] != "" else [""]) if previous else []
            out += ["#" * b.level + " " + b.text, ""]
        elif b.kind in ("item", "question", "answer"):
            if previous not in (b.kind, "heading") and out[-1] != "":
                out.append("")
            out.append(f"{b.marker} {b.text}")
        else:
            if out[-1] != "":
                out.append("")
            out += [b.text, ""]
        previous = b.kind
    return "\n".join(out).rstrip() + "\n"


def parse_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            meta = yaml.safe_load(text[4:end]) or {}
            if isinstance(meta, dict):
                return meta, text[end + 5 :]
    return {}, text


def _drop(lines: list[str], rules: Rules) -> list[str]:
    kept: list[str] = []
    dropping_until: re.Pattern[str] | None = None
    dropping = False
    starts = [(re.compile(r["from"]), re.compile(r["to"]) if r.get("to") else None) for r in rules.drop_ranges]
    line_patterns = [re.compile(p) for p in FURNITURE + rules.drop_lines]
    for line in lines:
        stripped = line.strip()
        if dropping:
            if dropping_until is not None and dropping_until.search(stripped):
                dropping = False
            else:
                continue
        for start, end in starts:
            if start.search(stripped):
                dropping, dropping_until = True, end
                break
        if dropping or any(p.search(stripped) for p in line_patterns):
            if not kept or kept[-1] != _GAP:
                kept.append(_GAP)
            continue
        kept.append(line)
    return kept


def _blocks(lines: list[str], markdown: bool) -> list[Block]:
    """Group lines into blocks: headings, paragraphs (lines joined), items, questions, answers."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", normalize_space(" ".join(para))))
            para.clear()

    for n, line in enumerate(lines):
        stripped = line.strip()
        if line == _GAP:
            flush()
            blocks.append(Block("gap", ""))
            continue
        if not stripped:
            flush()
            continue
        if markdown and (m := _MD_HEADING.match(stripped)):
            flush()
            blocks.append(Block("heading", _heading_text(m["text"]), level=len(m["hashes"])))
            continue
        if m := _QA.match(stripped):
            flush()
            kind = "question" if m["marker"] == "?" else "answer"
            blocks.append(Block(kind, normalize_space(m["text"]), marker=m["marker"]))
            continue
        if m := _ITEM.match(stripped):
            flush()
            blocks.append(Block("item", normalize_space(m["text"]), marker=m["marker"]))
            continue
        if not markdown and _looks_like_heading(stripped, para, _next_text(lines, n)):
            flush()
            blocks.append(Block("heading", normalize_space(stripped), level=2))
            continue
        if _BARE_MARKER.fullmatch(stripped):
            flush()
            blocks.append(Block("para", stripped))
            continue
        para.append(stripped)
    flush()
    first = next((b for b in blocks if b.kind != "gap"), None)
    if not markdown and first is not None and first.kind == "heading":
        first.level = 1
    return blocks


def _heading_text(text: str) -> str:
    return normalize_space(text.replace("**", "").replace("*", "").strip("—– "))


def _next_text(lines: list[str], n: int) -> str:
    return next((l.strip() for l in lines[n + 1 :] if l.strip() and l != _GAP), "")


def _looks_like_heading(line: str, para: list[str], following: str) -> bool:
    """In plain text: a short line that does not end a sentence, and is not continued, starts a section.

    Inside a paragraph block only a very short line after a finished sentence counts
    (a heading captured without a blank line around it, like "Hvordan?").
    """
    n = len(line.split())
    if n == 0 or n > 12 or re.search(r"[.,;:\"”)]$", line) or line[0].islower():
        return False
    if following[:1].islower() or not following:
        return False
    if para:
        return n <= 5 and bool(re.search(r"[.!?]$", para[-1]))
    return True


def _join_wrapped(blocks: list[Block]) -> list[Block]:
    """Join a paragraph cut by a blank line in the capture (no sentence end, lowercase next)."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and b.kind == "para"
            and prev.kind == "para"
            and b.text[:1].islower()
            and not re.search(r"[.!?]$", prev.text)
            and not _BARE_MARKER.fullmatch(prev.text)
        ):
            prev.text = prev.text + " " + b.text
            continue
        out.append(b)
    return out


def demote_lone_items(blocks: list[Block]) -> list[Block]:
    """A single `- …` line between paragraphs is a spoken quote, not a list."""
    out: list[Block] = []
    for i, b in enumerate(blocks):
        if b.kind == "item" and b.marker in "-*":
            neighbours = [blocks[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
            if not any(n.kind == "item" for n in neighbours):
                b = Block("para", f"{b.marker} {b.text}")
        out.append(b)
    return out


def _apply_heading_rules(blocks: list[Block], rules: Rules) -> list[Block]:
    if not rules.headings and not rules.sections:
        return blocks
    heading_rules = [(re.compile(r["pattern"]), int(r["level"])) for r in rules.headings]
    for b in blocks:
        if b.kind != "heading":
            continue
        for pattern, level in heading_rules:
            if m := pattern.match(b.text):
                b.level = level
                if m.groups() and level == 1:
                    b.text = m.group(1)
                break
        for rule in rules.sections:
            m = re.match(rule["pattern"], b.text)
            if m and rule.get("heading"):
                b.text = rule["heading"].format(**m.groupdict())
    return blocks


def _mark_questions_and_answers(blocks: list[Block], rules: Rules) -> list[Block]:
    """In a Q&A section the questions come first and the answers after, in the same order."""
    if not rules.qa_sections:
        return blocks
    pattern = re.compile(rules.qa_sections)
    i = 0
    while i < len(blocks):
        if blocks[i].kind == "heading" and pattern.search(blocks[i].text):
            j = i + 1
            while j < len(blocks) and blocks[j].kind != "heading":
                j += 1
            paras = [b for b in blocks[i + 1 : j] if b.kind == "para"]
            if paras and len(paras) % 2 == 0:
                half = len(paras) // 2
                for k, b in enumerate(paras):
                    b.kind, b.marker = ("question", "?") if k < half else ("answer", "!")
            i = j
        else:
            i += 1
    return blocks


def _drop_empty_headings(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if nxt is None or (nxt.kind == "heading" and nxt.level <= b.level):
                continue
        out.append(b)
    return out
