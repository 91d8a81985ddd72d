"""Fixtures. Everything writes under pytest's tmp dirs; nothing touches the repo's var/ or /work/shared.

Fast tests use the FakeEmbedder over a tiny Danish corpus or the bundled corpus. Tests marked
`model` share one session-wide searcher over the bundled corpus with the real bundled model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import corpus, engine, index
from knowledge.embed import FakeEmbedder
from knowledge.search import Searcher, Weights
from knowledge.settings import Settings, get_settings
from tests.support import passages_from_files, write_mini_corpus

FAKE_MODEL = "fake-64"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test sees its own data dir and the fake model; cached settings and searchers are reset."""
    for name in ("BROBYGGER_ANN_THRESHOLD", "BROBYGGER_TOP_K", "BROBYGGER_MAX_QUERY_CHARS", "BROBYGGER_DATABASE_URL",
                 "BROBYGGER_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BROBYGGER_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("BROBYGGER_MODEL", FAKE_MODEL)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(engine, "_searcher", None)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# ------------------------------------------------------------------ settings and embedders


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a fresh data dir (also what get_settings() returns in this test)."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("BROBYGGER_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    s = Settings(data_dir=data_dir, model=FAKE_MODEL)
    assert get_settings().data_dir == data_dir.resolve()
    return s


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder(64)


# ------------------------------------------------------------------ the tiny corpus


@pytest.fixture
def mini_files(tmp_path: Path) -> list[Path]:
    return write_mini_corpus(tmp_path / "mini")


@pytest.fixture
def mini_passages(mini_files: list[Path]):
    return passages_from_files(mini_files)


@pytest.fixture
def mini_index(tmp_path: Path, mini_passages, fake_embedder: FakeEmbedder) -> index.Index:
    return index.build(tmp_path / "mini-index", mini_passages, fake_embedder, ann_threshold=10_000)


@pytest.fixture
def mini_searcher(mini_index: index.Index, fake_embedder: FakeEmbedder) -> Searcher:
    return Searcher(mini_index, fake_embedder, Weights())


# ------------------------------------------------------------------ the bundled corpus, fake model


@pytest.fixture(scope="session")
def bundled_passages(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The bundled corpus' passages (an immutable tuple of frozen passages)."""
    empty = Settings(data_dir=tmp_path_factory.mktemp("no-own-documents"))
    _docs, passages = corpus.load_passages(empty)
    return tuple(passages)


@pytest.fixture(scope="session")
def _prebuilt_fake_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the bundled corpus indexed by the fake model. Only ever read or copied."""
    data_dir = tmp_path_factory.mktemp("prebuilt") / "data"
    engine.build_index(Settings(data_dir=data_dir, model=FAKE_MODEL), FakeEmbedder(64), report=lambda _m: None)
    return data_dir


@pytest.fixture
def bundled_searcher(_prebuilt_fake_data: Path, fake_embedder: FakeEmbedder) -> Searcher:
    """A fresh searcher (freshly loaded index) over the bundled corpus with the fake model."""
    idx = index.load(_prebuilt_fake_data / "index", fake_embedder.model_id)
    return Searcher(idx, fake_embedder, Weights())


@pytest.fixture
def fake_data_dir(tmp_path: Path, _prebuilt_fake_data: Path) -> Path:
    """A private copy of a data dir whose index (fake-64 model) is already built."""
    target = tmp_path / "cli-data"
    shutil.copytree(_prebuilt_fake_data, target)
    return target


# ------------------------------------------------------------------ the real bundled model


@pytest.fixture(scope="session")
def model_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("model-data"))


@pytest.fixture(scope="session")
def model_searcher(model_settings: Settings) -> Searcher:
    """One searcher over the bundled corpus with the real bundled model, built once per session.

    Built through knowledge.engine (with the calibrated weights, as the app does) into a tmp dir.
    """
    from knowledge.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    engine.build_index(model_settings, embedder, report=lambda _m: None)
    return engine.make_searcher(model_settings, embedder)
