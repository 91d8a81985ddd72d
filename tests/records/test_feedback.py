"""Feedback in the database: redacted, read back in order, filtered by time."""

from __future__ import annotations

from records.feedback import Feedback, read_all, record


def test_feedback_is_stored_redacted_and_read_back(url: str):
    record(Feedback("leder-1", False, "Forkert. Skriv til mig på ida@kommune.dk", "Min CPR er 010190-1234, hvad nu?",
                    ("stafet:a", "stafet:b"), time=1000.0), url)
    record(Feedback("leder-2", True, "", "krydspres", (), time=2000.0), url)
    first, second = read_all(url)
    assert first == Feedback("leder-1", False, "Forkert. Skriv til mig på [e-mail]", "Min CPR er [cpr], hvad nu?",
                             ("stafet:a", "stafet:b"), time=1000.0)
    assert second.helpful is True and second.passage_ids == ()


def test_only_feedback_since_a_time_is_read(url: str):
    for t in (100.0, 200.0, 300.0):
        record(Feedback("s", True, "", "", time=t), url)
    assert [f.time for f in read_all(url, since=200.0)] == [200.0, 300.0]


def test_without_a_url_the_configured_database_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("BROBYGGER_DATA_DIR", str(tmp_path / "d"))
    record(Feedback("s", True, "godt", "q"))
    assert (tmp_path / "d" / "rasa" / "tracker.db").exists()
    assert [f.comment for f in read_all()] == ["godt"]
