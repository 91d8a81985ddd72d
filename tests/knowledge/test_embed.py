"""Embedders: the deterministic fake, the model setting, and the real bundled model (marked `model`)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embed import FakeEmbedder, SentenceTransformerEmbedder, default_embedder, resolve_model
from knowledge.settings import BUNDLED_MODEL

TEXTS = [
    "Ledere skal samarbejde på tværs af forvaltninger.",
    "Lederne samarbejder på tværs af forvaltningerne.",
    "Budgettet blev vedtaget af byrådet i september.",
]


def test_fake_embedder_gives_unit_float32_vectors():
    e = FakeEmbedder(32)
    v = e.encode(TEXTS)
    assert v.shape == (3, 32) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert e.model_id == "fake-32" and e.dimensions == 32


def test_fake_embedder_is_deterministic_across_instances():
    assert np.array_equal(FakeEmbedder().encode(TEXTS), FakeEmbedder().encode(TEXTS))
    assert np.array_equal(FakeEmbedder().encode(TEXTS[:1])[0], FakeEmbedder().encode(TEXTS)[0])


def test_fake_embedder_puts_texts_sharing_words_closer():
    v = FakeEmbedder(256).encode(TEXTS)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


def test_fake_embedder_counts_what_it_embeds():
    e = FakeEmbedder()
    e.encode(TEXTS)
    e.encode(TEXTS[:1])
    assert (e.calls, e.texts_embedded) == (2, 4)


def test_fake_embedder_handles_empty_text():
    v = FakeEmbedder().encode([""])
    assert v.shape == (1, 64) and not v.any()


@pytest.mark.parametrize("setting,dims", [("fake", 64), ("fake-64", 64), ("fake-16", 16)])
def test_default_embedder_fake_settings(setting, dims):
    e = default_embedder(setting)
    assert isinstance(e, FakeEmbedder) and e.dimensions == dims


def test_default_embedder_real_setting_is_lazy():
    e = default_embedder(BUNDLED_MODEL)
    assert isinstance(e, SentenceTransformerEmbedder)
    assert e.model_id == BUNDLED_MODEL
    assert e._model is None  # nothing is loaded until the first encode


def test_resolve_model_local_path_and_hub_name(tmp_path):
    assert resolve_model(str(tmp_path)) == str(tmp_path.resolve())
    assert resolve_model("some-org/some-model") == "some-org/some-model"


@pytest.mark.model
def test_bundled_model_is_installed_and_resolves_to_a_folder():
    from pathlib import Path

    assert Path(resolve_model(BUNDLED_MODEL)).is_dir()


@pytest.mark.model
def test_real_model_gives_unit_vectors_that_reflect_meaning(model_searcher):
    embedder = model_searcher.embedder
    v = embedder.encode(["The leader listens to the citizens.", "Managers should listen to citizens.",
                         "The recipe needs two eggs and flour."])
    assert v.shape == (3, embedder.dimensions) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


@pytest.mark.model  # imports torch and sentence-transformers: slow, so with the model tests
def test_an_unloadable_model_folder_raises_a_clear_model_load_error(tmp_path):
    from knowledge.embed import ModelLoadError

    broken = tmp_path / "not-a-model"
    broken.mkdir()
    with pytest.raises(ModelLoadError) as info:
        SentenceTransformerEmbedder(str(broken)).encode(["tekst"])
    assert "BROBYGGER_MODEL" in str(info.value) and str(broken) in str(info.value)
