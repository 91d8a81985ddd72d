"""`make run` deletes what is past the retention period when it starts (stack/__main__.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from records import unanswered
from stack.__main__ import main, purge_old


def test_the_start_deletes_records_past_the_retention_period(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("BROBYGGER_RETENTION_DAYS", "30")
    unanswered.record(unanswered.Unanswered("a", "gammelt", time=time.time() - 31 * 86_400))
    unanswered.record(unanswered.Unanswered("b", "nyt"))
    assert purge_old() == "Deleted 0 conversations and 1 records older than 30 days (BROBYGGER_RETENTION_DAYS)."
    assert [u.question for u in unanswered.read_all()] == ["nyt"]
    assert purge_old() == ""  # nothing more to say


def test_an_unreachable_database_is_a_note_not_a_stop(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROBYGGER_DATABASE_URL", "postgresql://u:pw@127.0.0.1:9/db")
    assert purge_old().startswith("Note: conversations older than 180 days were not deleted")


def test_a_bad_retention_period_stops_the_start(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("BROBYGGER_RETENTION_DAYS", "altid")
    assert main(["run"]) == 1
    assert "BROBYGGER_RETENTION_DAYS" in capsys.readouterr().err
