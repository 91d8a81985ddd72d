"""`make load`: many concurrent conversations against a local stack on loopback, with figures.

    python -m bench.load                       # 50 users × 10 turns, one Rasa server, SQLite
    python -m bench.load --users 20 --turns 5
    python -m bench.load --replicas 2          # two Rasa servers: needs BROBYGGER_DATABASE_URL and
                                               # BROBYGGER_REDIS_URL (PostgreSQL and Redis)
    python -m bench.load --rasa-url http://127.0.0.1:5005   # a stack that is already running

Each user is one conversation: a question, then follow-ups on its answer, then a new question, … . The
users talk at the same time; each waits for its reply before the next turn, as a person does. With
several replicas a user's turns alternate between them. The run is bounded: at most users × turns
requests, each with a timeout, and no new turn starts after --time-limit seconds. Only loopback
addresses are used. An error is a failed request, a status other than 200, an empty reply or an
apology (the bot could not reach its knowledge); the goal is none.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.dialogue import FOLLOW_UPS, QUESTIONS
from stack.config import ROOT, StackConfig
from stack.processes import Stack, StackError, free_port

APOLOGY_MARKERS = ("Undskyld", "Sorry")
LOOPBACK_PREFIXES = ("http://127.", "http://localhost", "http://[::1]")
CONVERSATION = ["{question}", "mere om nummer 1", "hvem sagde det?", "andre perspektiver",
                "giv mig et citat fra det"]


def script(user: int, turns: int) -> list[str]:
    """The user's turns: questions (rotating through the list) each followed by follow-ups."""
    out: list[str] = []
    q = user
    while len(out) < turns:
        for step in CONVERSATION:
            out.append(step.format(question=QUESTIONS[q % len(QUESTIONS)]) if "{" in step else step)
        q += 1
    return out[:turns]


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    unfinished: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, error: str | None) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            if error:
                self.errors[error] += 1


def turn(url: str, sender: str, text: str, timeout: float) -> str | None:
    """One turn; None when it went well, else a short name of what went wrong."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            replies = json.loads(response.read().decode("utf-8") or "[]")
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return type(exc).__name__
    texts = " ".join(str(r.get("text") or "") for r in replies)
    if not replies:
        return "empty reply"
    if any(marker in texts for marker in APOLOGY_MARKERS):
        return "apology"
    return None


def user(index: int, urls: list[str], turns: int, deadline: float, timeout: float, results: Results) -> None:
    sender = f"load-{index}-{uuid.uuid4().hex[:6]}"
    for n, text in enumerate(script(index, turns)):
        if time.monotonic() > deadline:
            with results.lock:
                results.unfinished += turns - n
            return
        began = time.perf_counter()
        error = turn(urls[(index + n) % len(urls)], sender, text, timeout)
        results.add((time.perf_counter() - began) * 1000, error)


def run(urls: list[str], users: int, turns: int, time_limit: float, timeout: float) -> tuple[Results, float]:
    results = Results()
    deadline = time.monotonic() + time_limit
    threads = [threading.Thread(target=user, args=(i, urls, turns, deadline, timeout, results), daemon=True)
               for i in range(users)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + timeout + 5)
    return results, time.perf_counter() - began


def report(results: Results, wall_s: float, users: int, turns: int, replicas: int, store: str) -> str:
    ms = results.latencies_ms
    done = len(ms)
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"load: {users} users × {turns} turns, {replicas} Rasa server(s), tracker store {store}",
        f"turns done: {done} of {users * turns} in {wall_s:.1f} s ({results.unfinished} not started: time limit)",
        f"throughput: {done / wall_s:.1f} turns/s" if wall_s > 0 else "throughput: -",
    ]
    if ms:
        p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
        lines.append(f"turn latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {max(ms):.0f} ms")
    errors = sum(results.errors.values())
    detail = ", ".join(f"{name}: {n}" for name, n in results.errors.most_common())
    lines.append(f"errors: {errors}" + (f" ({detail})" if detail else " (goal: none)"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=1, help="Rasa servers to start (default 1)")
    parser.add_argument("--time-limit", type=float, default=600, help="no new turn after this many seconds")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one turn may take")
    parser.add_argument("--rasa-url", action="append", default=[],
                        help="a running Rasa server on loopback (repeat for replicas); nothing is started")
    args = parser.parse_args(argv)
    if not (0 < args.users <= 500 and 0 < args.turns <= 100 and 0 < args.replicas <= 4):
        parser.error("keep it bounded: 1–500 users, 1–100 turns, 1–4 replicas")
    if any(not url.startswith(LOOPBACK_PREFIXES) for url in args.rasa_url):
        parser.error("load is only sent to loopback addresses (127.0.0.1, localhost, [::1])")
    store = "PostgreSQL" if os.environ.get("BROBYGGER_DATABASE_URL", "").startswith("postgres") else "SQLite"
    if args.rasa_url:
        results, wall = run(args.rasa_url, args.users, args.turns, args.time_limit, args.timeout)
        print(report(results, wall, args.users, args.turns, len(args.rasa_url), store))
        return 1 if results.errors else 0
    if args.replicas > 1 and not (os.environ.get("BROBYGGER_REDIS_URL") and store == "PostgreSQL"):
        parser.error("several replicas share PostgreSQL and Redis: set BROBYGGER_DATABASE_URL and "
                     "BROBYGGER_REDIS_URL (see README, 'Running in production')")
    model = ROOT / "models" / "brobygger.tar.gz"
    with tempfile.TemporaryDirectory(prefix="brobygger-load-") as tmp:
        config = StackConfig(ROOT, "127.0.0.1", free_port(), free_port(), model, Path(tmp), web_port=free_port())
        stack = Stack(config)
        ports = [config.rasa_port] + [free_port() for _ in range(args.replicas - 1)]
        try:
            print(f"Starting the action server and {args.replicas} Rasa server(s)…", flush=True)
            stack.start_actions()
            for i, port in enumerate(ports):
                stack.start_rasa("rasa" if i == 0 else f"rasa-{i + 1}", port)
            urls = [f"http://{config.host}:{port}" for port in ports]
            results, wall = run(urls, args.users, args.turns, args.time_limit, args.timeout)
        except StackError as exc:
            print(exc, file=sys.stderr)
            return 1
        finally:
            stack.stop()
    print(report(results, wall, args.users, args.turns, args.replicas, store))
    return 1 if results.errors else 0


if __name__ == "__main__":
    sys.exit(main())
