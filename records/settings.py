"""Where conversations and records are stored, and for how long (environment, else embedded defaults)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

REPO_DIR = Path(__file__).resolve().parent.parent


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("BROBYGGER_DATA_DIR", "").strip() or REPO_DIR / "var").expanduser().resolve()


def database_url(env: Mapping[str, str] | None = None) -> str:
    """An SQLAlchemy URL: BROBYGGER_DATABASE_URL (e.g. postgresql://user:pw@host/db), else a SQLite file."""
    env = os.environ if env is None else env
    url = env.get("BROBYGGER_DATABASE_URL", "").strip()
    return url or f"sqlite:///{data_dir(env) / 'rasa' / 'tracker.db'}"


def redis_url(env: Mapping[str, str] | None = None) -> str | None:
    """BROBYGGER_REDIS_URL (e.g. redis://:pw@host:6379/0) for the lock store shared by several Rasa servers."""
    env = os.environ if env is None else env
    return env.get("BROBYGGER_REDIS_URL", "").strip() or None


DEFAULT_RETENTION_DAYS = 180


def retention_days(env: Mapping[str, str] | None = None) -> int:
    """BROBYGGER_RETENTION_DAYS: conversations and records older than this many days are deleted by the purge."""
    env = os.environ if env is None else env
    raw = env.get("BROBYGGER_RETENTION_DAYS", "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"BROBYGGER_RETENTION_DAYS must be a whole number of days, at least 1, not {raw!r}.")
    return int(raw)
