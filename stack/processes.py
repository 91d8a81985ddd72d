"""Start the action server, the Rasa server and the web server, wait until they answer, stop them cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Mapping

import yaml

from rasa_addons.channels.settings import CHANNEL_CLASSES, ChannelConfigError, enabled_channels
from records.settings import redis_url
from stack.config import StackConfig
from stack.security import RasaLaunch, SecurityConfigError, rasa_launch

QUIET = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "TOKENIZERS_PARALLELISM": "false",
         "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}


COMPONENTS = ("actions", "rasa", "web")


class StackError(RuntimeError):
    """The stack could not start; the message says why and what to do."""


@dataclass
class Stack:
    config: StackConfig
    env: dict[str, str] = field(default_factory=dict)  # extra environment for both processes
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, warm: bool = True, only: Collection[str] = COMPONENTS) -> None:
        """Start the components (all three by default; one alone for a deployment that spreads them out)."""
        cfg = self.config
        if "rasa" in only and not cfg.model.exists():
            raise StackError(f"No trained Rasa model at {cfg.model}: run `make train` (or `make run`, which trains).")
        for component, name, port in (("rasa", "Rasa", cfg.rasa_port), ("actions", "The action server", cfg.action_port),
                                      ("web", "The web server", cfg.web_port)):
            if component in only and port_in_use(cfg.host, port):
                raise StackError(f"{name}'s port {port} is in use: is Brobygger already running? Stop it, or choose "
                                 "other ports with BROBYGGER_RASA_PORT / BROBYGGER_ACTION_PORT / BROBYGGER_WEB_PORT.")
        try:
            if "actions" in only:
                self.start_actions(warm=warm)
            if "rasa" in only:
                self.start_rasa()
            if "web" in only:
                self.start_web()
        except BaseException:
            self.stop()
            raise

    def start_actions(self, warm: bool = True) -> None:
        cfg = self.config
        self._spawn("actions", [str(cfg.python), "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(cfg.action_port)], {"SANIC_HOST": cfg.host})
        self.wait("actions", f"{cfg.action_url}/health", timeout=90)
        if warm:
            warm_up(cfg)

    def start_rasa(self, name: str = "rasa", port: int | None = None) -> None:
        """A Rasa server; a second one (another name and port) is a replica over the same stores."""
        cfg = self.config
        port = port or cfg.rasa_port
        cfg.run_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env}
        endpoints = write_endpoints(cfg, env)
        credentials = write_credentials(cfg, env)
        secure = secure_launch(cfg, env)  # stack.security: API token, CORS, request size
        self._spawn(name, [*secure.command, "run", "--model", str(cfg.model), "--interface", cfg.host,
                           "--port", str(port), "--credentials", str(credentials),
                           "--endpoints", str(endpoints), *secure.args],
                    {"PYTHONPATH": str(cfg.root), "HOME": os.environ.get("HOME") or str(cfg.run_dir), **secure.env})
        self.wait(name, f"http://{cfg.host}:{port}/", timeout=240)

    def start_web(self) -> None:
        """The chat page, source views and the quotes API; its socket.io client talks to Rasa's port."""
        cfg = self.config
        self._spawn("web", [str(cfg.python), "-m", "web", "--host", cfg.host, "--port", str(cfg.web_port),
                            "--rasa-port", str(cfg.rasa_port)], {})
        self.wait("web", f"{cfg.web_url}/health", timeout=60)

    def _spawn(self, name: str, argv: list[str], extra_env: dict[str, str]) -> None:
        cfg = self.config
        env = {**os.environ, **QUIET, **self.env, **extra_env, "BROBYGGER_DATA_DIR": str(cfg.data_dir)}
        cfg.log_dir.mkdir(parents=True, exist_ok=True)
        log = (cfg.log_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(argv, cwd=cfg.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, start_new_session=True)

    def wait(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        proc = self.processes[name]
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StackError(f"The {name} process stopped while starting (exit {proc.returncode}).\n"
                                 f"Last lines of {self.log(name)}:\n{tail(self.log(name))}")
            if http_ok(url):
                return
            time.sleep(0.5)
        raise StackError(f"The {name} process did not answer at {url} within {timeout:.0f} s.\n"
                         f"Last lines of {self.log(name)}:\n{tail(self.log(name))}")

    def log(self, name: str) -> Path:
        return self.config.log_dir / f"{name}.log"

    def stop(self, name: str | None = None, timeout: float = 15) -> None:
        for key in [name] if name else list(self.processes):
            proc = self.processes.pop(key, None)
            if proc is None or proc.poll() is not None:
                continue
            _signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(5)

    def kill(self, name: str) -> None:
        """Kill a process at once (SIGKILL), as a crash would: no clean shutdown."""
        proc = self.processes.pop(name)
        _signal_group(proc, signal.SIGKILL)
        proc.wait(10)

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def secure_launch(cfg: StackConfig, env: Mapping[str, str]) -> RasaLaunch:
    try:
        return rasa_launch(cfg, env)
    except SecurityConfigError as exc:
        raise StackError(str(exc)) from None


def write_endpoints(cfg: StackConfig, env: Mapping[str, str]) -> Path:
    """endpoints.yml with this run's action server address, and the Redis lock store when one is configured."""
    endpoints = yaml.safe_load((cfg.root / "endpoints.yml").read_text(encoding="utf-8")) or {}
    endpoints.setdefault("action_endpoint", {})["url"] = f"{cfg.action_url}/webhook"
    if redis_url(env):
        endpoints["lock_store"] = {"type": "rasa_addons.stores.RedisLocks"}
    out = cfg.run_dir / "endpoints.yml"
    out.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return out


def write_credentials(cfg: StackConfig, env: dict[str, str]) -> Path:
    """credentials.yml without the environment-configured channels (Slack, Teams) whose variables are unset."""
    try:
        enabled = enabled_channels(env)
    except ChannelConfigError as exc:
        raise StackError(str(exc)) from None
    credentials = yaml.safe_load((cfg.root / "credentials.yml").read_text(encoding="utf-8")) or {}
    kept = {name: value for name, value in credentials.items() if name not in CHANNEL_CLASSES or name in enabled}
    out = cfg.run_dir / "credentials.yml"
    out.write_text(yaml.safe_dump(kept, sort_keys=False), encoding="utf-8")
    return out


def warm_up(cfg: StackConfig) -> None:
    """Load the model and the index in the action server before the first user waits for them."""
    domain = yaml.safe_load((cfg.root / "domain.yml").read_text(encoding="utf-8"))
    body = {
        "next_action": "action_answer", "sender_id": "warm-up", "version": "3.6.21", "domain": domain,
        "tracker": {"sender_id": "warm-up", "slots": {"language": "da"}, "events": [], "paused": False,
                    "followup_action": None, "active_loop": {}, "latest_action_name": None,
                    "latest_message": {"text": "ledelse på tværs", "intent": {"name": "ask_question"}, "entities": []}},
    }
    request = urllib.request.Request(f"{cfg.action_url}/webhook", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=180).read()
    except (urllib.error.URLError, OSError):
        pass  # the first real question then loads it


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
