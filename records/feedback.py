"""Leaders' feedback on answers, in the database of the conversations (several action servers share it)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Iterator

from records import db
from records.redact import redact


@dataclass(frozen=True)
class Feedback:
    sender: str
    helpful: bool
    comment: str  # the leader's own words, e.g. the reason
    query: str  # the question the rated answer answered
    passage_ids: tuple[str, ...] = ()
    time: float = field(default_factory=time.time)


def record(item: Feedback, url: str | None = None) -> None:
    """Store `item` with its comment and question redacted. Raises db.RecordsUnavailable."""
    db.insert(db.feedback, dict(sender_id=item.sender, time=item.time, helpful=item.helpful,
                                comment=redact(item.comment), query=redact(item.query),
                                passage_ids=json.dumps(list(item.passage_ids))), url)


def read_all(url: str | None = None, since: float | None = None) -> Iterator[Feedback]:
    """Stored feedback, oldest first; only from `since` (seconds since 1970) when given."""
    for r in db.rows(db.feedback, since, url):
        yield Feedback(sender=r["sender_id"], helpful=bool(r["helpful"]), comment=r["comment"], query=r["query"],
                       passage_ids=tuple(json.loads(r["passage_ids"] or "[]")), time=float(r["time"]))
