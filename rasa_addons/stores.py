"""The tracker store and lock store, configured from the environment (Rasa 3.6 expands no variables in yml).

- `SQLStore`: conversations in SQL, at BROBYGGER_DATABASE_URL (PostgreSQL) or a SQLite file in the data
  directory. Connections are checked before use, so a restarted PostgreSQL is reconnected to on the next
  turn. Personal data (CPR numbers, e-mail addresses, phone numbers) is redacted before an event is stored.
- `RedisLocks`: conversation locks in Redis at BROBYGGER_REDIS_URL, so several Rasa servers can serve the
  same conversations one turn at a time. Rasa's own Redis lock store reads, changes and writes its ticket
  queue in separate steps: two servers taking a ticket at the same moment both got the turn, and one turn's
  events were lost. Here each of those steps holds a short Redis mutex for the conversation.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, ContextManager
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from records.redact import redact_json
from records.settings import database_url, redis_url

logger = logging.getLogger(__name__)


def _safe(url: sa.engine.URL) -> str:
    return url.render_as_string(hide_password=True)


class SQLStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, event_broker: Any = None, **_: Any) -> None:
        url = sa.engine.make_url(database_url())
        if url.get_backend_name() == "sqlite" and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, event_broker=event_broker, dialect=url.drivername, host=url.host,
                         port=url.port, db=url.database or "", username=url.username, password=url.password,
                         query=dict(url.query) or None)
        # Rasa's own engine has no pre-ping: after a database restart its pooled connections are dead and
        # the next turn would fail. This engine tests a connection before handing it out.
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        logger.info("Conversations are stored at %s.", _safe(url))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with every string of each new event redacted before it is written."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redact_json(event.as_dict())
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()


class RedisLocks(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **_: Any) -> None:
        raw = redis_url()
        if raw is None:
            raise ValueError("BROBYGGER_REDIS_URL is not set; the Redis lock store needs it.")
        parts = urlsplit(raw)
        if parts.scheme not in ("redis", "rediss"):
            raise ValueError(f"BROBYGGER_REDIS_URL must start with redis:// or rediss://, not {parts.scheme}://")
        db = parts.path.strip("/")
        super().__init__(host=parts.hostname or "localhost", port=parts.port or 6379,
                         db=int(db) if db.isdigit() else 0,
                         username=unquote(parts.username) if parts.username else None,
                         password=unquote(parts.password) if parts.password else None,
                         use_ssl=parts.scheme == "rediss", key_prefix="brobygger")
        logger.info("Conversation locks are kept in Redis at %s:%s.", parts.hostname, parts.port or 6379)

    def _mutex(self, conversation_id: str) -> ContextManager[Any]:
        return self.red.lock(f"{self.key_prefix}mutex:{conversation_id}", timeout=10, blocking_timeout=10)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
