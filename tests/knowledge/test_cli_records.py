"""`brobygger forget`, `purge` and `report`, run as the console script on a tmp data dir's database."""

from __future__ import annotations

import json
import time
from pathlib import Path

import sqlalchemy as sa

from records import feedback, unanswered
from records.settings import database_url
from tests.records.conftest import RASA_EVENTS
from tests.support import run_cli

DAY = 86_400.0


def url_of(data_dir: Path) -> str:
    return database_url({"BROBYGGER_DATA_DIR": str(data_dir)})


def add_events(data_dir: Path, sender: str, *ages_in_days: float) -> None:
    engine = sa.create_engine(url_of(data_dir))
    (data_dir / "rasa").mkdir(parents=True, exist_ok=True)
    RASA_EVENTS.metadata.create_all(engine)
    with engine.begin() as c:
        for age in ages_in_days:
            c.execute(sa.insert(RASA_EVENTS).values(sender_id=sender, type_name="user",
                                                    timestamp=time.time() - age * DAY, data="{}"))


def senders(data_dir: Path) -> set[str]:
    with sa.create_engine(url_of(data_dir)).connect() as c:
        return set(c.execute(sa.select(RASA_EVENTS.c.sender_id)).scalars())


def test_forget_deletes_one_conversation_and_says_how_much(tmp_path: Path):
    data = tmp_path / "data"
    add_events(data, "ida", 1, 0.5)
    add_events(data, "bo", 1)
    feedback.record(feedback.Feedback("ida", False, "nej", "q"), url_of(data))
    proc = run_cli(["forget", "ida"], data)
    assert proc.returncode == 0, proc.stderr
    assert "2 conversation events, 1 feedback, 0 unanswered" in proc.stdout
    assert senders(data) == {"bo"} and list(feedback.read_all(url_of(data))) == []
    again = run_cli(["forget", "ida"], data)
    assert again.returncode == 0 and "nothing to delete" in again.stdout


def test_forget_without_any_database_says_there_was_nothing(tmp_path: Path):
    proc = run_cli(["forget", "ida"], tmp_path / "data")
    assert proc.returncode == 0 and "nothing to delete" in proc.stdout
    assert not (tmp_path / "data" / "rasa" / "tracker.db").exists()


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path):
    for args in (["forget", "ida"], ["purge"], ["report"]):
        proc = run_cli(args, tmp_path / "data", env={"BROBYGGER_DATABASE_URL": "postgresql://u:pw@127.0.0.1:9/db"})
        assert proc.returncode == 1, args
        assert "could not be used" in proc.stderr and "BROBYGGER_DATABASE_URL" in proc.stderr
        assert "Traceback" not in proc.stderr and ":pw@" not in proc.stderr


def test_purge_uses_the_retention_period_and_days_overrides_it(tmp_path: Path):
    data = tmp_path / "data"
    add_events(data, "old", 100, 90)
    add_events(data, "new", 5)
    kept = run_cli(["purge"], data)  # 180 days by default
    assert kept.returncode == 0 and kept.stdout.startswith("Deleted 0 conversations")
    dry = run_cli(["purge", "--dry-run"], data, env={"BROBYGGER_RETENTION_DAYS": "30"})
    assert dry.stdout.startswith("Would delete 1 conversations (2 events)") and senders(data) == {"old", "new"}
    done = run_cli(["purge", "--days", "30"], data, env={"BROBYGGER_RETENTION_DAYS": "1000"})
    assert done.returncode == 0 and done.stdout.startswith("Deleted 1 conversations (2 events)")
    assert senders(data) == {"new"}


def test_a_bad_retention_period_is_a_usage_error(tmp_path: Path):
    proc = run_cli(["purge"], tmp_path / "data", env={"BROBYGGER_RETENTION_DAYS": "et halvt år"})
    assert proc.returncode == 2 and "BROBYGGER_RETENTION_DAYS" in proc.stderr
    assert run_cli(["purge", "--days", "0"], tmp_path / "data").returncode == 2


def test_report_groups_by_the_themes_of_the_index(fake_data_dir: Path, bundled_passages):
    url = url_of(fake_data_dir)
    themed = next(p for p in bundled_passages if p.theme == "krydspres")
    untitled = next(p for p in bundled_passages if not p.theme)
    unanswered.record(unanswered.Unanswered("a", "Hvordan leder jeg frivillige?", "da", themed.id, themed.theme,
                                            themed.title), url)
    feedback.record(feedback.Feedback("b", False, "for generelt", "Hvad er tillid?", (untitled.id,)), url)
    feedback.record(feedback.Feedback("c", False, "gammelt", "Gammelt spørgsmål", (themed.id,),
                                      time=time.time() - 40 * DAY), url)
    text = run_cli(["report"], fake_data_dir)
    assert text.returncode == 0, text.stderr
    assert "Tema: krydspres" in text.stdout and f"Dokument: {untitled.title}" in text.stdout
    assert "«Hvad er tillid?»" in text.stdout and "Begrundelse: «for generelt»" in text.stdout
    as_json = json.loads(run_cli(["report", "--json", "--since", "30"], fake_data_dir).stdout)
    assert as_json["since_days"] == 30 and as_json["totals"] == {"unanswered": 1, "not_helpful": 1}
    assert {g["group"] for g in as_json["groups"]} == {"krydspres", untitled.title}
