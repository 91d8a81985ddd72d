"""The real web server (python -m web) on a free port, over the bundled corpus indexed with the fake model."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from stack.config import ROOT, StackConfig
from stack.processes import Stack, free_port


class Client:
    def __init__(self, base: str, data_dir: Path) -> None:
        self.base = base
        self.data_dir = data_dir

    def request(self, path: str, body: bytes | None = None, method: str | None = None,
                content_type: str = "application/json") -> tuple[int, str, str]:
        """(status, content type, body) of one request."""
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers={"Content-Type": content_type} if body is not None else {})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8", errors="replace")

    def get_json(self, path: str) -> tuple[int, Any]:
        status, ctype, text = self.request(path)
        assert ctype.startswith("application/json"), (status, ctype, text)
        return status, json.loads(text)

    def post_json(self, path: str, payload: Any) -> tuple[int, Any]:
        status, ctype, text = self.request(path, json.dumps(payload).encode("utf-8"), method="POST")
        assert ctype.startswith("application/json"), (status, ctype, text)
        return status, json.loads(text)


@pytest.fixture(scope="session")
def web(_prebuilt_fake_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    data_dir = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(_prebuilt_fake_data, data_dir)
    config = StackConfig(root=ROOT, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                         model=ROOT / "models" / "none.tar.gz", data_dir=data_dir, web_port=free_port())
    server = Stack(config, env={"BROBYGGER_MODEL": "fake-64", "BROBYGGER_DATABASE_URL": ""})
    config.log_dir.mkdir(parents=True, exist_ok=True)
    server.start_web()
    yield Client(config.web_url, data_dir)
    server.stop()
