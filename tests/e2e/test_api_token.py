"""Rasa's HTTP API with BROBYGGER_RASA_API_TOKEN set: served only with the token, and the token
never on Rasa's command line. A Rasa server of its own (no action server needed)."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from stack.config import ROOT, StackConfig
from stack.processes import Stack, free_port

MODEL = ROOT / "models" / "brobygger.tar.gz"
TOKEN = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists() or not (ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        pytest.skip("no trained model or .venv-rasa: `make test` prepares both")
    config = StackConfig(root=ROOT, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                         model=MODEL, data_dir=tmp_path_factory.mktemp("api-stack"), web_port=free_port())
    config.log_dir.mkdir(parents=True, exist_ok=True)
    config.run_dir.mkdir(parents=True, exist_ok=True)
    rasa = Stack(config, env={"BROBYGGER_RASA_API_TOKEN": TOKEN})
    try:
        rasa.start_rasa()
        yield rasa
    finally:
        rasa.stop()


def call(url: str, body: dict | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@pytest.mark.parametrize("path, body", [("/conversations/api-test/tracker", None), ("/model/parse", {"text": "hej"})])
def test_the_api_needs_the_token(api: Stack, path: str, body: dict | None):
    base = api.config.rasa_url + path
    assert call(base, body)[0] == 401
    assert call(base + "?token=" + "x" * 43, body)[0] == 401
    status, text = call(base + "?token=" + TOKEN, body)
    assert status == 200, text[:300]
    assert "sender_id" in text or "intent" in text


def test_the_token_is_not_on_the_command_line(api: Stack):
    pid = api.processes["rasa"].pid
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    assert "--enable-api" in cmdline and "rasa_addons.serve" in cmdline
    assert TOKEN not in cmdline and "--auth-token" not in cmdline
