"""A terminal chat with the running stack, over Rasa's REST channel."""

from __future__ import annotations

import getpass
import json
import urllib.error
import urllib.request
from typing import Any


def send(rasa_url: str, sender: str, text: str, timeout: float = 60) -> list[dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8") or "[]")


def show(messages: list[dict[str, Any]]) -> None:
    for m in messages:
        if m.get("text"):
            print(f"\nBrobygger: {m['text']}")
        for b in m.get("buttons") or []:
            print(f"   → {b.get('title')}")
    print()


def loop(rasa_url: str, sender: str | None = None) -> None:
    sender = sender or f"terminal-{getpass.getuser()}"
    print("Skriv dit spørgsmål (Ctrl-D eller Ctrl-C afslutter).\n")
    while True:
        try:
            text = input("Dig: ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not text.strip():
            continue
        try:
            show(send(rasa_url, sender, text))
        except (urllib.error.URLError, OSError) as exc:
            print(f"(Brobygger svarer ikke: {exc})\n")
