"""The source view: a passage shown in its document, the document's cleaned passages in order."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from knowledge.passage import Passage, strip_markup

HIDDEN_ROLES = ("list_item",)  # an item is shown inside its list


@dataclass(frozen=True)
class Documents:
    """The index's passages grouped by document, in document order."""

    by_id: dict[str, Passage]
    by_doc: dict[str, list[Passage]]

    @classmethod
    def of(cls, passages: list[Passage]) -> "Documents":
        by_doc: dict[str, list[Passage]] = {}
        for p in passages:
            by_doc.setdefault(p.doc_id, []).append(p)
        for doc in by_doc.values():
            doc.sort(key=lambda p: p.order)
        return cls({p.id: p for p in passages}, by_doc)


def render_source(docs: Documents, passage_id: str) -> str | None:
    """The whole page for `passage_id`, or None when no passage has that id. Every text is escaped."""
    cited = docs.by_id.get(passage_id)
    if cited is None:
        return None
    # a list item is marked inside its list
    host = docs.by_id.get(cited.answers) if cited.role == "list_item" and cited.answers in docs.by_id else cited
    body: list[str] = []
    section = None
    for p in docs.by_doc[cited.doc_id]:
        if p.role in HIDDEN_ROLES:
            continue
        if p.section != section:
            section = p.section
            if section:
                body.append(f"<h2>{escape(section)}</h2>")
        body.append(_passage_html(p, host, cited))
    title = escape(cited.title)
    return PAGE.format(title=title, source=escape(cited.source), section=escape(cited.section),
                       body="\n".join(body))


def _passage_html(p: Passage, host: Passage, cited: Passage) -> str:
    text = strip_markup(p.text)
    css = f' class="{p.role}"'
    if p.id != host.id:
        return f"<p{css}>{_lines(text)}</p>"
    inner = _lines(text)
    if cited is not host:  # the item inside its list
        item = strip_markup(cited.text)
        at = text.find(item)
        if at >= 0:
            inner = (_lines(text[:at]) + '<mark id="cited" tabindex="-1">' + _lines(item) + "</mark>"
                     + _lines(text[at + len(item):]))
            return f'<p{css}>{inner}</p>'
    return f'<p{css}><mark id="cited" tabindex="-1">{inner}</mark></p>'


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


PAGE = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – kilde – Brobygger</title>
<link rel="stylesheet" href="/static/source.css">
</head>
<body>
<header>
<p><a href="/">← Tilbage til samtalen</a></p>
<h1>{title}</h1>
<p class="meta">Kilde: {source}. Det markerede afsnit står under «{section}».</p>
</header>
<main>
{body}
</main>
<script src="/static/source.js"></script>
</body>
</html>
"""
