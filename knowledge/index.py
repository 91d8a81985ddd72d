"""The index: a directory with a JSON manifest, passages as JSONL, vectors, a faiss index and BM25 arrays.

No pickle anywhere. Building reuses the vectors of unchanged passages (by content
hash) from the index already on disk, so only new or changed text is embedded.
A manifest that does not match the configuration, or files that do not match the
manifest, are a clear error that names the rebuild command.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import numpy as np

from knowledge import __version__
from knowledge.embed import Embedder
from knowledge.gloss import english_gloss
from knowledge.lexical import BM25, Analyzer, build_lexicon, word_lists_fingerprint
from knowledge.passage import Passage, content_hash, strip_markup
from knowledge.settings import REBUILD_COMMAND

FORMAT_VERSION = 3
TEXT_VIEWS = ("text",)
GLOSSED_VIEWS = ("text", "english gloss")  # see knowledge/gloss.py
# Bump when analysis or passage-making changes in a way the passages themselves do not show.
PIPELINE_VERSION = 1
MANIFEST = "manifest.json"
HNSW_M = 32
HNSW_EF_SEARCH = 512  # faiss's default (16) finds too few true neighbours at 100k passages


class IndexProblem(RuntimeError):
    """The index is missing, corrupted or does not match the configuration."""


class IndexDamaged(IndexProblem):
    """Files of the index are missing, unreadable or disagree: building it again from the corpus repairs it."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"{problem} Run `{REBUILD_COMMAND}` to build it again.")




@dataclass
class Index:
    directory: Path
    manifest: dict[str, Any]
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: Any
    bm25: BM25
    analyzer: Analyzer
    bm25_meta: BM25

    @cached_property
    def by_id(self) -> dict[str, Passage]:
        return {p.id: p for p in self.passages}


