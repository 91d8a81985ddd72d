"""A SQLite database in the test's tmp dir, and Rasa's `events` table made the way Rasa makes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
import sqlalchemy as sa

from records import db

# The shape of rasa.core.tracker_store.SQLTrackerStore's table (Rasa 3.6).
RASA_EVENTS = sa.Table(
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rasa' / 'tracker.db'}"


AddEvent = Callable[[str, float, str], None]


@pytest.fixture
def add_event(url: str) -> AddEvent:
    """add_event(sender, timestamp, text): one user event in Rasa's table (created on first use)."""
    engine = sa.create_engine(url)
    Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    RASA_EVENTS.metadata.create_all(engine)

    def add(sender: str, timestamp: float, text: str = "hej") -> None:
        with engine.begin() as c:
            c.execute(sa.insert(RASA_EVENTS).values(
                sender_id=sender, type_name="user", timestamp=timestamp, intent_name="greet",
                data=json.dumps({"event": "user", "text": text, "timestamp": timestamp})))

    return add


def events_of(url: str, sender: str) -> int:
    with db.engine(url, create=False).connect() as c:
        return int(c.execute(sa.select(sa.func.count()).select_from(RASA_EVENTS)
                             .where(RASA_EVENTS.c.sender_id == sender)).scalar_one())
