"""The end of a coaching session: perspectives, a reflection question and a next step, from the sources."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions.base import KnowledgeAction, Turn, searcher
from actions.render import one_line, quote_lines, render
from actions.rich import Piece
from knowledge import coach
from knowledge.coach import Quote, Reply

SLOTS = ("coach_boundaries", "coach_people", "coach_tried")


def opening_message(turn: Turn) -> str:
    """What the leader wrote when asking for coaching: it often already describes the situation."""
    for event in reversed(turn.tracker.events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") == "start_coaching":
            return str(event.get("text") or "")
    return ""


class ActionCoach(KnowledgeAction):
    def name(self) -> str:
        return "action_coach"

    def act(self, turn: Turn) -> list[EventType]:
        parts = [opening_message(turn), *(str(turn.tracker.get_slot(s) or "") for s in SLOTS)]
        result = coach.coach(searcher(), parts, language=turn.language)
        reset = [SlotSet(s, None) for s in SLOTS]
        if not result.perspectives:
            turn.say("utter_coaching_empty")
            return reset
        d, lang = turn.domain, turn.language
        lead = render(d, "tpl_coaching_lead", lang)
        blocks = ["\n\n".join([lead, *quote_lines(d, result.perspectives, lang)])]
        pieces: list[Piece] = [lead, *result.perspectives]
        for name, q in (("tpl_coaching_reflection", result.reflection), ("tpl_coaching_step", result.step)):
            if q is not None:
                whole = render(d, name, lang, n=q.n, quote=one_line(q.quote), label=q.label)
                blocks.append(whole)
                pieces += split_citation(whole, render(d, "tpl_citation", lang, n=q.n, quote=one_line(q.quote),
                                                       label=q.label), q)
        turn.send("\n\n".join(blocks), pieces, "coaching", result.quotes)
        return reset + turn.remember(Reply("coaching", result.query, result.quotes))


def split_citation(whole: str, citation: str, quote: Quote) -> list[Piece]:
    """A coaching template is our words followed by a citation: the words, then the quote (for Slack
    and Teams, which show quotes apart); the whole text when the template is not built that way."""
    if whole.endswith(citation) and whole[: -len(citation)].strip():
        return [whole[: -len(citation)].strip(), quote]
    return [whole]
