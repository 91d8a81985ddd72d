"""One cached searcher per process: load (or build when missing) the index, lazily, once."""

from __future__ import annotations

import sys
import threading
from typing import Callable

from knowledge import corpus, index
from knowledge.embed import Embedder, default_embedder
from knowledge.passage import Passage
from knowledge.search import Searcher, Weights
from knowledge.settings import Settings, get_settings

_lock = threading.Lock()
_searcher: Searcher | None = None


def build_index(
    settings: Settings, embedder: Embedder | None = None, rebuild: bool = False, progress: bool = False,
    report: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
    passages: list[Passage] | None = None,
) -> index.Index:
    """Build or update the index; `passages` saves reading the corpus again when the caller has them."""
    embedder = embedder or default_embedder(settings.model)
    if passages is None:
        _docs, passages = corpus.load_passages(settings)
    return index.build(
        settings.index_dir, passages, embedder, settings.ann_threshold, settings.batch_size,
        progress=progress, report=report, rebuild=rebuild, gloss=settings.gloss,
    )


def open_index(settings: Settings, embedder: Embedder, build_if_missing: bool = True, repair: bool = True) -> index.Index:
    """The index on disk, checked against the corpus; built when missing, updated when documents changed.
    A damaged index is built again when `repair` (the running bot: nobody is there to type a command),
    else it is an error that names the rebuild command (the CLI: a person sees it and decides)."""
    _docs, passages = corpus.load_passages(settings)
    expected = index.corpus_hash(passages)
    if build_if_missing and not index.exists(settings.index_dir):
        print("No index yet: building it (once).", file=sys.stderr)
        return build_index(settings, embedder, passages=passages)
    try:
        loaded = index.load(settings.index_dir, embedder.model_id)
    except index.IndexDamaged as exc:
        if not (build_if_missing and repair):
            raise
        print(f"{exc.problem} Building it again now.", file=sys.stderr)
        return build_index(settings, embedder, rebuild=True, passages=passages)
    if index.views_of(loaded.manifest) != index.views_for(settings.gloss):
        print("The index was built with another BROBYGGER_GLOSS setting: building it again.", file=sys.stderr)
        return build_index(settings, embedder, rebuild=True, passages=passages)
    if loaded.manifest.get("corpus_hash") != expected:
        print("The documents changed since the index was built: updating it.", file=sys.stderr)
        return build_index(settings, embedder, passages=passages)
    return loaded


def make_searcher(
    settings: Settings, embedder: Embedder | None = None, weights: Weights | None = None, repair: bool = True,
) -> Searcher:
    embedder = embedder or default_embedder(settings.model)
    idx = open_index(settings, embedder, repair=repair)
    from knowledge.calibration import load_weights

    return Searcher(idx, embedder, weights or load_weights(), settings.max_query_chars)


def get_searcher(repair: bool = True) -> Searcher:
    """The process-wide searcher, created on first use (`repair`: see `open_index`)."""
    global _searcher
    with _lock:
        if _searcher is None:
            _searcher = make_searcher(get_settings(), repair=repair)
        return _searcher
