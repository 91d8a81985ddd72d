"""The database that holds the conversations also holds Brobygger's own records: feedback and unanswered questions.

One engine per URL (SQLAlchemy Core 2.x, connections checked before use), the two tables created when
missing. Rasa's own `events` table is Rasa's: it is only read and deleted from here (see `records.privacy`).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from records.settings import database_url

metadata = sa.MetaData()

feedback = sa.Table(
    "brobygger_feedback", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("time", sa.Float, nullable=False, index=True),  # seconds since 1970, as Rasa's event timestamps
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("comment", sa.Text, nullable=False, default=""),  # the leader's reason, redacted
    sa.Column("query", sa.Text, nullable=False, default=""),  # the question the rated answer answered, redacted
    sa.Column("passage_ids", sa.Text, nullable=False, default="[]"),  # JSON list, in the answer's order
)

unanswered = sa.Table(
    "brobygger_unanswered", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("time", sa.Float, nullable=False, index=True),
    sa.Column("question", sa.Text, nullable=False),  # redacted
    sa.Column("language", sa.String(8), nullable=False, default=""),
    # the nearest passage the search found, for grouping in the editors' report
    sa.Column("passage_id", sa.String(255), nullable=False, default=""),
    sa.Column("theme", sa.String(255), nullable=False, default=""),
    sa.Column("document", sa.Text, nullable=False, default=""),  # the document's title
)

# Rasa's table of conversation events (rasa.core.tracker_store.SQLTrackerStore), as far as it is used here.
events = sa.table("events", sa.column("id", sa.Integer), sa.column("sender_id", sa.String),
                  sa.column("timestamp", sa.Float))


class RecordsUnavailable(RuntimeError):
    """The database could not be reached or used; the message names it (without its password)."""


def safe_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(an unreadable BROBYGGER_DATABASE_URL)"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory SQLite)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def unavailable(url: str, exc: Exception) -> RecordsUnavailable:
    """A RecordsUnavailable that says why, without the statement or its parameters (they hold message text)."""
    reason = getattr(exc, "orig", None) or exc
    first_line = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return RecordsUnavailable(f"the database at {safe_url(url)} could not be used: {first_line}")


_create_lock = threading.Lock()


@lru_cache(maxsize=8)
def _engine(url: str) -> sa.Engine:
    try:
        parsed = sa.engine.make_url(url)
        if parsed.drivername == "postgresql":  # SQLAlchemy 2.1 would pick psycopg 3; Rasa's side uses psycopg2
            parsed = parsed.set(drivername="postgresql+psycopg2")
        return sa.create_engine(parsed, pool_pre_ping=True)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise RecordsUnavailable(f"BROBYGGER_DATABASE_URL is not a database address SQLAlchemy can use: {exc}") from None


@lru_cache(maxsize=8)
def _created(url: str) -> bool:
    engine = _engine(url)
    try:
        metadata.create_all(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        # another process may have created them at the same moment: look again before giving up
        metadata.create_all(engine, checkfirst=True)
    return True


def engine(url: str | None = None, create: bool = True) -> sa.Engine:
    """The engine for `url` (default: BROBYGGER_DATABASE_URL, else the SQLite file in the data directory),
    with Brobygger's tables created when `create`. Raises RecordsUnavailable when the database cannot be used."""
    url = url or database_url()
    path = sqlite_file(url)
    if create and path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordsUnavailable(f"the database at {safe_url(url)} could not be used: {exc.strerror}") from None
    eng = _engine(url)
    if create:
        with _create_lock:
            try:
                _created(url)
            except sa.exc.SQLAlchemyError as exc:
                raise unavailable(url, exc) from None
    return eng


def exists(url: str) -> bool:
    """False only for a SQLite file that is not there yet (nothing was ever stored)."""
    path = sqlite_file(url)
    return path is None or path.exists()


def insert(table: sa.Table, row: dict[str, object], url: str | None = None) -> None:
    """Add one row to one of Brobygger's tables. Raises RecordsUnavailable."""
    url = url or database_url()
    try:
        with engine(url).begin() as connection:
            connection.execute(sa.insert(table).values(**row))
    except sa.exc.SQLAlchemyError as exc:
        raise unavailable(url, exc) from None


def rows(table: sa.Table, since: float | None = None, url: str | None = None) -> list[sa.RowMapping]:
    """The rows of one of Brobygger's tables, oldest first; only from `since` (seconds since 1970) when given.
    A SQLite file that does not exist yet has none (and is not created)."""
    url = url or database_url()
    if not exists(url):
        return []
    query = sa.select(table).order_by(table.c.time, table.c.id)
    if since is not None:
        query = query.where(table.c.time >= since)
    try:
        with engine(url).connect() as connection:
            return list(connection.execute(query).mappings().all())
    except sa.exc.SQLAlchemyError as exc:
        raise unavailable(url, exc) from None
