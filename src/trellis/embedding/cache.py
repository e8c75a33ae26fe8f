"""On-disk cache of label vectors: ``<data_dir>/embeddings/<key>.npy``, where the key names the
taxonomy (source, version, a hash of the exact texts) and the model, so a new release, an edited
library or another model never reuses stale vectors."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class TextEncoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def content_hash(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def cache_key(*, source: str, version: str, kind: str, texts: Sequence[str], model: str) -> str:
    raw = f"{source}-{version}-{kind}-{content_hash(texts)}-{model}"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", raw)


def cached_encode(encoder: TextEncoder, texts: Sequence[str], *, cache_dir: Path | None, key: str) -> np.ndarray:
    """Vectors for ``texts``, read from ``cache_dir/key.npy`` when present, else computed and
    written atomically (a crash never leaves a half file). ``cache_dir=None`` disables caching."""
    path = None if cache_dir is None else Path(cache_dir) / f"{key}.npy"
    if path is not None and path.exists():
        cached: np.ndarray = np.load(path)
        if cached.shape[0] == len(texts):
            return cached
    vectors = encoder.encode(texts)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, vectors)
        os.replace(tmp, path)
    return vectors
