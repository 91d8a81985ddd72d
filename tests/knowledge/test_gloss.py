"""The English gloss: what it turns Danish into, how the index holds it, and what it buys with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge import engine, index
from knowledge.embed import FakeEmbedder
from knowledge.gloss import english_for_stems, english_gloss
from knowledge.lexical import Analyzer, build_lexicon, stem
from knowledge.passage import Passage
from knowledge.settings import Settings

ANALYZER = Analyzer(build_lexicon(["samarbejde ledelse borgere kommune"]))


def test_danish_words_become_the_glossarys_english_and_stopwords_go():
    gloss = english_gloss("Borgerne oplever, at samarbejdet og ledelsen ikke hænger sammen.", ANALYZER)
    words = gloss.split()
    assert {"citizens", "collaborate", "leader"} <= set(words)
    assert not {"at", "og", "ikke"} & set(words)


def test_names_and_unknown_words_stay_as_written():
    words = english_gloss("Morsø Kommune og Xyzzyvej", ANALYZER).split()
    assert words[0] == "Morsø" and words[-1] == "Xyzzyvej" and "municipality" in words and "og" not in words


def test_a_compound_is_glossed_by_its_parts_when_all_are_known():
    assert stem("ledelsessamarbejde") not in english_for_stems()
    assert english_gloss("ledelsessamarbejde", ANALYZER).split() == english_gloss("ledelse samarbejde", ANALYZER).split()
    assert "collaborate" in english_gloss("ledelsessamarbejde", ANALYZER)


def test_the_reverse_glossary_prefers_entries_whose_first_translation_the_word_is():
    # "borgere" is the first translation of "citizens" and a later one of "residents", "users" …
    senses = english_for_stems()[stem("borgere")].split()
    assert "citizens" in senses and "residents" not in senses
    assert english_for_stems()[stem("beboere")] == "residents"  # only ever a later translation


def _passages() -> list[Passage]:
    texts = ["Samarbejde på tværs kræver tillid.", "Borgerne skal opleve sammenhæng.", "Budgettet er stramt i år."]
    return [Passage(id=f"d:{i}", doc_id="d", source="d.txt", title="D", section="S", text=t, order=i) for i, t in enumerate(texts)]


def test_a_glossed_index_holds_both_views_side_by_side_as_unit_vectors(tmp_path: Path):
    e = FakeEmbedder(32)
    built = index.build(tmp_path / "ix", _passages(), e, ann_threshold=1000, gloss=True)
    assert built.manifest["views"] == ["text", "english gloss"] and built.manifest["dimensions"] == 64
    assert built.vectors.shape == (3, 64) and e.texts_embedded == 6
    assert np.allclose(np.linalg.norm(built.vectors, axis=1), 1.0, atol=1e-5)
    first = e.encode([_passages()[0].embedding_text])[0]
    assert np.allclose(built.vectors[0, :32] * np.sqrt(2), first, atol=1e-5)
    loaded = index.load(tmp_path / "ix", e.model_id)
    assert index.views_of(loaded.manifest) == index.GLOSSED_VIEWS


def test_a_text_only_index_keeps_the_models_dimensions(tmp_path: Path):
    built = index.build(tmp_path / "ix", _passages(), FakeEmbedder(32), ann_threshold=1000, gloss=False)
    assert built.manifest["views"] == ["text"] and built.vectors.shape == (3, 32)


def test_changing_the_gloss_setting_rebuilds_the_index_with_a_line_that_says_why(settings: Settings, capsys, monkeypatch):
    e = FakeEmbedder(64)
    engine.open_index(settings, e)
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["views"] == ["text", "english gloss"]
    capsys.readouterr()
    off = Settings(data_dir=settings.data_dir, model=settings.model, gloss=False)
    reopened = engine.open_index(off, e)
    assert "BROBYGGER_GLOSS" in capsys.readouterr().err
    assert index.views_of(reopened.manifest) == index.TEXT_VIEWS and reopened.vectors.shape[1] == 64
    monkeypatch.setenv("BROBYGGER_GLOSS", "maybe")
    from knowledge.settings import from_env

    with pytest.raises(SystemExit, match="BROBYGGER_GLOSS"):
        from_env()


@pytest.mark.model
def test_with_the_real_model_the_gloss_finds_danish_paraphrases_the_text_alone_misses(model_searcher):
    """Dense retrieval alone (no lexical side) on the bundled calibration questions: the glossed
    view must place the gold passage in the top 5 clearly more often than the text view."""
    from knowledge.calibration import DEFAULT_SET
    from knowledge.evaluate import contains_gold, load_items
    from knowledge.search import query_language

    s = model_searcher
    items = [i for i in load_items(DEFAULT_SET) if i.get("gold")]
    half = s.embedder.dimensions
    assert s.index.vectors.shape[1] == 2 * half
    hits = {"text": 0, "both": 0}
    for item in items:
        question = str(item["question"])
        q = s.query_vector(question, query_language(question))
        gold = [k for k, p in enumerate(s.index.passages) if contains_gold(p.text, list(item["gold"]))]
        for view, scores in (("text", s.index.vectors[:, :half] @ q[:half]), ("both", s.index.vectors @ q)):
            top = np.argsort(-scores)[:5]
            hits[view] += bool(set(top.tolist()) & set(gold))
    text, both = hits["text"] / len(items), hits["both"] / len(items)
    assert both >= text + 0.2, (text, both)
