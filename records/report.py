"""The editors' report: questions the sources could not answer and answers marked not helpful, by theme.

Each item is filed under a theme (the nearest passage's for an unanswered question; the first quote's that is
still in the index for an answer that did not help), else its document's title, else "Uden tema". Groups with the
most items come first; in a group, the newest first. The leaders' words are shown as stored (redacted).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Mapping

from records import feedback, unanswered

NO_THEME = "Uden tema"
UNANSWERED = "unanswered"
NOT_HELPFUL = "not_helpful"


@dataclass(frozen=True)
class Where:
    """Where a passage belongs: its theme (may be empty) and its document's title."""

    theme: str
    document: str


@dataclass(frozen=True)
class Item:
    kind: str  # unanswered | not_helpful
    time: float
    question: str  # the leader's question (redacted)
    comment: str = ""  # for an answer that did not help: the leader's reason (redacted)
    language: str = ""
    document: str = ""


@dataclass(frozen=True)
class Group:
    name: str
    kind: str  # theme | document | none
    items: tuple[Item, ...]

    @property
    def unanswered(self) -> int:
        return sum(i.kind == UNANSWERED for i in self.items)

    @property
    def not_helpful(self) -> int:
        return sum(i.kind == NOT_HELPFUL for i in self.items)


@dataclass(frozen=True)
class Report:
    generated: float
    since_days: int | None
    groups: tuple[Group, ...]

    @property
    def unanswered(self) -> int:
        return sum(g.unanswered for g in self.groups)

    @property
    def not_helpful(self) -> int:
        return sum(g.not_helpful for g in self.groups)

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated": _iso(self.generated), "since_days": self.since_days,
            "totals": {UNANSWERED: self.unanswered, NOT_HELPFUL: self.not_helpful},
            "groups": [{"group": g.name, "kind": g.kind, UNANSWERED: g.unanswered, NOT_HELPFUL: g.not_helpful,
                        "items": [{**asdict(i), "time": _iso(i.time)} for i in g.items]} for g in self.groups],
        }


def build(passages: Mapping[str, Where], since_days: int | None = None, url: str | None = None,
          now: float | None = None) -> Report:
    """The report over what is stored (only the last `since_days` days when given); `passages` says where each
    passage id of the index belongs. Raises db.RecordsUnavailable."""
    now = time.time() if now is None else now
    since = None if since_days is None else now - since_days * 86_400.0
    filed: dict[tuple[str, str], list[Item]] = {}
    for u in unanswered.read_all(url, since):
        item = Item(UNANSWERED, u.time, u.question, language=u.language, document=u.document)
        filed.setdefault(_group_of(u.theme, u.document), []).append(item)
    for f in feedback.read_all(url, since):
        if f.helpful:
            continue
        where = next((passages[i] for i in f.passage_ids if i in passages), Where("", ""))
        item = Item(NOT_HELPFUL, f.time, f.query, comment=f.comment, document=where.document)
        filed.setdefault(_group_of(where.theme, where.document), []).append(item)
    groups = [Group(name, kind, tuple(sorted(items, key=lambda i: -i.time))) for (kind, name), items in filed.items()]
    groups.sort(key=lambda g: (-len(g.items), -g.items[0].time, g.name))
    return Report(now, since_days, tuple(groups))


def _group_of(theme: str, document: str) -> tuple[str, str]:
    if theme.strip():
        return "theme", theme.strip()
    if document.strip():
        return "document", document.strip()
    return "none", NO_THEME


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds")


# --- the text for editors ----------------------------------------------------------------------


def to_text(report: Report) -> str:
    period = f"de seneste {report.since_days} dage" if report.since_days is not None else "alt, der er gemt"
    lines = [f"Brobygger – rapport til redaktører ({period}, lavet {_date(report.generated)})", ""]
    if not report.groups:
        lines.append("Godt nyt: der er ingen spørgsmål, som kilderne ikke kunne svare på, og ingen svar, "
                     "som nogen har markeret som ikke hjælpsomme.")
        return "\n".join(lines) + "\n"
    n = report.not_helpful
    lines += [
        f"Kilderne kunne ikke svare på {report.unanswered} spørgsmål, og lederne markerede {n} svar som "
        f"ikke {'hjælpsomt' if n == 1 else 'hjælpsomme'}.",
        "Emnerne med flest spørgsmål og svar står først, og i hvert emne står det nyeste først. Brug listen til at se, hvilke "
        "tekster der mangler; dem kan I tilføje med `brobygger ingest`.", "",
    ]
    for g in report.groups:
        heading = {"theme": f"Tema: {g.name}", "document": f"Dokument: {g.name}"}.get(g.kind, g.name)
        lines += [heading, "-" * len(heading),
                  f"{g.unanswered} spørgsmål uden svar · {g.not_helpful} svar, der ikke hjalp"]
        for i in g.items:
            if i.kind == UNANSWERED:
                lines.append(f"  {_date(i.time)}  Uden svar:   «{_one_line(i.question)}»")
                continue
            asked = f"«{_one_line(i.question)}»" if i.question.strip() else "(spørgsmålet blev ikke gemt)"
            lines.append(f"  {_date(i.time)}  Hjalp ikke:  {asked}")
            if i.comment.strip():
                lines.append(f"{'':14}Begrundelse: «{_one_line(i.comment)}»")
        lines.append("")
    return "\n".join(lines)


def _date(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%d.%m.%Y")


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
