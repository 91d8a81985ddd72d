"""Answering and following up: a question, a quote, more, who said it, other perspectives, topics."""

from __future__ import annotations

import logging

from rasa_sdk.events import EventType

from actions.base import KnowledgeAction, Turn, searcher
from knowledge import coach
from knowledge.coach import Reply
from records import unanswered
from records.db import RecordsUnavailable

log = logging.getLogger(__name__)

# Intents for which a message is answered only when retrieval is quite sure it is about leadership.
DOUBTFUL = ("out_of_scope", "nlu_fallback", "chitchat")


def topics_phrase(turn: Turn) -> str:
    found = coach.topics(searcher())
    return turn.render("tpl_topics_short", themes=", ".join(found.themes[:6]))


def answer(turn: Turn) -> list[EventType]:
    doubtful = turn.intent in DOUBTFUL
    reply = coach.answer_question(searcher(), turn.text, strict=doubtful, language=turn.language)
    if reply.found:
        return turn.show("tpl_answer_lead", reply)
    if turn.intent == "nlu_fallback":
        turn.say("utter_rephrase")
        return []
    return abstain(turn, reply)


def abstain(turn: Turn, reply: Reply) -> list[EventType]:
    """The sources do not answer it: say so, and keep the question for the editors' report."""
    turn.say("utter_abstain", topics=topics_phrase(turn))
    nearest = reply.nearest
    item = unanswered.Unanswered(
        sender=turn.tracker.sender_id, question=reply.query or turn.text, language=turn.language,
        passage_id=nearest.id if nearest else "", theme=nearest.theme if nearest else "",
        document=nearest.title if nearest else "",
    )
    if item.question.strip():
        try:
            unanswered.record(item)
        except RecordsUnavailable as exc:  # the leader still gets the reply; the report misses one question
            log.warning("An unanswered question could not be kept: %s", exc)
    return []


def asks_something_new(turn: Turn) -> bool:
    """A follow-up that names a new subject ("hvad siger borgerne om inddragelse?") is a new question."""
    return coach.new_topic(turn.text, turn.memory)


class ActionAnswer(KnowledgeAction):
    def name(self) -> str:
        return "action_answer"

    def act(self, turn: Turn) -> list[EventType]:
        return answer(turn)


class ActionQuote(KnowledgeAction):
    def name(self) -> str:
        return "action_quote"

    def act(self, turn: Turn) -> list[EventType]:
        reply = coach.quote_request(searcher(), turn.text, turn.memory, language=turn.language)
        if reply.kind == "need_topic":
            turn.say("utter_need_topic")
            return []
        if not reply.found:
            return abstain(turn, reply)
        return turn.show("tpl_quote_lead", reply)


class ActionMore(KnowledgeAction):
    def name(self) -> str:
        return "action_more"

    def act(self, turn: Turn) -> list[EventType]:
        if asks_something_new(turn):
            return answer(turn)
        memory = turn.memory
        reply = coach.more(searcher(), turn.text, memory, language=turn.language)
        if reply.kind == "no_context":
            turn.say("utter_no_context")
            return []
        if reply.kind == "bad_number":
            turn.say("utter_bad_number", count=len(memory.quotes), number=reply.number)
            return []
        if not reply.found:
            turn.say("utter_nothing_new")
            return []
        if reply.kind == "expand":
            return turn.show("tpl_expand_lead", reply, number=reply.number)
        return turn.show("tpl_more_lead", reply)


class ActionOtherPerspectives(KnowledgeAction):
    def name(self) -> str:
        return "action_other_perspectives"

    def act(self, turn: Turn) -> list[EventType]:
        if asks_something_new(turn):
            return answer(turn)
        reply = coach.other_perspectives(searcher(), turn.memory, language=turn.language)
        if reply.kind == "no_context":
            turn.say("utter_no_context")
            return []
        if not reply.found:
            turn.say("utter_nothing_new")
            return []
        return turn.show("tpl_perspectives_lead", reply)


class ActionWhoSaid(KnowledgeAction):
    def name(self) -> str:
        return "action_who_said"

    def act(self, turn: Turn) -> list[EventType]:
        if asks_something_new(turn):
            return answer(turn)
        memory = turn.memory
        if not memory.quotes:
            turn.say("utter_no_context")
            return []
        lines = [turn.render("tpl_who_said_lead")]
        for p in coach.who_said(memory, turn.text, turn.language):
            values = dict(n=p.n, section=p.section, title=p.title, publisher=p.publisher,
                          date=f", {p.date}" if p.date else "")
            if p.speaker:
                lines.append(turn.render("tpl_who_said_speaker", speaker=p.speaker[:1].upper() + p.speaker[1:], **values))
            else:
                lines.append(turn.render("tpl_who_said_text", **values))
        turn.dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionListTopics(KnowledgeAction):
    def name(self) -> str:
        return "action_list_topics"

    def act(self, turn: Turn) -> list[EventType]:
        found = coach.topics(searcher())
        documents = "\n".join(f"• {t}" for t in found.documents)
        turn.say("tpl_topics", documents=documents, themes=", ".join(found.themes))
        return []
