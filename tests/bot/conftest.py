"""Running the Rasa CLI from `.venv-rasa` against the trained model (`make test` trains it first)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = ROOT / "models" / "brobygger.tar.gz"


def rasa_env(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2", "HOME": str(home)}


@pytest.fixture(scope="session")
def rasa_cli(tmp_path_factory: pytest.TempPathFactory):
    if not RASA.exists():
        pytest.skip("no .venv-rasa: `make test` creates it")
    home = tmp_path_factory.mktemp("rasa-home")

    def run(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(RASA), *args], cwd=ROOT, env=rasa_env(home), capture_output=True,
                              text=True, timeout=timeout)

    return run


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.skip("no trained model: `make test` (or `make train`) trains it")
    return MODEL
