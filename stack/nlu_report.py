"""Print the intent F1 figures of `rasa test nlu --cross-validation` (make test-nlu)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGET = 0.90


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "var/results/nlu")
    report_path = out / "intent_report.json"
    if not report_path.exists():
        print(f"No {report_path}: run `make test-nlu` first.", file=sys.stderr)
        return 1
    report = json.loads(report_path.read_text(encoding="utf-8"))
    weighted = report["weighted avg"]["f1-score"]
    macro = report["macro avg"]["f1-score"]
    print(f"\nIntent F1 (cross-validation): weighted {weighted:.3f}, macro {macro:.3f}  (target ≥ {TARGET})")
    rows = sorted((v["f1-score"], k, v.get("support", 0)) for k, v in report.items()
                  if isinstance(v, dict) and "f1-score" in v and not k.endswith(" avg"))
    for f1, name, support in rows:
        print(f"  {name:<20} F1 {f1:.3f}  ({support} examples)")
    return 0 if weighted >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
