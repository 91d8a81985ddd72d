"""The answering actions: one composed message with verbatim quotes, a payload, follow-ups that remember."""

from __future__ import annotations

import re

from actions.answers import ActionAnswer, ActionListTopics, ActionMore, ActionOtherPerspectives, ActionQuote, ActionWhoSaid
from actions.base import KnowledgeAction
from knowledge.coach import Memory
from tests.actions.conftest import run, slots_of, texts

QUESTION = "Hvordan håndterer ledere krydspres mellem styring og faglighed?"


def answered(make_tracker, dispatcher, domain, text=QUESTION, **kw):
    events = run(ActionAnswer(), dispatcher, make_tracker(text, **kw), domain)
    return events, slots_of(events)


def test_an_answer_is_one_message_with_numbered_verbatim_quotes(make_tracker, dispatcher, domain, bundled_searcher):
    _, slots = answered(make_tracker, dispatcher, domain)
    body = texts(dispatcher)[0]
    assert body.startswith("Det siger kilderne om dit spørgsmål:")
    quotes = slots["last_quotes"]
    assert 1 <= len(quotes) <= 3
    passages = {p.id: p for p in bundled_searcher.index.passages}
    for q in quotes:
        assert f"[{q['n']}] «" in body
        assert q["title"] in body  # where it comes from
        piece = q["quote"].split("[…]")[0].strip()
        assert piece in passages[q["id"]].text  # verbatim
    assert slots["last_query"] == QUESTION
    assert set(slots["shown_ids"]) == {q["id"] for q in quotes}


def test_rest_gets_citations_as_custom_and_socketio_under_data(make_tracker, dispatcher, domain):
    answered(make_tracker, dispatcher, domain)
    custom = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert custom and custom[0]["type"] == "citations" and custom[0]["citations"][0]["quote"]
    socket_dispatcher = type(dispatcher)()
    answered(make_tracker, socket_dispatcher, domain, channel="socketio")
    wrapped = [m["custom"] for m in socket_dispatcher.messages if m.get("custom")]
    assert wrapped and set(wrapped[0]) == {"data"} and wrapped[0]["data"]["citations"]


def test_the_follow_up_offer_is_a_domain_response_with_buttons(make_tracker, dispatcher, domain):
    answered(make_tracker, dispatcher, domain)
    assert {"response": "utter_answer_followup"}.items() <= dispatcher.messages[-1].items()


def test_english_conversation_gets_english_frame_and_labels(make_tracker, dispatcher, domain):
    answered(make_tracker, dispatcher, domain, text="How do leaders handle cross-pressure?", slots={"language": "en"})
    body = texts(dispatcher)[0]
    assert body.startswith("Here is what the sources say")
    assert "Det siger kilderne" not in body


def test_abstaining_names_what_the_sources_cover(make_tracker, dispatcher, domain):
    events = run(ActionAnswer(), dispatcher, make_tracker("xqzv blorf wuggle", intent="out_of_scope"), domain)
    assert slots_of(events) == {}
    body = texts(dispatcher)[0]
    assert body.startswith("Det svarer kilderne ikke på")
    assert "krydspres" in body  # a theme the sources are filed under


def test_low_nlu_confidence_without_an_answer_asks_to_rephrase(make_tracker, dispatcher, domain):
    run(ActionAnswer(), dispatcher, make_tracker("xqzv blorf", intent="nlu_fallback"), domain)
    assert dispatcher.messages[0].get("response") == "utter_rephrase"


def memory_slots(make_tracker, domain, bundled_searcher) -> dict:
    from rasa_sdk.executor import CollectingDispatcher

    _, slots = answered(make_tracker, CollectingDispatcher(), domain)
    return slots


