"""The domain's response templates, filled in by actions, and the structured payload per channel.

Every sentence a user sees lives in `domain.yml`. An action that builds one message out of
several parts (a lead-in and numbered quotes) takes each part from the domain here, choosing
the variation whose condition matches the conversation's `language` slot, as Rasa would.
"""

from __future__ import annotations

import logging
from typing import Any

from actions.rich import Piece, slack_message, teams_message
from knowledge.coach import Quote
from knowledge.text import normalize_space

log = logging.getLogger(__name__)
LANGUAGES = ("da", "en")


class _Blank(dict):  # a placeholder with no value stays visible rather than crashing the turn
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template(domain: dict[str, Any], name: str, language: str) -> str:
    """The text of response `name` for `language`: a matching conditional variation, else the default."""
    variations = (domain.get("responses") or {}).get(name) or []
    default = ""
    for v in variations:
        conditions = v.get("condition") or []
        if not conditions:
            default = default or v.get("text", "")
        elif all(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return str(v.get("text", ""))
    if not default:
        log.error("the domain has no response %s", name)
    return str(default)


def render(domain: dict[str, Any], name: str, language: str, **values: Any) -> str:
    return template(domain, name, language).format_map(_Blank({k: str(v) for k, v in values.items()}))


def quote_lines(domain: dict[str, Any], quotes: tuple[Quote, ...], language: str) -> list[str]:
    return [render(domain, "tpl_citation", language, n=q.n, quote=one_line(q.quote), label=q.label) for q in quotes]


def one_line(text: str) -> str:
    return normalize_space(text)


def citations_payload(channel: str | None, kind: str, quotes: tuple[Quote, ...], language: str) -> dict[str, Any] | None:
    """The citations for rich clients: REST returns them as `custom`; socket.io needs them under `data`
    (its channel passes the keys on as arguments). Slack and Teams show them in the message itself
    (`channel_message`); other channels get the text message only."""
    body = {"type": "citations", "kind": kind, "language": language, "citations": [q.to_dict() for q in quotes]}
    if channel in ("rest", "callback", None):
        return body
    if channel == "socketio":
        return {"data": body}
    return None


def channel_message(channel: str | None, domain: dict[str, Any], language: str, pieces: list[Piece],
                    text: str) -> dict[str, Any] | None:
    """The message as Slack (blocks) or Teams (an Adaptive Card) shows it, sent instead of the plain `text`;
    None for the other channels, which get `text` (and `citations_payload`)."""
    if channel == "slack":
        return slack_message(pieces, text, template(domain, "tpl_citation", language), one_line)
    if channel == "botframework":
        return teams_message(pieces, text, template(domain, "tpl_citation", language), one_line)
    return None


def conversation_language(slot_value: Any) -> str:
    return slot_value if slot_value in LANGUAGES else "da"
