"""Feedback on an answer, stored with the passages it concerns."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.base import KnowledgeAction, Turn
from records.feedback import Feedback, record


class ActionFeedback(KnowledgeAction):
    def name(self) -> str:
        return "action_feedback"

    def act(self, turn: Turn) -> list[EventType]:
        helpful = turn.intent == "feedback_positive"
        memory = turn.memory
        record(Feedback(
            sender=turn.tracker.sender_id, helpful=helpful, comment=turn.text,
            query=memory.query, passage_ids=tuple(q.id for q in memory.quotes),
        ))
        turn.say("utter_feedback_positive" if helpful else "utter_feedback_negative")
        return []
