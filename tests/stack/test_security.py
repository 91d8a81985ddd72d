"""How the launcher starts Rasa: API off without a token, the token never on the command line,
CORS limited to the page's origins, Sanic's request size from the environment, bad settings named."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack.config import ROOT, StackConfig
from stack.processes import StackError, secure_launch
from stack.security import rasa_launch

TOKEN = "k3Y-for-the-tests-0123456789abcdef"


def config(tmp_path: Path, host: str = "127.0.0.1", web_port: int = 8080) -> StackConfig:
    return StackConfig(ROOT, host, 5005, 5055, tmp_path / "model.tar.gz", tmp_path, web_port=web_port)


def test_by_default_the_api_is_off_and_only_the_page_may_call(tmp_path: Path):
    launch = rasa_launch(config(tmp_path, web_port=8181), {})
    assert "--enable-api" not in launch.args and "--auth-token" not in launch.args
    cors = launch.args[launch.args.index("--cors") + 1:]
    assert set(cors) == {"http://127.0.0.1:8181", "http://localhost:8181", "http://[::1]:8181"}
    assert "*" not in cors
    assert launch.env["BROBYGGER_CORS_ORIGINS"] == ",".join(cors)  # the socket.io channel checks the same list


def test_rasa_runs_through_the_wrapper_that_keeps_the_token_off_the_command_line(tmp_path: Path):
    launch = rasa_launch(config(tmp_path), {"BROBYGGER_RASA_API_TOKEN": TOKEN})
    assert launch.command == [str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "rasa_addons.serve"]
    assert "--enable-api" in launch.args
    assert TOKEN not in " ".join(launch.command + launch.args) and TOKEN not in launch.env.values()


def test_the_request_size_limit_goes_to_sanic(tmp_path: Path):
    launch = rasa_launch(config(tmp_path), {"BROBYGGER_MAX_REQUEST_BYTES": "65536"})
    assert launch.env["SANIC_REQUEST_MAX_SIZE"] == launch.env["SANIC_WEBSOCKET_MAX_SIZE"] == "65536"
    assert int(rasa_launch(config(tmp_path), {}).env["SANIC_REQUEST_MAX_SIZE"]) == 256 * 1024


@pytest.mark.parametrize("env, name", [
    ({"BROBYGGER_RASA_API_TOKEN": "short"}, "BROBYGGER_RASA_API_TOKEN"),
    ({"BROBYGGER_CORS_ORIGINS": "brobygger.dk"}, "BROBYGGER_CORS_ORIGINS"),
    ({"BROBYGGER_MAX_REQUEST_BYTES": "lots"}, "BROBYGGER_MAX_REQUEST_BYTES"),
    ({"BROBYGGER_RATE_LIMIT": "fast"}, "BROBYGGER_RATE_LIMIT"),
])
def test_a_bad_setting_stops_the_launcher_naming_it(tmp_path: Path, env: dict[str, str], name: str):
    with pytest.raises(StackError, match=name):
        secure_launch(config(tmp_path), env)


def test_no_secret_is_read_from_a_committed_file():
    """Secrets come from the environment only: the committed configuration names none."""
    import re

    for name in ("credentials.yml", "endpoints.yml", "config.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not re.search(r"(?i)(token|secret|password|api_key)\s*:\s*\S", text), name
