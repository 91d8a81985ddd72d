"""Where the stack's pieces are and which ports they use (environment, else defaults)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _port(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"{name}={raw!r} is not a port number (1-65535).")
    return int(raw)


@dataclass(frozen=True)
class StackConfig:
    root: Path
    host: str
    rasa_port: int
    action_port: int
    model: Path
    data_dir: Path
    web_port: int = 8080

    @classmethod
    def from_env(cls) -> "StackConfig":
        data_dir = Path(os.environ.get("BROBYGGER_DATA_DIR") or ROOT / "var").resolve()
        return cls(
            root=ROOT,
            host=os.environ.get("BROBYGGER_HOST", "127.0.0.1"),
            rasa_port=_port("BROBYGGER_RASA_PORT", 5005),
            action_port=_port("BROBYGGER_ACTION_PORT", 5055),
            model=Path(os.environ.get("BROBYGGER_RASA_MODEL") or ROOT / "models" / "brobygger.tar.gz"),
            data_dir=data_dir,
            web_port=_port("BROBYGGER_WEB_PORT", 8080),
        )

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    @property
    def action_url(self) -> str:
        """Where Rasa finds the action server: BROBYGGER_ACTION_URL when it runs elsewhere, else this host."""
        return os.environ.get("BROBYGGER_ACTION_URL", "").strip().rstrip("/") or f"http://{self.host}:{self.action_port}"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "rasa"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "log"

    @property
    def rasa_bin(self) -> Path:
        return self.root / ".venv-rasa" / "bin" / "rasa"

    @property
    def python(self) -> Path:
        return self.root / ".venv" / "bin" / "python"
