"""`python -m stack run` starts Brobygger and waits; `python -m stack chat` also opens a terminal chat."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from rasa_addons.channels.settings import SLACK_CLASS, TEAMS_CLASS, enabled_channels
from stack.chat import loop
from stack.config import StackConfig
from stack.processes import COMPONENTS, Stack, StackError


DAY = 86_400.0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def channel_lines(config: StackConfig, env: dict[str, str]) -> str:
    """Where Slack and Teams send their requests, for the channels that are configured."""
    enabled = enabled_channels(env)
    lines = [f"  {name:<10} {config.rasa_url}/webhooks/{path}/webhook  (behind your public https address)\n"
             for cls, name, path in ((SLACK_CLASS, "Slack:", "slack"), (TEAMS_CLASS, "Teams:", "botframework"))
             if cls in enabled]
    return "".join(lines)


def running_lines(config: StackConfig, only: tuple[str, ...]) -> str:
    """Where to reach what this launcher started."""
    lines = ["\nBrobygger is running."]
    if "web" in only:
        lines.append(f"  web page:  {config.web_url}/   (quotes API: {config.web_url}/api/openapi.json)\n")
    if "rasa" in only:
        lines.append(f"  REST:      POST {config.rasa_url}/webhooks/rest/webhook  {{\"sender\": \"…\", \"message\": \"…\"}}\n"
                     f"  socket.io: {config.rasa_url}/socket.io\n{channel_lines(config, dict(os.environ))}")
    if "actions" in only:
        lines.append(f"  actions:   {config.action_url}/webhook\n")
    lines.append(f"  logs:      {config.log_dir}/\n  chat in a terminal: make chat.   Stop: Ctrl-C.\n")
    return "\n".join([lines[0], "".join(lines[1:])])


def purge_old() -> str:
    """Delete conversations and records past the retention period (BROBYGGER_RETENTION_DAYS); what to print.
    Raises ValueError for a retention period that is not a number of days."""
    from records.db import RecordsUnavailable
    from records.privacy import purge
    from records.settings import retention_days

    days = retention_days()
    try:
        removed = purge(days)
    except RecordsUnavailable as exc:
        return f"Note: conversations older than {days} days were not deleted: {exc}."
    if removed.nothing:
        return ""
    return (f"Deleted {removed.conversations} conversations and {removed.feedback + removed.unanswered} records "
            f"older than {days} days (BROBYGGER_RETENTION_DAYS).")


def _say(line: str) -> None:
    if line:
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    parser.add_argument("mode", choices=["run", "chat"])
    parser.add_argument("--only", choices=COMPONENTS, action="append",
                        help="start only this component (repeatable): for running them on separate hosts or as "
                             "several Rasa replicas; see README, 'Running in production'")
    args = parser.parse_args(argv)
    only = tuple(args.only or COMPONENTS)
    config = StackConfig.from_env()
    stack = Stack(config)
    try:
        _say(purge_old())
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # Ctrl-C, kill, a closed terminal
        signal.signal(sig, _interrupt)
    names = {"actions": "the action server", "rasa": "Rasa", "web": "the web page"}
    print(f"Starting {', '.join(names[c] for c in only)} (the first start takes a minute)…", flush=True)
    try:
        stack.start(only=only)
    except StackError as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    try:
        print(running_lines(config, only), flush=True)
        if args.mode == "chat":
            loop(config.rasa_url)
        else:
            next_purge = time.monotonic() + DAY
            while all(p.poll() is None for p in stack.processes.values()):
                time.sleep(1)
                if time.monotonic() >= next_purge:  # the retention period holds while it runs, too
                    _say(purge_old())
                    next_purge += DAY
            print("A process stopped; see the logs. Shutting down.", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        pass
    finally:
        print("Stopping…", flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
