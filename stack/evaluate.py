"""Score the whole dialogue over REST on an evaluation file (the format of `brobygger eval`).

Each question goes to a new conversation. In scope: does the text the user sees show a gold
quote? Out of scope: is the reply polite (some text) and free of quotes?

    python -m stack.evaluate FILE.yaml [--url http://127.0.0.1:5005]   (without --url: starts the stack)
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from knowledge.evaluate import EvalFileError, contains_gold, load_items
from stack.chat import send
from stack.config import StackConfig
from stack.processes import Stack, StackError, free_port


def score(url: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for item in items:
        messages = send(url, f"eval-{uuid.uuid4().hex[:10]}", str(item["question"]))
        visible = "\n".join(m.get("text") or "" for m in messages)
        quoted = any((m.get("custom") or {}).get("citations") for m in messages)
        gold = list(item.get("gold") or [])
        rows.append({
            "id": item.get("id", ""), "in_scope": bool(gold), "shows_gold": bool(gold) and contains_gold(visible, gold),
            "polite": bool(visible.strip()) and (bool(gold) or not quoted), "reply": visible[:300],
        })
    ins = [r for r in rows if r["in_scope"]]
    oos = [r for r in rows if not r["in_scope"]]
    return {
        "questions": len(rows),
        "in_scope_shows_gold": round(sum(r["shows_gold"] for r in ins) / len(ins), 4) if ins else None,
        "out_of_scope_polite_without_quotes": round(sum(r["polite"] for r in oos) / len(oos), 4) if oos else None,
        "every_reply_polite": all(r["reply"].strip() for r in rows),
        "misses": [r["id"] for r in ins if not r["shows_gold"]] + [r["id"] for r in oos if not r["polite"]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", help="a running Brobygger (default: start one)")
    args = parser.parse_args(argv)
    try:
        items = load_items(args.file)
    except EvalFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.url:
        print(json.dumps(score(args.url, items), ensure_ascii=False, indent=2))
        return 0
    base = StackConfig.from_env()  # on free ports, so a running `make run` is not in the way
    stack = Stack(replace(base, rasa_port=free_port(base.host), action_port=free_port(base.host), web_port=free_port(base.host)))
    try:
        stack.start()
        print(json.dumps(score(stack.config.rasa_url, items), ensure_ascii=False, indent=2))
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
