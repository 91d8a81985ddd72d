"""End to end over REST: the real Rasa server and action server, the real model and index."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from knowledge.answer import quote_pieces
from knowledge.corpus import reference_texts
from knowledge.settings import Settings
from knowledge.text import normalize_space
from tests.e2e.conftest import Conversation, citations_of, text_of


@lru_cache(maxsize=1)
def bundled_sources() -> tuple[str, ...]:
    return tuple(reference_texts(Settings(data_dir=Path("/nonexistent/brobygger"))).values())


def verbatim(quote: str) -> bool:
    """Every piece of the quote (split at "[…]") is in an original source text."""
    return all(any(piece in ref for ref in bundled_sources()) for piece in quote_pieces(quote))


def test_a_question_then_follow_ups_refer_to_the_answer(conversation: Conversation):
    first = conversation.say("Jeg står i krydspres mellem statslige mål og vores værdibaserede ledelse – hvad gør andre?")
    cited = citations_of(first)
    assert len(cited) >= 2, text_of(first)
    assert text_of(first).startswith("Det siger kilderne om dit spørgsmål:")
    for c in cited:
        assert normalize_space(c["quote"]) in normalize_space(text_of(first)) and verbatim(c["quote"])

    second = conversation.say("mere om nummer 2")
    assert "Her er nummer 2" in text_of(second)
    assert citations_of(second)[0]["id"] == cited[1]["id"]

    who = text_of(conversation.say("hvem sagde det?"))
    assert who.startswith("Her kommer citaterne fra:") and citations_of(second)[0]["title"] in who

    others = citations_of(conversation.say("andre perspektiver"))
    assert others and not {c["id"] for c in others} & {c["id"] for c in cited + citations_of(second)}


def test_a_quote_request_and_a_quote_from_that(conversation: Conversation):
    reply = conversation.say("Giv mig et citat om tillid til medarbejderne")
    (quote,) = citations_of(reply)
    assert verbatim(quote["quote"]) and "«" in text_of(reply)
    conversation.say("Hvordan kan ledere skabe sammenhæng for borgeren på tværs af sektorer?")
    from_that = citations_of(conversation.say("giv mig et citat fra det"))
    assert len(from_that) == 1 and verbatim(from_that[0]["quote"])


def test_out_of_scope_gets_a_polite_answer_without_quotes(conversation: Conversation):
    reply = conversation.say("Hvad bliver vejret i Aarhus i morgen?")
    assert citations_of(reply) == []
    body = text_of(reply)
    assert body and "«" not in body
    assert "kilderne" in body.lower() or "ledelse på tværs" in body.lower()


def test_english_in_english_out(conversation: Conversation):
    reply = conversation.say("How do other leaders handle cross-pressure between politics and professional values?")
    assert text_of(reply).startswith("Here is what the sources say")
    assert citations_of(reply)
    assert "Who said that?" in json.dumps(reply)  # the follow-up buttons, in English


def test_a_coaching_session(conversation: Conversation):
    intro = text_of(conversation.say("Kan du coache mig? Vi har svært ved at samarbejde med jobcentret om de unge."))
    assert "tre korte spørgsmål" in intro and "grænser" in intro
    assert "Hvem er involveret" in text_of(conversation.say("Mellem vores skole, jobcentret og UU"))
    assert "Hvad har I allerede prøvet" in text_of(conversation.say("Tre afdelingsledere, ingen har det samlede ansvar"))
    final = conversation.say("Vi har holdt fælles møder, men det går i stå")
    body = text_of(final)
    assert "Et spørgsmål til refleksion" in body and "Et lille næste skridt" in body
    quotes = citations_of(final)
    assert len(quotes) >= 3 and all(verbatim(q["quote"]) for q in quotes)
    # after the session, follow-ups refer to what it showed
    assert "Her kommer citaterne fra:" in text_of(conversation.say("hvem sagde det?"))


def test_bad_input_gets_a_polite_reply_and_nothing_echoed(conversation: Conversation):
    for message in ["", "   ", "🙂🙂🙂", "<script>alert('x')</script><b>hej</b>", "ledelse " * 7000,
                    "Hej, how do I handle krydspres med my team?"]:
        reply = conversation.say(message)
        body = text_of(reply)
        assert reply and body.strip(), f"no reply to {message[:40]!r}"
        assert "<script" not in body and "<b>" not in body


def test_malformed_requests_are_refused_without_a_stack_trace(conversation: Conversation):
    status, body = conversation.raw(b"{not json")
    assert 400 <= status < 500 and "Traceback" not in body


def test_the_conversation_language_follows_the_leader(conversation: Conversation):
    from knowledge.text import language_signal

    assert language_signal(text_of(conversation.say("hej"))) == "da"
    assert language_signal(text_of(conversation.say("kan du svare på engelsk?"))) == "en"
    assert language_signal(text_of(conversation.say("👍"))) == "en"  # no language of its own: English stays
    assert language_signal(text_of(conversation.say("Hvilke temaer kender du?"))) == "da"  # Danish in, Danish out
