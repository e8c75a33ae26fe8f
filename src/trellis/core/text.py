"""A cheap, deterministic text encoder: hashed TF-IDF of words and word pairs, L2-normalised.
It is the fallback when no neural model is installed, the encoder the tests use, and the
naive baseline the benchmarks and the quality check compare against."""

from __future__ import annotations

import itertools
import re
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

TOKEN = re.compile(r"[a-z0-9][a-z0-9+#.]*")


def tokens(text: str) -> list[str]:
    words = [w.strip(".") for w in TOKEN.findall(text.lower())]
    words = [w for w in words if w]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class HashingEncoder:
    """``fit`` learns inverse document frequencies over a corpus (optional); ``encode`` returns
    unit rows of width ``dim``. Same input, same output, on every machine."""

    name = "hashing"

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim
        self.idf_: npt.NDArray[np.float32] = np.ones(dim, dtype=np.float32)

    def _bucket(self, token: str) -> int:
        return zlib.crc32(token.encode()) % self.dim

    def fit(self, texts: Sequence[str]) -> HashingEncoder:
        df = np.zeros(self.dim, dtype=np.float64)
        for text in texts:
            for b in {self._bucket(t) for t in tokens(text)}:
                df[b] += 1
        self.idf_ = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
        return self

    def sparse(self, texts: Sequence[str]) -> sp.csr_matrix:
        indptr, cols, vals = [0], [], []
        for text in texts:
            counts = Counter(self._bucket(t) for t in tokens(text))
            for b, c in sorted(counts.items()):
                cols.append(b)
                vals.append((1 + np.log(c)) * self.idf_[b])
            indptr.append(len(cols))
        m = sp.csr_matrix((np.asarray(vals, dtype=np.float32), np.asarray(cols, dtype=np.int32), indptr),
                          shape=(len(texts), self.dim))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        return sp.csr_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ m, dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.asarray(self.sparse(texts).toarray(), dtype=np.float32)
