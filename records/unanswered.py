"""Questions the sources could not answer, kept for the editors' report (`brobygger report`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterator

from records import db
from records.redact import redact


@dataclass(frozen=True)
class Unanswered:
    sender: str
    question: str
    language: str = ""
    # the nearest passage the search found, if any: what the question came closest to
    passage_id: str = ""
    theme: str = ""
    document: str = ""  # the document's title
    time: float = field(default_factory=time.time)


def record(item: Unanswered, url: str | None = None) -> None:
    """Store `item` with its question redacted. Raises db.RecordsUnavailable."""
    db.insert(db.unanswered, dict(sender_id=item.sender, time=item.time, question=redact(item.question),
                                  language=item.language, passage_id=item.passage_id, theme=item.theme,
                                  document=item.document), url)


def read_all(url: str | None = None, since: float | None = None) -> Iterator[Unanswered]:
    """Stored unanswered questions, oldest first; only from `since` (seconds since 1970) when given."""
    for r in db.rows(db.unanswered, since, url):
        yield Unanswered(sender=r["sender_id"], question=r["question"], language=r["language"],
                         passage_id=r["passage_id"], theme=r["theme"], document=r["document"], time=float(r["time"]))
