"""On-disk caches of vectors. Label vectors live in the index of `trellis.embedding.index`, under
a key (`cache_key`) that names the taxonomy (source, version, a hash of the exact texts) and the
model, so a new release, an edited library or another model never reuses stale vectors. Free
texts (the matching index's profile and posting texts): a ``VectorStore`` of shards addressed by
each text's content."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
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


class VectorStore:
    """Vectors of free texts by content (sha1 of the text), in shard files under one folder per
    model. Every process reads every shard; one process at a time encodes and writes (a lock
    file), so web workers that start together encode each text once between them, and a restart
    encodes only texts it has never seen. Shards are written atomically and merged into one once
    there are many; a shard that vanished meanwhile (merged by another process) is skipped."""

    MERGE_FROM = 16

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._seen: set[str] = set()

    def lock(self) -> AbstractContextManager[object]:
        from filelock import FileLock  # comes with the ml extra, like the model it guards

        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.directory / ".lock"))

    def read_new(self, *, dtype: type[np.floating] = np.float32) -> dict[bytes, np.ndarray]:
        """Vectors from the shards this store has not read yet, as ``dtype`` (one array per shard)."""
        found: dict[bytes, np.ndarray] = {}
        for path in sorted(self.directory.glob("*.npz")) if self.directory.is_dir() else []:
            if path.name in self._seen:
                continue
            try:
                with np.load(path) as shard:
                    keys, vectors = shard["keys"], shard["vectors"]
            except (FileNotFoundError, OSError, ValueError, KeyError):
                continue  # merged away by another process, or not ours
            found.update(zip((bytes(k) for k in keys), vectors.astype(dtype, copy=False), strict=True))
            self._seen.add(path.name)
        return found

    def write(self, keys: Sequence[bytes], vectors: np.ndarray, *, everything: dict[bytes, np.ndarray]) -> None:
        """Add a shard (call with the lock held); merge all shards into one when there are many.
        ``everything`` is every vector this process knows, a superset of the shards on disk."""
        self.directory.mkdir(parents=True, exist_ok=True)
        shards = sorted(self.directory.glob("*.npz"))
        if len(shards) + 1 >= self.MERGE_FROM:
            keys, vectors = list(everything), np.stack(list(everything.values()))
        name = f"{time.time_ns()}-{os.getpid()}.npz"
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".npz.tmp")
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), -1),
                     vectors=np.asarray(vectors, dtype=np.float32))
        os.replace(tmp, self.directory / name)
        self._seen.add(name)
        if len(shards) + 1 >= self.MERGE_FROM:
            for path in shards:
                path.unlink(missing_ok=True)
