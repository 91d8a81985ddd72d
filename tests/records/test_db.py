"""The records' database: tables created when missing, SQLite by default, clear errors when it cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from records import db, feedback
from records.settings import database_url, retention_days


def test_the_default_database_is_the_sqlite_file_of_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROBYGGER_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'rasa' / 'tracker.db'}"
    monkeypatch.setenv("BROBYGGER_DATABASE_URL", "postgresql://u:secret@db.example/brobygger")
    assert database_url() == "postgresql://u:secret@db.example/brobygger"


def test_the_tables_are_created_on_first_use_and_only_then(url: str):
    path = db.sqlite_file(url)
    assert path is not None and not path.exists()
    assert list(feedback.read_all(url)) == []  # reading a database that is not there creates nothing
    assert not path.exists()
    feedback.record(feedback.Feedback("s", True, "", "q"), url)
    with db.engine(url).connect() as c:
        assert {"brobygger_feedback", "brobygger_unanswered"} <= set(sa.inspect(c).get_table_names())


def test_a_database_that_cannot_be_reached_is_a_clear_error_without_the_password(tmp_path: Path):
    bad = "postgresql://brobygger:hemmeligt@127.0.0.1:9/brobygger"  # nothing listens on port 9
    with pytest.raises(db.RecordsUnavailable) as caught:
        feedback.record(feedback.Feedback("s", False, "ring 12345678", "q"), bad)
    message = str(caught.value)
    assert "127.0.0.1:9" in message and "hemmeligt" not in message and "12345678" not in message


def test_an_unusable_sqlite_location_is_a_clear_error(tmp_path: Path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(db.RecordsUnavailable, match="could not be used"):
        feedback.record(feedback.Feedback("s", True, "", ""), f"sqlite:///{tmp_path / 'file' / 'tracker.db'}")


def test_a_database_url_that_is_not_one_is_a_clear_error():
    with pytest.raises(db.RecordsUnavailable, match="BROBYGGER_DATABASE_URL"):
        db.engine("nonsense://what")


@pytest.mark.parametrize("raw, days", [("", 180), ("30", 30), (" 7 ", 7)])
def test_the_retention_period_comes_from_the_environment(raw: str, days: int):
    assert retention_days({"BROBYGGER_RETENTION_DAYS": raw}) == days


@pytest.mark.parametrize("raw", ["0", "-3", "en måned", "1.5"])
def test_a_retention_period_that_is_not_a_number_of_days_is_refused(raw: str):
    with pytest.raises(ValueError, match="BROBYGGER_RETENTION_DAYS"):
        retention_days({"BROBYGGER_RETENTION_DAYS": raw})
