"""The end of a coaching session: perspectives, a reflection question and a next step, from the sources."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions.base import KnowledgeAction, Turn, searcher
from actions.render import quote_lines, render
from knowledge import coach
from knowledge.coach import Reply

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
        blocks = ["\n\n".join([render(d, "tpl_coaching_lead", lang), *quote_lines(d, result.perspectives, lang)])]
        for name, q in (("tpl_coaching_reflection", result.reflection), ("tpl_coaching_step", result.step)):
            if q is not None:
                blocks.append(render(d, name, lang, n=q.n, quote=" ".join(q.quote.split()), label=q.label))
        turn.dispatcher.utter_message(text="\n\n".join(blocks))
        reply = Reply("coaching", result.query, result.quotes)
        payload_quotes = result.quotes
        from actions.render import citations_payload

        payload = citations_payload(turn.tracker.get_latest_input_channel(), "coaching", payload_quotes, lang)
        if payload is not None:
            turn.dispatcher.utter_message(json_message=payload)
        return reset + turn.remember(reply)
