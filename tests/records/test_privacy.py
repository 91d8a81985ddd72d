"""Forgetting one conversation and purging what is past the retention period, on real tables in SQLite."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from records import db, feedback, unanswered
from records.privacy import DAY, Removed, forget, purge
from tests.records.conftest import AddEvent, events_of

NOW = 1_800_000_000.0


def test_forget_deletes_one_senders_conversation_and_records_only(url: str, add_event: AddEvent):
    for t in (1.0, 2.0, 3.0):
        add_event("ida", t)
    add_event("bo", 4.0)
    feedback.record(feedback.Feedback("ida", False, "nej", "q"), url)
    unanswered.record(unanswered.Unanswered("ida", "hvad?"), url)
    unanswered.record(unanswered.Unanswered("bo", "hvorfor?"), url)
    assert forget("ida", url) == Removed(conversations=1, events=3, feedback=1, unanswered=1)
    assert events_of(url, "ida") == 0 and events_of(url, "bo") == 1
    assert [u.sender for u in unanswered.read_all(url)] == ["bo"]
    assert forget("ida", url).nothing  # a second time there is nothing left


def test_forget_works_before_rasa_has_made_its_table_and_on_no_database(url: str):
    assert forget("ida", url).nothing and db.sqlite_file(url) is not None and not db.sqlite_file(url).exists()
    feedback.record(feedback.Feedback("ida", True, "", ""), url)  # our tables, no `events` yet
    assert forget("ida", url) == Removed(feedback=1)


def test_forget_on_an_unreachable_database_is_a_clear_error():
    with pytest.raises(db.RecordsUnavailable, match="could not be used"):
        forget("ida", "postgresql://u:p@127.0.0.1:9/x")


def test_purge_deletes_whole_conversations_whose_latest_event_is_too_old(url: str, add_event: AddEvent):
    add_event("old", NOW - 200 * DAY)
    add_event("old", NOW - 190 * DAY)
    add_event("ongoing", NOW - 400 * DAY)  # began long ago, but is still going: kept whole
    add_event("ongoing", NOW - 1 * DAY)
    add_event("recent", NOW - 10 * DAY)
    removed = purge(180, url, now=NOW)
    assert removed == Removed(conversations=1, events=2)
    assert (events_of(url, "old"), events_of(url, "ongoing"), events_of(url, "recent")) == (0, 2, 1)


def test_purge_deletes_records_older_than_the_period(url: str, add_event: AddEvent):
    feedback.record(feedback.Feedback("a", False, "gammel", "", time=NOW - 181 * DAY), url)
    feedback.record(feedback.Feedback("b", False, "ny", "", time=NOW - 179 * DAY), url)
    unanswered.record(unanswered.Unanswered("a", "gammel", time=NOW - 365 * DAY), url)
    removed = purge(180, url, now=NOW)
    assert (removed.feedback, removed.unanswered, removed.events) == (1, 1, 0)
    assert [f.comment for f in feedback.read_all(url)] == ["ny"] and list(unanswered.read_all(url)) == []


def test_a_dry_run_counts_but_deletes_nothing(url: str, add_event: AddEvent):
    add_event("old", NOW - 300 * DAY)
    add_event("old", NOW - 299 * DAY)
    unanswered.record(unanswered.Unanswered("old", "x", time=NOW - 300 * DAY), url)
    assert purge(30, url, now=NOW, dry_run=True) == Removed(conversations=1, events=2, unanswered=1)
    assert events_of(url, "old") == 2 and len(list(unanswered.read_all(url))) == 1
    assert purge(30, url, now=NOW) == Removed(conversations=1, events=2, unanswered=1)
    assert purge(30, url, now=NOW).nothing


def test_purge_on_a_fresh_database_has_nothing_to_do(url: str):
    assert purge(1, url).nothing
    db.engine(url)  # our tables only, as after the first feedback and before Rasa starts
    assert purge(1, url).nothing


def test_purge_leaves_rasas_table_as_rasa_made_it(url: str, add_event: AddEvent):
    add_event("old", NOW - 300 * DAY)
    purge(30, url, now=NOW)
    with db.engine(url, create=False).connect() as c:
        columns = {col["name"] for col in sa.inspect(c).get_columns("events")}
    assert columns == {"id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"}
