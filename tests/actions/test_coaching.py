"""The coaching session's end: perspectives, a reflection question and a next step, all quoted verbatim."""

from __future__ import annotations

from actions.coaching import ActionCoach
from tests.actions.conftest import run, slots_of, texts

SITUATION = {
    "coach_boundaries": "Mellem skolen, jobcentret og psykiatrien",
    "coach_people": "Tre afdelingsledere og en chef, ingen har det samlede ansvar",
    "coach_tried": "Fælles møder, men samarbejdet går i stå",
}


def coach_tracker(make_tracker, **slots):
    opening = {"event": "user", "text": "Kan du coache mig om et samarbejde om unge?",
               "parse_data": {"intent": {"name": "start_coaching"}}}
    return make_tracker("Fælles møder, men samarbejdet går i stå", intent="ask_question",
                        slots={**SITUATION, **slots}, events=[opening])


def test_coaching_ends_with_quotes_a_reflection_question_and_a_step(make_tracker, dispatcher, domain, bundled_searcher):
    events = run(ActionCoach(), dispatcher, coach_tracker(make_tracker), domain)
    body = texts(dispatcher)[0]
    assert body.startswith("Tak. Her er nogle stemmer fra kilderne")
    assert "Et spørgsmål til refleksion" in body and "Et lille næste skridt" in body
    slots = slots_of(events)
    assert all(slots[s] is None for s in SITUATION)  # the next session asks afresh
    quotes = slots["last_quotes"]
    passages = {p.id: p for p in bundled_searcher.index.passages}
    reflection, step = quotes[-2], quotes[-1]
    assert "?" in reflection["quote"]
    assert passages[step["id"]].role == "list_item"
    assert step["section"].split(" › ")[-1] in {"De vigtigste fokuspunkter i ledelse på tværs",
                                                 "7 budskaber fra ledere og medarbejdere til cheferne"}
    for q in quotes:
        for piece in q["quote"].split("[…]"):
            assert piece.strip() in passages[q["id"]].text


def test_coaching_in_english_keeps_the_coach_words_english(make_tracker, dispatcher, domain):
    run(ActionCoach(), dispatcher, coach_tracker(make_tracker, language="en"), domain)
    body = texts(dispatcher)[0]
    assert "A question to reflect on" in body and "A small next step" in body
