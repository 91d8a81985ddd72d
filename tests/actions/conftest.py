"""Tracker and dispatcher fixtures for the actions, over the bundled corpus with the fake model."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.base
from knowledge.search import Searcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(autouse=True)
def _searcher(bundled_searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> Searcher:
    monkeypatch.setattr(actions.base, "searcher", lambda: bundled_searcher)
    for module in ("actions.answers", "actions.coaching"):
        monkeypatch.setattr(f"{module}.searcher", lambda: bundled_searcher)
    return bundled_searcher


TrackerFactory = Callable[..., Tracker]


@pytest.fixture
def make_tracker() -> TrackerFactory:
    def make(text: str, intent: str = "ask_question", slots: dict[str, Any] | None = None,
             channel: str = "rest", events: list[dict[str, Any]] | None = None) -> Tracker:
        latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
        user_event = {"event": "user", "text": text, "parse_data": latest, "input_channel": channel}
        return Tracker(
            sender_id="test-user", slots={"language": "da", **(slots or {})}, latest_message=latest,
            events=[*(events or []), user_event], paused=False, followup_action=None, active_loop={},
            latest_action_name="action_listen",
        )

    return make


def run(action: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
    import asyncio

    return asyncio.run(action.run(dispatcher, tracker, domain))


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]
