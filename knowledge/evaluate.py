"""Score retrieval and answers on a question file (the `eval/dev.yaml` format).

Gold quotes are matched by text (whitespace-normalised, case-insensitive), so the
scores do not depend on how the corpus is cut into passages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.answer import Answer, compose, quote_pieces
from knowledge.search import Searcher
from knowledge.text import normalize_space


class EvalFileError(ValueError):
    """The question file is unreadable or not in the expected format."""


@dataclass
class ItemResult:
    id: str
    lang: str
    kind: str
    in_scope: bool
    rank: int | None
    abstain: bool
    cites_gold: bool
    quotes: int
    verbatim: int
    confidence: float


@dataclass
class Report:
    n_in_scope: int
    n_out_of_scope: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    out_of_scope_abstained: float
    false_abstain: float
    cites_gold: float
    quotes_verbatim: float
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    items: list[ItemResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_items(path: Path) -> list[dict[str, Any]]:
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EvalFileError(f"Cannot read {path}: {exc}") from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) and "question" in i for i in items):
        raise EvalFileError(f"{path} must be a YAML list of items with a 'question' (and 'gold')")
    return items


def _norm(text: str) -> str:
    return normalize_space(text).lower()


def contains_gold(text: str, gold: list[dict[str, Any]]) -> bool:
    t = _norm(text)
    return any(_norm(str(g.get("quote", ""))) in t for g in gold if g.get("quote"))


def evaluate(searcher: Searcher, items: list[dict[str, Any]], references: dict[str, str], k: int = 5) -> Report:
    refs = [_norm(r) for r in references.values()]
    results: list[ItemResult] = []
    for item in items:
        gold = list(item.get("gold") or [])
        res = searcher.search(str(item["question"]), k=k)
        ans: Answer = compose(res, searcher.index.analyzer)
        rank = next((r for r, h in enumerate(res.hits, 1) if contains_gold(h.passage.text, gold)), None)
        pieces = [piece for c in ans.citations for piece in quote_pieces(c.quote)]
        results.append(
            ItemResult(
                id=str(item.get("id", "")), lang=str(item.get("lang", "")), kind=str(item.get("kind", "")),
                in_scope=bool(gold), rank=rank if gold else None, abstain=res.abstain,
                cites_gold=bool(gold) and any(contains_gold(c.passage.text, gold) for c in ans.citations),
                quotes=len(pieces), verbatim=sum(any(_norm(p) in r for r in refs) for p in pieces),
                confidence=round(res.confidence, 4),
            )
        )
    report = summarize(results)
    for lang in sorted({r.lang for r in results if r.lang}):
        sub = summarize([r for r in results if r.lang == lang])
        report.by_language[lang] = {
            "n_in_scope": sub.n_in_scope, "recall_at_5": sub.recall_at_5, "mrr": sub.mrr,
        }
    return report


def summarize(results: list[ItemResult]) -> Report:
    ins = [r for r in results if r.in_scope]
    oos = [r for r in results if not r.in_scope]
    n = max(1, len(ins))
    quotes = sum(r.quotes for r in results)
    return Report(
        n_in_scope=len(ins),
        n_out_of_scope=len(oos),
        recall_at_1=round(sum(r.rank == 1 for r in ins) / n, 4),
        recall_at_5=round(sum(r.rank is not None for r in ins) / n, 4),
        mrr=round(sum(1 / r.rank for r in ins if r.rank) / n, 4),
        out_of_scope_abstained=round(sum(r.abstain for r in oos) / max(1, len(oos)), 4),
        false_abstain=round(sum(r.abstain for r in ins) / n, 4),
        cites_gold=round(sum(r.cites_gold for r in ins) / n, 4),
        quotes_verbatim=round(sum(r.verbatim for r in results) / quotes, 4) if quotes else 1.0,
        items=results,
    )


def format_report(report: Report) -> str:
    lines = [
        f"In scope: {report.n_in_scope} questions; out of scope: {report.n_out_of_scope}",
        f"  Recall@1          {report.recall_at_1:.2f}",
        f"  Recall@5          {report.recall_at_5:.2f}",
        f"  MRR               {report.mrr:.2f}",
        f"  false abstain     {report.false_abstain:.2f}",
        f"  cites gold        {report.cites_gold:.2f}",
        f"Out of scope abstained {report.out_of_scope_abstained:.2f}",
        f"Quotes verbatim in the sources {report.quotes_verbatim:.2f}",
    ]
    for lang, m in report.by_language.items():
        lines.append(f"  [{lang}] n={m['n_in_scope']} Recall@5 {m['recall_at_5']:.2f} MRR {m['mrr']:.2f}")
    misses = [r for r in report.items if r.in_scope and r.rank != 1]
    if misses:
        lines.append("Not first: " + ", ".join(f"{r.id} (rank {r.rank or '-'})" for r in misses))
    return "\n".join(lines)
