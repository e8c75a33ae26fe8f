"""The on-disk store of text vectors that web workers share: a text is encoded once, by one
process, and every later encoder (another worker, a restart) reads it back instead."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from trellis.embedding.cache import VectorStore
from trellis.matching.encoders import CachedEncoder, get_encoder


class CountingEncoder:
    name = "counting"
    dim = 3

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.seen += texts
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def texts(n: int, prefix: str = "text") -> list[str]:
    return [f"{prefix} {i} data analyst" for i in range(n)]


def test_a_second_encoder_on_the_same_folder_reads_the_vectors_instead_of_encoding(tmp_path: Path) -> None:
    first, second = CountingEncoder(), CountingEncoder()
    a = CachedEncoder(first, VectorStore(tmp_path), persist_from=2).encode(texts(5))
    b = CachedEncoder(second, VectorStore(tmp_path), persist_from=2).encode(texts(5))
    assert len(first.seen) == 5 and second.seen == []
    assert np.array_equal(a, b)


def test_rows_are_the_cached_vectors_themselves_read_only_and_equal_to_encode(tmp_path: Path) -> None:
    encoder = CachedEncoder(CountingEncoder(), VectorStore(tmp_path), persist_from=2)
    rows = encoder.rows([*texts(3), texts(3)[0]])
    assert rows[0] is rows[3] and not any(r.flags.writeable for r in rows)
    assert np.array_equal(np.stack(rows), encoder.encode([*texts(3), texts(3)[0]]))
    again = CachedEncoder(CountingEncoder(), VectorStore(tmp_path), persist_from=2).rows(texts(3))  # read from disk
    assert np.array_equal(np.stack(again), np.stack(rows[:3])) and not again[0].flags.writeable
    assert encoder.encode([]).shape == (0, 3) and encoder.rows([]) == []


def test_small_batches_stay_in_memory_and_only_unseen_texts_are_encoded(tmp_path: Path) -> None:
    inner = CountingEncoder()
    encoder = CachedEncoder(inner, VectorStore(tmp_path), persist_from=10)
    encoder.encode(texts(3))
    assert list(tmp_path.glob("*.npz")) == []
    encoder.encode([*texts(3), *texts(12, "more")])
    assert len(inner.seen) == 15 and len(list(tmp_path.glob("*.npz"))) == 1


def test_many_shards_are_merged_into_one_that_still_holds_every_vector(tmp_path: Path) -> None:
    store = VectorStore(tmp_path)
    store.MERGE_FROM = 3
    encoder = CachedEncoder(CountingEncoder(), store, persist_from=1)
    for batch in range(5):
        encoder.encode(texts(2, f"batch {batch}"))
    assert len(list(tmp_path.glob("*.npz"))) < 3
    later = CountingEncoder()
    CachedEncoder(later, VectorStore(tmp_path), persist_from=1).encode(
        [t for b in range(5) for t in texts(2, f"batch {b}")])
    assert later.seen == []


def test_a_shard_that_vanished_is_skipped_and_a_foreign_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "broken.npz").write_bytes(b"not a numpy file")
    store = VectorStore(tmp_path)
    assert store.read_new() == {}
    CachedEncoder(CountingEncoder(), store, persist_from=1).encode(texts(2))
    assert len(VectorStore(tmp_path).read_new()) == 2


def test_only_minilm_keeps_its_vectors_on_disk(tmp_path: Path) -> None:
    assert get_encoder("hashing", data_dir=tmp_path).store is None


def test_minilm_keeps_its_vectors_under_the_data_folder(tmp_path: Path) -> None:
    from trellis.embedding import model_path

    if not model_path().exists():  # pragma: no cover - the ml extra is part of the CI install
        return
    store = get_encoder("minilm", data_dir=tmp_path).store
    assert store is not None and store.directory.parent == tmp_path / "embeddings" / "texts-minilm"
    assert store.directory.name.startswith("all-MiniLM-L6-v2")
