"""One answer message as the messaging channels show it best: Slack blocks, a Teams Adaptive Card.

A message is a sequence of pieces: text of our own (already rendered from `domain.yml`) and
quotes. A quote is shown verbatim, set apart as a quotation, with its source line under it; both
lines come from the domain's `tpl_citation` ("[{n}] «{quote}»" and "— {label}"), so every word
a user sees is still the domain's or the source's. The plain text of the same message goes
along as the notification text (Slack's `text`, Teams' `summary`).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence, Union

from knowledge.coach import Quote

Piece = Union[str, Quote]
OneLine = Callable[[str], str]  # how a quote is set on one line (render.one_line)

SLACK_TEXT_LIMIT = 3000  # characters in one section or quotation block
SLACK_FALLBACK_LIMIT = 39000  # Slack truncates `text` at 40,000
SLACK_BLOCK_LIMIT = 50
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def citation_lines(citation_template: str, quote: Quote, quote_text: str) -> tuple[str, str]:
    """The quotation line and the source line of `tpl_citation`, filled in."""
    head, _, tail = citation_template.partition("\n")
    values = {"n": str(quote.n), "quote": quote_text, "label": quote.label}
    return _fill(head, values), _fill(tail, values)


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():  # not str.format: a quote may hold braces
        text = text.replace("{" + key + "}", value)
    return text


def chunks(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at whitespace where possible."""
    out: list[str] = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        out.append(text[:cut])
        text = text[cut:].lstrip()
    return [*out, text] if text else out


def slack_message(pieces: Sequence[Piece], fallback: str, citation_template: str,
                  one_line: OneLine) -> dict[str, Any]:
    """chat.postMessage arguments: Block Kit blocks, and the plain text for notifications."""
    blocks: list[dict[str, Any]] = []
    for piece in pieces:
        if isinstance(piece, str):
            blocks += [{"type": "section", "text": {"type": "plain_text", "text": part, "emoji": False}}
                       for part in chunks(piece, SLACK_TEXT_LIMIT)]
            continue
        head, source = citation_lines(citation_template, piece, one_line(piece.quote))
        blocks += [{"type": "rich_text", "elements": [
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": part}]}]}
            for part in chunks(head, SLACK_TEXT_LIMIT)]
        if source:
            blocks.append({"type": "context", "elements": [{"type": "plain_text", "text": source, "emoji": False}]})
    return {"text": fallback[:SLACK_FALLBACK_LIMIT], "blocks": blocks[:SLACK_BLOCK_LIMIT]}


def teams_message(pieces: Sequence[Piece], fallback: str, citation_template: str,
                  one_line: OneLine) -> dict[str, Any]:
    """A Bot Framework activity with one Adaptive Card: our text, then each quote in an emphasised box."""
    body: list[dict[str, Any]] = []
    for piece in pieces:
        if isinstance(piece, str):
            body.append({"type": "TextBlock", "text": piece, "wrap": True})
            continue
        head, source = citation_lines(citation_template, piece, one_line(piece.quote))
        items: list[dict[str, Any]] = [{"type": "TextBlock", "text": head, "wrap": True}]
        if source:
            items.append({"type": "TextBlock", "text": source, "wrap": True, "isSubtle": True, "size": "Small"})
        body.append({"type": "Container", "style": "emphasis", "items": items})
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4", "body": body}
    return {"type": "message", "text": "", "summary": fallback.split("\n", 1)[0],
            "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}]}