def corpus_hash(passages: list[Passage]) -> str:
    h = hashlib.sha256()
    h.update(f"pipeline {PIPELINE_VERSION}".encode())
    h.update(word_lists_fingerprint().encode())
    for p in passages:
        h.update(json.dumps(p.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8"))
        h.update(p.lexical_text.encode("utf-8"))
        h.update(p.meta_text.encode("utf-8"))
        h.update(p.embedding_text.encode("utf-8"))
    return h.hexdigest()[:20]


def build(
    directory: Path,
    passages: list[Passage],
    embedder: Embedder,
    ann_threshold: int,
    batch_size: int = 32,
    progress: bool = False,
    report: Callable[[str], None] = lambda _m: None,
    rebuild: bool = False,
    gloss: bool = False,
) -> Index:
    """Build (or update) the index in `directory`, embedding only what it does not have yet.
    With `gloss`, each passage is embedded as written and as an English gloss (`knowledge.gloss`),
    and its vector is the two side by side."""
    import faiss

    started = time.perf_counter()
    views = views_for(gloss)
    lexicon = build_lexicon(p.lexical_text + "\n" + p.meta_text for p in passages)
    analyzer = Analyzer(lexicon)
    texts = [p.embedding_text for p in passages]
    # the gloss leaves out the section heading: repeated over many passages, it drowns a short gloss
    glosses = [english_gloss(strip_markup(p.lexical_text), analyzer) for p in passages] if gloss else []
    hashes = [content_hash(t + "\x1f" + g) for t, g in zip(texts, glosses)] if gloss else [p.content_hash for p in passages]
    cached = {} if rebuild else _cached_vectors(directory, embedder.model_id, views)
    missing = [i for i, h in enumerate(hashes) if h not in cached]
    report(f"{len(passages)} passages, {len(passages) - len(missing)} unchanged, {len(missing)} to embed")
    dims = embedder.dimensions * len(views)
    vectors = np.zeros((len(passages), dims), dtype=np.float32)
    for i, h in enumerate(hashes):
        if h in cached:
            vectors[i] = cached[h]
    if missing:
        new = embedder.encode([texts[i] for i in missing], batch_size=batch_size, progress=progress)
        if gloss:
            glossed = embedder.encode([glosses[i] for i in missing], batch_size=batch_size, progress=progress)
            new = side_by_side(new, glossed)
        vectors[missing] = new
    bm25 = BM25.build([analyzer.terms(p.lexical_text) for p in passages])
    bm25_meta = BM25.build([analyzer.terms(p.meta_text) for p in passages])
    kind = "hnsw" if len(passages) > ann_threshold else "flat"
    if kind == "hnsw":
        fi = faiss.IndexHNSWFlat(dims, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        fi.hnsw.efConstruction = 80
        fi.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        fi = faiss.IndexFlatIP(dims)
    if len(passages):
        fi.add(vectors)

    tmp = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    np.save(tmp / "vectors.npy", vectors)
    (tmp / "hashes.json").write_text(json.dumps(hashes), encoding="utf-8")
    faiss.write_index(fi, str(tmp / "faiss.index"))
    bm25.save(tmp)
    bm25_meta.save(tmp, prefix="bm25_meta")
    (tmp / "lexicon.json").write_text(json.dumps(sorted(lexicon), ensure_ascii=False), encoding="utf-8")
    manifest = {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "model": embedder.model_id,
        "dimensions": dims,
        "views": list(views),
        "normalized": True,
        "faiss": kind,
        "passages": len(passages),
        "corpus_hash": corpus_hash(passages),
        "chunking": {"unit": "paragraph; lists whole and by item; questions and answers linked"},
        "embedded_now": len(missing),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        os.replace(directory, old)
    os.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)
    report(f"index written to {directory} ({kind}, {len(passages)} passages, {manifest['build_seconds']} s)")
    return Index(directory, manifest, passages, vectors, fi, bm25, analyzer, bm25_meta)


def side_by_side(text: np.ndarray, glossed: np.ndarray) -> np.ndarray:
    """Two unit vectors as one unit vector: its inner product with another such pair is the mean
    of the two views' similarities, so exact and approximate faiss search work unchanged."""
    return (np.hstack([text, glossed]) / np.sqrt(2.0)).astype(np.float32)


def views_for(gloss: bool) -> tuple[str, ...]:
    """The views an index holds with the gloss setting on or off."""
    return GLOSSED_VIEWS if gloss else TEXT_VIEWS


def views_of(manifest: dict[str, Any]) -> tuple[str, ...]:
    return tuple(manifest.get("views", TEXT_VIEWS))


def _cached_vectors(directory: Path, model_id: str, views: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Vectors of the index on disk by content hash, if it was built with the same model and views."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if (manifest.get("model") != model_id or manifest.get("format_version") != FORMAT_VERSION
                or views_of(manifest) != views):
            return {}
        hashes = json.loads((directory / "hashes.json").read_text(encoding="utf-8"))
        vectors = np.load(directory / "vectors.npy", allow_pickle=False)
        if len(hashes) != len(vectors):
            return {}
        return dict(zip(hashes, vectors))
    except (OSError, ValueError, KeyError):
        return {}


def exists(directory: Path) -> bool:
    return (directory / MANIFEST).exists()


def load(directory: Path, model_id: str, expected_corpus_hash: str | None = None) -> Index:
    """Load an index, checking it against the configuration; errors name the rebuild command."""
    import faiss

    fix = f"Run `{REBUILD_COMMAND}` to build it again."
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexProblem(f"No index at {directory}. Run `brobygger index` to build it.") from exc
    except (OSError, ValueError) as exc:
        raise IndexDamaged(f"The index manifest at {directory} is unreadable ({exc}).") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexProblem(
            f"The index at {directory} has format {manifest.get('format_version')}, this version reads {FORMAT_VERSION}. {fix}"
        )
    if manifest.get("model") != model_id:
        raise IndexProblem(
            f"The index at {directory} was built with the model {manifest.get('model')!r}, "
            f"but the configured model is {model_id!r}. {fix}"
        )
    if expected_corpus_hash is not None and manifest.get("corpus_hash") != expected_corpus_hash:
        raise IndexProblem(
            f"The index at {directory} was built from other documents than those now in the corpus. "
            "Run `brobygger index` to update it."
        )
    try:
        passages = [
            Passage.from_dict(json.loads(line))
            for line in (directory / "passages.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        vectors = np.load(directory / "vectors.npy", allow_pickle=False)
        fi = faiss.read_index(str(directory / "faiss.index"))
        if manifest.get("faiss") == "hnsw":
            faiss.downcast_index(fi).hnsw.efSearch = HNSW_EF_SEARCH
        bm25 = BM25.load(directory)
        bm25_meta = BM25.load(directory, prefix="bm25_meta")
        lexicon = frozenset(json.loads((directory / "lexicon.json").read_text(encoding="utf-8")))
    except Exception as exc:  # numpy, faiss and json raise many kinds on damaged files
        raise IndexDamaged(f"The index at {directory} is damaged ({type(exc).__name__}: {exc}).") from exc
    n = manifest.get("passages")
    if not (len(passages) == n == vectors.shape[0] == fi.ntotal == bm25.n_docs == bm25_meta.n_docs) or (
        n and vectors.shape[1] != manifest.get("dimensions")
    ):
        raise IndexDamaged(f"The index at {directory} is inconsistent (its files disagree on the passages).")
    return Index(directory, manifest, passages, vectors, fi, bm25, Analyzer(lexicon), bm25_meta)
