"""Leaders' feedback on answers: an append-only JSON-lines file in the data directory."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from knowledge.settings import Settings, get_settings

_lock = threading.Lock()


@dataclass(frozen=True)
class Feedback:
    sender: str
    helpful: bool
    comment: str  # the leader's own words, e.g. the reason
    query: str  # the question the rated answer answered
    passage_ids: tuple[str, ...] = ()
    time: float = field(default_factory=time.time)


def path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "feedback.jsonl"


def record(item: Feedback, settings: Settings | None = None) -> None:
    target = path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(item), ensure_ascii=False)
    with _lock, target.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def read_all(settings: Settings | None = None) -> Iterator[Feedback]:
    target = path(settings)
    if not target.exists():
        return
    for line in target.read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(line)
            d["passage_ids"] = tuple(d.get("passage_ids", ()))
            yield Feedback(**d)
        except (ValueError, TypeError):
            continue  # a torn last line after a crash is skipped, not fatal