def test_more_about_a_number_shows_that_passage_whole(make_tracker, dispatcher, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    n = len(slots["last_quotes"])
    events = run(ActionMore(), dispatcher, make_tracker(f"mere om nummer {n}", intent="more", slots=slots), domain)
    body = texts(dispatcher)[0]
    assert body.startswith(f"Her er nummer {n} i sin helhed")
    shown = slots_of(events)["last_quotes"][0]
    assert shown["id"] == slots["last_quotes"][n - 1]["id"]
    passage = next(p for p in bundled_searcher.index.passages if p.id == shown["id"])
    assert shown["quote"] == passage.text.strip() or len(passage.text.split()) > 140


def test_more_without_a_number_shows_only_new_passages(make_tracker, dispatcher, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    events = run(ActionMore(), dispatcher, make_tracker("fortæl mere", intent="more", slots=slots), domain)
    new = slots_of(events)["last_quotes"]
    assert new and not {q["id"] for q in new} & set(slots["shown_ids"])
    assert set(slots_of(events)["shown_ids"]) >= set(slots["shown_ids"])


def test_a_number_that_was_not_shown_is_a_polite_question(make_tracker, dispatcher, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    run(ActionMore(), dispatcher, make_tracker("mere om nummer 5", intent="more", slots=slots), domain)
    assert "der er ikke et nummer 5" in texts(dispatcher)[0]


def test_follow_ups_without_an_earlier_answer_say_so(make_tracker, dispatcher, domain):
    for action, text in ((ActionMore(), "uddyb"), (ActionOtherPerspectives(), "andre perspektiver"), (ActionWhoSaid(), "hvem sagde det?")):
        dispatcher.messages.clear()
        assert run(action, dispatcher, make_tracker(text, intent="more"), domain) == []
        assert dispatcher.messages[0].get("response") == "utter_no_context"


def test_who_said_it_names_speaker_group_document_and_publisher(make_tracker, dispatcher, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    run(ActionWhoSaid(), dispatcher, make_tracker("hvem sagde det?", intent="who_said", slots=slots), domain)
    body = texts(dispatcher)[0]
    assert body.startswith("Her kommer citaterne fra:")
    for q in slots["last_quotes"]:
        assert q["title"] in body
    if any(q["group"] == "topledere" for q in slots["last_quotes"]):
        assert "fra en topleder" in body and "Ledelseskommissionen" in body


def test_other_perspectives_are_new_voices(make_tracker, dispatcher, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    events = run(ActionOtherPerspectives(), dispatcher, make_tracker("andre perspektiver", intent="other_perspectives", slots=slots), domain)
    new = slots_of(events)["last_quotes"]
    assert new and not {q["id"] for q in new} & set(slots["shown_ids"])
    shown_voices = {(q["doc_id"], q["group"]) for q in slots["last_quotes"]}
    assert any((q["doc_id"], q["group"]) not in shown_voices for q in new)


def test_a_quote_from_that_quotes_the_last_answer(make_tracker, dispatcher, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    events = run(ActionQuote(), dispatcher, make_tracker("giv mig et citat fra det", intent="ask_quote", slots=slots), domain)
    quoted = slots_of(events)["last_quotes"]
    assert len(quoted) == 1 and quoted[0]["id"] in {q["id"] for q in slots["last_quotes"]}
    assert texts(dispatcher)[0].startswith("Her er et citat, ordret fra kilden:")


def test_a_quote_about_a_topic_searches(make_tracker, dispatcher, domain):
    events = run(ActionQuote(), dispatcher, make_tracker("giv mig et citat om tillid", intent="ask_quote"), domain)
    assert slots_of(events)["last_quotes"]


def test_a_quote_request_without_topic_or_answer_asks_for_a_topic(make_tracker, dispatcher, domain):
    run(ActionQuote(), dispatcher, make_tracker("giv mig et citat", intent="ask_quote"), domain)
    assert dispatcher.messages[0].get("response") == "utter_need_topic"


def test_topics_list_the_documents_and_themes(make_tracker, dispatcher, domain):
    run(ActionListTopics(), dispatcher, make_tracker("hvilke temaer kender du?", intent="list_topics"), domain)
    body = texts(dispatcher)[0]
    assert "Ledelse til gavn for borgerne" in body and "krydspres" in body and "{" not in body


def test_a_failing_knowledge_layer_gives_an_apology_not_a_crash(make_tracker, dispatcher, domain, monkeypatch):
    def broken():
        raise RuntimeError("index damaged")

    monkeypatch.setattr("actions.answers.searcher", broken)
    assert run(ActionAnswer(), dispatcher, make_tracker(QUESTION), domain) == []
    assert [m.get("response") for m in dispatcher.messages] == ["utter_action_server_down"]


def test_every_action_is_a_knowledge_action_with_a_domain_name(domain):
    from actions import answers, coaching, feedback

    names = {cls().name() for module in (answers, coaching, feedback) for cls in vars(module).values()
             if isinstance(cls, type) and issubclass(cls, KnowledgeAction) and cls is not KnowledgeAction}
    assert names == set(domain["actions"])


def test_every_response_the_actions_use_exists_in_both_languages(domain):
    from tests.actions.conftest import ROOT

    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    used = set(re.findall(r'"((?:utter|tpl)_[a-z_]+)"', source))
    assert used, "no responses found in actions/"
    for name in used:
        variations = domain["responses"][name]
        if name == "tpl_citation":
            continue  # no words of its own: number, quote, label
        assert any(v.get("condition") for v in variations), f"{name} has no English variation"


def test_memory_survives_the_slot_round_trip(make_tracker, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    memory = Memory.from_slots(slots["last_query"], slots["last_quotes"], slots["shown_ids"])
    assert memory.query == QUESTION and [q.n for q in memory.quotes] == list(range(1, len(memory.quotes) + 1))


def test_a_follow_up_that_names_a_new_subject_is_answered_as_a_question(make_tracker, dispatcher, domain, bundled_searcher):
    slots = memory_slots(make_tracker, domain, bundled_searcher)
    text = "Hvad siger borgerne om at blive inddraget?"
    for action, intent in ((ActionOtherPerspectives(), "other_perspectives"), (ActionMore(), "more"), (ActionWhoSaid(), "who_said")):
        dispatcher.messages.clear()
        events = run(action, dispatcher, make_tracker(text, intent=intent, slots=slots), domain)
        assert texts(dispatcher)[0].startswith("Det siger kilderne om dit spørgsmål:")
        assert slots_of(events)["last_query"] == text


def test_a_question_the_sources_do_not_answer_is_kept_for_the_editors(make_tracker, dispatcher, domain, bundled_searcher):
    from records import unanswered

    run(ActionAnswer(), dispatcher, make_tracker("xqzv blorf wuggle? Ring 20 30 40 50", intent="out_of_scope"), domain)
    assert texts(dispatcher)[0].startswith("Det svarer kilderne ikke på")
    (item,) = list(unanswered.read_all())
    assert item.sender == "test-user" and item.language == "da"
    assert item.question == "xqzv blorf wuggle? Ring [telefon]"  # redacted
    nearest = {p.id: p for p in bundled_searcher.index.passages}[item.passage_id]  # the closest passage found
    assert (item.theme, item.document) == (nearest.theme, nearest.title) and item.document


def test_answered_questions_and_rephrase_requests_are_not_kept(make_tracker, dispatcher, domain):
    from records import unanswered

    answered(make_tracker, dispatcher, domain)
    run(ActionAnswer(), dispatcher, make_tracker("xqzv blorf", intent="nlu_fallback"), domain)
    assert list(unanswered.read_all()) == []


def test_a_quote_about_a_topic_the_sources_lack_is_kept_with_the_nearest_theme(make_tracker, dispatcher, domain,
                                                                              bundled_searcher, monkeypatch):
    from knowledge import coach
    from records import unanswered

    themed = next(p for p in bundled_searcher.index.passages if p.theme)
    monkeypatch.setattr(coach, "quote_request", lambda *a, **k: coach.Reply("abstain", "citat om vejret", nearest=themed))
    run(ActionQuote(), dispatcher, make_tracker("giv mig et citat om vejret", intent="ask_quote"), domain)
    assert texts(dispatcher)[0].startswith("Det svarer kilderne ikke på")
    (item,) = list(unanswered.read_all())
    assert (item.question, item.theme, item.document) == ("citat om vejret", themed.theme, themed.title)


def test_the_leader_gets_the_reply_when_the_database_is_down(make_tracker, dispatcher, domain, monkeypatch, tmp_path):
    (tmp_path / "not-a-dir").write_text("a file where the database's directory should be")
    monkeypatch.setenv("BROBYGGER_DATABASE_URL", f"sqlite:///{tmp_path / 'not-a-dir' / 'tracker.db'}")
    run(ActionAnswer(), dispatcher, make_tracker("xqzv blorf wuggle", intent="out_of_scope"), domain)
    assert texts(dispatcher)[0].startswith("Det svarer kilderne ikke på")
