"""The launcher's own logic: ports from the environment, the run's endpoints file, clear errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from stack.config import ROOT, StackConfig
from stack.processes import Stack, StackError, free_port, port_in_use, write_endpoints


def test_ports_come_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROBYGGER_RASA_PORT", "6005")
    monkeypatch.delenv("BROBYGGER_ACTION_PORT", raising=False)
    cfg = StackConfig.from_env()
    assert (cfg.rasa_port, cfg.action_port) == (6005, 5055)
    assert cfg.rasa_url == "http://127.0.0.1:6005"


@pytest.mark.parametrize("bad", ["abc", "0", "70000", "-1"])
def test_a_bad_port_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, bad: str):
    monkeypatch.setenv("BROBYGGER_RASA_PORT", bad)
    with pytest.raises(SystemExit, match="BROBYGGER_RASA_PORT"):
        StackConfig.from_env()


def test_the_endpoints_file_points_at_this_run(tmp_path: Path):
    cfg = StackConfig(ROOT, "127.0.0.1", 1234, 4321, tmp_path / "model.tar.gz", tmp_path)
    cfg.run_dir.mkdir(parents=True)
    written = yaml.safe_load(write_endpoints(cfg, {}).read_text(encoding="utf-8"))
    assert written["action_endpoint"]["url"] == "http://127.0.0.1:4321/webhook"
    assert written["action_endpoint"]["enable_selective_domain"] is False
    assert written["tracker_store"] == {"type": "rasa_addons.stores.SQLStore"}
    assert "lock_store" not in written  # one Rasa server: Rasa's in-memory locks


def test_a_redis_url_adds_the_shared_lock_store(tmp_path: Path):
    cfg = StackConfig(ROOT, "127.0.0.1", 1234, 4321, tmp_path / "model.tar.gz", tmp_path)
    cfg.run_dir.mkdir(parents=True)
    written = yaml.safe_load(write_endpoints(cfg, {"BROBYGGER_REDIS_URL": "redis://127.0.0.1:6390/0"})
                             .read_text(encoding="utf-8"))
    assert written["lock_store"] == {"type": "rasa_addons.stores.RedisLocks"}
    assert "6390" not in str(written)  # the address (and any password) stays in the environment


def test_a_missing_model_is_a_clear_error(tmp_path: Path):
    cfg = StackConfig(ROOT, "127.0.0.1", free_port(), free_port(), tmp_path / "none.tar.gz", tmp_path)
    with pytest.raises(StackError, match="make train"):
        Stack(cfg).start()


def test_a_busy_port_is_named(tmp_path: Path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert port_in_use("127.0.0.1", port)
        model = tmp_path / "model.tar.gz"
        model.write_bytes(b"x")
        cfg = replace(StackConfig(ROOT, "127.0.0.1", port, free_port(), model, tmp_path))
        with pytest.raises(StackError, match=f"port {port} is in use"):
            Stack(cfg).start()


def test_a_busy_web_port_is_named(tmp_path: Path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        model = tmp_path / "model.tar.gz"
        model.write_bytes(b"x")
        cfg = StackConfig(ROOT, "127.0.0.1", free_port(), free_port(), model, tmp_path, web_port=port)
        with pytest.raises(StackError, match=f"port {port} is in use.*BROBYGGER_WEB_PORT"):
            Stack(cfg).start()


def test_the_web_port_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROBYGGER_WEB_PORT", "8181")
    assert StackConfig.from_env().web_port == 8181
    monkeypatch.delenv("BROBYGGER_WEB_PORT")
    assert StackConfig.from_env().web_port == 8080


def test_one_component_alone_starts_without_the_others(tmp_path: Path):
    """`python -m stack run --only web`: no Rasa model needed, and only the web server runs."""
    cfg = StackConfig(ROOT, "127.0.0.1", free_port(), free_port(), tmp_path / "no-model.tar.gz", tmp_path,
                      web_port=free_port())
    stack = Stack(cfg)
    try:
        stack.start(only=("web",))
        assert list(stack.processes) == ["web"] and port_in_use(cfg.host, cfg.web_port)
        assert not port_in_use(cfg.host, cfg.rasa_port) and not port_in_use(cfg.host, cfg.action_port)
    finally:
        stack.stop()


def test_the_action_server_address_can_be_another_host(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("BROBYGGER_ACTION_URL", "http://actions.internal:5055/")
    cfg = StackConfig.from_env()
    assert cfg.action_url == "http://actions.internal:5055"
