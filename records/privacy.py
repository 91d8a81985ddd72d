"""Deleting what Brobygger keeps: one person's conversation (`forget`), or everything past the retention period
(`purge`). Works on the tables that exist: a fresh database has no `events` table until Rasa has started."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from records import db
from records.settings import database_url

DAY = 86_400.0


@dataclass(frozen=True)
class Removed:
    """What was (or, in a dry run, would be) deleted."""

    conversations: int = 0  # senders whose whole conversation went
    events: int = 0  # rows of Rasa's events table
    feedback: int = 0
    unanswered: int = 0

    @property
    def nothing(self) -> bool:
        return not (self.events or self.feedback or self.unanswered)


def forget(sender_id: str, url: str | None = None) -> Removed:
    """Delete one sender's conversation, feedback and unanswered questions. Raises db.RecordsUnavailable."""
    url = url or database_url()
    if not db.exists(url):
        return Removed()
    try:
        with db.engine(url, create=False).begin() as connection:
            counts = {}
            for name, table, column in _tables(connection):
                counts[name] = connection.execute(sa.delete(table).where(column == sender_id)).rowcount
    except sa.exc.SQLAlchemyError as exc:
        raise db.unavailable(url, exc) from None
    return Removed(conversations=int(counts.get("events", 0) > 0), **counts)


def purge(days: int, url: str | None = None, now: float | None = None, dry_run: bool = False) -> Removed:
    """Delete every conversation whose latest event is more than `days` days old (whole conversations, never a
    part of one), and feedback and unanswered questions recorded before then. Raises db.RecordsUnavailable."""
    url = url or database_url()
    if not db.exists(url):
        return Removed()
    cutoff = (time.time() if now is None else now) - days * DAY
    try:
        with db.engine(url, create=False).begin() as connection:
            counts: dict[str, int] = {}
            conversations = 0
            for name, table, _ in _tables(connection):
                if name == "events":
                    old = (sa.select(db.events.c.sender_id).group_by(db.events.c.sender_id)
                           .having(sa.func.max(db.events.c.timestamp) < cutoff))
                    conversations = _count(connection, old.subquery())
                    which = db.events.c.sender_id.in_(old)
                else:
                    which = table.c.time < cutoff
                if dry_run:
                    counts[name] = _count(connection, sa.select(table).where(which).subquery())
                else:
                    counts[name] = connection.execute(sa.delete(table).where(which)).rowcount
    except sa.exc.SQLAlchemyError as exc:
        raise db.unavailable(url, exc) from None
    return Removed(conversations=conversations, **counts)


def _tables(connection: sa.Connection) -> list[tuple[str, sa.TableClause, sa.ColumnElement[str]]]:
    """(name, table, its sender column) of the tables that exist."""
    inspector = sa.inspect(connection)
    candidates = [("events", db.events, db.events.c.sender_id),
                  ("feedback", db.feedback, db.feedback.c.sender_id),
                  ("unanswered", db.unanswered, db.unanswered.c.sender_id)]
    return [c for c in candidates if inspector.has_table(c[1].name)]


def _count(connection: sa.Connection, selection: sa.Subquery) -> int:
    return int(connection.execute(sa.select(sa.func.count()).select_from(selection)).scalar_one())
