"""Turn latency through Rasa and the action server over REST, warm (part of `make bench`)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from stack.chat import send
from stack.config import ROOT, StackConfig
from stack.processes import Stack, StackError, free_port

TARGET_TURN_P95_MS = 300.0
QUESTIONS = [
    "Hvordan håndterer andre ledere krydspres mellem politiske mål og faglighed?",
    "Hvad kan jeg gøre for at skabe sammenhæng for borgeren på tværs af sektorer?",
    "Hvad er de syv budskaber til cheferne?",
    "How do top leaders create room for leadership?",
    "Hvordan får vi tid til udvikling og refleksion i en travl hverdag?",
    "Hvad betyder tillid i samarbejdet mellem forvaltninger?",
    "What do citizens say matters when they get coordinated help?",
    "Hvordan inddrager man borgerne i prioriteringerne?",
]
FOLLOW_UPS = ["mere om nummer 1", "hvem sagde det?", "andre perspektiver"]


def _rss_mb(pgid: int) -> float:
    """Resident memory of a whole process group (Sanic runs its app in a child process)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            continue
    return total


def measure(data_dir: Path, rounds: int = 3) -> dict[str, Any]:
    model = ROOT / "models" / "brobygger.tar.gz"
    if not model.exists():
        return {"error": "no trained Rasa model (make train)"}
    config = StackConfig(ROOT, "127.0.0.1", free_port(), free_port(), model, data_dir, web_port=free_port())
    stack = Stack(config)
    try:
        began = time.monotonic()
        stack.start()
        start_s = time.monotonic() - began
        for q in QUESTIONS[:2]:  # warm both servers' code paths
            send(config.rasa_url, "bench-warm", q)
        question_ms: list[float] = []
        follow_ms: list[float] = []
        for _ in range(rounds):
            for q in QUESTIONS:
                sender = f"bench-{uuid.uuid4().hex[:8]}"
                t = time.perf_counter()
                send(config.rasa_url, sender, q)
                question_ms.append((time.perf_counter() - t) * 1000)
                for f in FOLLOW_UPS:
                    t = time.perf_counter()
                    send(config.rasa_url, sender, f)
                    follow_ms.append((time.perf_counter() - t) * 1000)
        rss = {name: _rss_mb(p.pid) for name, p in stack.processes.items()}
    except (StackError, OSError) as exc:
        return {"error": str(exc).splitlines()[0]}
    finally:
        stack.stop()
    return {"start_s": start_s, "question_ms": question_ms, "follow_ms": follow_ms, "rss_mb": rss}


def rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    if "error" in r:
        return [("dialogue", r["error"], "", "")]
    everything = r["question_ms"] + r["follow_ms"]
    out = [("stack start (all servers, model load, warm-up)", f"{r['start_s']:.0f} s", "", "")]
    for name, ms in (("question turn", r["question_ms"]), ("follow-up turn", r["follow_ms"]), ("all turns", everything)):
        p50, p95 = float(np.percentile(ms, 50)), float(np.percentile(ms, 95))
        ok = "ok" if p95 <= TARGET_TURN_P95_MS else "MISSED"
        out.append((f"{name}: p50 / p95 ({len(ms)} turns)", f"{p50:.0f} / {p95:.0f} ms", f"p95 ≤ {TARGET_TURN_P95_MS:.0f} ms", ok))
    for name, mb in r["rss_mb"].items():
        out.append((f"RSS after the turns: {name}", f"{mb:.0f} MB", "", ""))
    return out
