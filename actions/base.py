"""What every action shares: the conversation's language and memory, one composed message, no crash."""

from __future__ import annotations

import abc
import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.render import channel_message, citations_payload, conversation_language, quote_lines, render
from actions.rich import Piece
from knowledge.coach import Memory, Quote, Reply
from knowledge.search import Searcher

log = logging.getLogger(__name__)


def searcher() -> Searcher:
    from knowledge.engine import get_searcher  # loads the model and the index on first use only

    return get_searcher()


@dataclass
class Turn:
    dispatcher: CollectingDispatcher
    tracker: Tracker
    domain: dict[str, Any]
    language: str

    @property
    def text(self) -> str:
        return str(self.tracker.latest_message.get("text") or "")

    @property
    def intent(self) -> str:
        return str((self.tracker.latest_message.get("intent") or {}).get("name") or "")

    @property
    def memory(self) -> Memory:
        t = self.tracker
        return Memory.from_slots(t.get_slot("last_query"), t.get_slot("last_quotes"), t.get_slot("shown_ids"))

    def render(self, name: str, **values: Any) -> str:
        """The text of domain response `name` in the conversation's language, with `values` filled in."""
        return render(self.domain, name, self.language, **values)

    def say(self, name: str, **values: Any) -> None:
        """A response rendered by Rasa itself (with its buttons), or filled in here when it has values."""
        if values:
            self.dispatcher.utter_message(text=self.render(name, **values))
        else:
            self.dispatcher.utter_message(response=name)

    def show(self, lead: str, reply: Reply, followup: bool = True, **lead_values: Any) -> list[EventType]:
        """One message: a lead-in and the numbered quotes; the citations as a payload; then the follow-up."""
        self.show_quotes(lead, reply.quotes, reply.kind, **lead_values)
        if followup:
            self.dispatcher.utter_message(response="utter_answer_followup")
        return self.remember(reply)

    def show_quotes(self, lead: str, quotes: tuple[Quote, ...], kind: str, **lead_values: Any) -> None:
        lead_text = render(self.domain, lead, self.language, **lead_values)
        text = "\n\n".join([lead_text, *quote_lines(self.domain, quotes, self.language)])
        self.send(text, [lead_text, *quotes], kind, quotes)

    def send(self, text: str, pieces: list[Piece], kind: str, quotes: tuple[Quote, ...]) -> None:
        """A message with quotes: Slack and Teams get it in their own form (`pieces`), the others get
        `text` and the citations as a payload."""
        channel = self.tracker.get_latest_input_channel()
        rich = channel_message(channel, self.domain, self.language, pieces, text)
        if rich is not None:
            self.dispatcher.utter_message(json_message=rich)
        else:
            self.dispatcher.utter_message(text=text)
        payload = citations_payload(channel, kind, quotes, self.language)
        if payload is not None:
            self.dispatcher.utter_message(json_message=payload)

    def remember(self, reply: Reply) -> list[EventType]:
        memory = self.memory.remember(reply)
        return [
            SlotSet("last_query", memory.query),
            SlotSet("last_quotes", [q.to_dict() for q in memory.quotes]),
            SlotSet("shown_ids", list(memory.shown)),
        ]


class KnowledgeAction(Action, abc.ABC):
    """An action over the knowledge layer. A failure becomes a short apology, never silence.

    Abstract, so rasa-sdk registers only the concrete actions."""

    @abc.abstractmethod
    def name(self) -> str: ...

    @abc.abstractmethod
    def act(self, turn: Turn) -> list[EventType]: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = Turn(dispatcher, tracker, domain, conversation_language(tracker.get_slot("language")))
        try:
            return self.act(turn)
        except Exception:  # the user gets an apology; the log gets the details
            log.exception("%s failed", self.name())
            dispatcher.messages.clear()
            dispatcher.utter_message(response="utter_action_server_down")
            return []
