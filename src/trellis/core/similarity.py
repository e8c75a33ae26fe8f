"""Content similarity between roles, facet by facet, on numpy / scipy sparse matrices.

A *facet* is one view of every role as a row vector: skills weighted by importance × level,
knowledge, technology, words of the tasks, words of the titles, ... Each facet is weighted
(TF-IDF or BM25 so that what every role shares counts little), its rows are L2-normalised, and
the cosine between rows is that facet's similarity. Two structural signals join them: how deep
two roles share a place in the code hierarchy (SOC, ISCO) and how close their job zones are.
:class:`RoleSimilarity` blends the lot with a few weights and ranks the most similar roles.

Pure: standard library, numpy and scipy only."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

FloatArray: TypeAlias = NDArray[np.float32]
Matrix: TypeAlias = Any  # a scipy sparse matrix or a numpy array, rows are roles

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "other",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "these",
        "they",
        "this",
        "to",
        "use",
        "used",
        "using",
        "with",
        "within",
        "without",
        "all",
        "any",
        "well",
        "may",
        "more",
        "via",
    }
)


def _f32(values: Any) -> FloatArray:
    return np.asarray(values, dtype=np.float32)


def tokens(text: str, *, bigrams: bool = False) -> list[str]:
    """Lower-case word tokens without stop words, optionally followed by adjacent-word bigrams."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS]
    if bigrams:
        words += [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return words


def bag_of_words(texts: Sequence[str], *, bigrams: bool = False, min_df: int = 1) -> sp.csr_matrix:
    """Term counts per text (rows) over the terms seen in at least ``min_df`` texts."""
    docs = [tokens(t, bigrams=bigrams) for t in texts]
    df: dict[str, int] = {}
    for doc in docs:
        for term in set(doc):
            df[term] = df.get(term, 0) + 1
    vocab = {t: i for i, t in enumerate(sorted(t for t, n in df.items() if n >= min_df))}
    rows: list[int] = []
    cols: list[int] = []
    for r, doc in enumerate(docs):
        for term in doc:
            c = vocab.get(term)
            if c is not None:
                rows.append(r)
                cols.append(c)
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(vocab)), dtype=np.float32)


def idf(matrix: Matrix) -> FloatArray:
    """Smoothed inverse document frequency per column: ln((1 + n) / (1 + df)) + 1."""
    m = sp.csr_matrix(matrix)
    n = m.shape[0]
    df = np.bincount(m.indices[m.data != 0], minlength=m.shape[1]).astype(np.float64)
    return _f32(np.log((1.0 + n) / (1.0 + df)) + 1.0)


def tfidf(matrix: Matrix, *, sublinear: bool = True) -> sp.csr_matrix:
    """TF-IDF weighting of a non-negative matrix (rows are roles): (1 + ln tf) × idf when sublinear."""
    m = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    m.eliminate_zeros()
    if sublinear:
        m.data = 1.0 + np.log(np.maximum(m.data, 1e-12))
        m.data = np.maximum(m.data, 0.0)
    return sp.csr_matrix(m @ sp.diags(idf(m)))


def bm25(matrix: Matrix, *, k1: float = 1.2, b: float = 0.75) -> sp.csr_matrix:
    """BM25 weighting (Okapi saturation and length normalisation) of a count matrix."""
    m = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    m.eliminate_zeros()
    lengths = np.asarray(m.sum(axis=1)).ravel()
    avg = float(lengths.mean()) if lengths.size and lengths.mean() > 0 else 1.0
    row_len = np.repeat(lengths, np.diff(m.indptr))
    tf = m.data
    m.data = (tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * row_len / avg))).astype(np.float32)
    return sp.csr_matrix(m @ sp.diags(idf(m)))


def center_columns(matrix: Matrix) -> FloatArray:
    """Dense copy with each column's mean over the non-empty rows subtracted (empty rows stay 0).

    Centring removes what every role shares, so the cosine compares each role's *distinctive*
    profile (for O*NET ratings the raw cosine of any two occupations is about 0.9)."""
    dense = (matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)).astype(np.float32)
    rated = np.abs(dense).sum(axis=1) > 0
    if rated.any():
        dense[rated] -= dense[rated].mean(axis=0)
    return dense


def normalise_rows(matrix: Matrix) -> Matrix:
    """Rows scaled to unit L2 norm (all-zero rows stay zero)."""
    if sp.issparse(matrix):
        m = sp.csr_matrix(matrix, dtype=np.float32)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ m)
    dense = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return dense / norms


def cosine(matrix: Matrix) -> FloatArray:
    """Dense role × role cosine similarity of the rows."""
    m = normalise_rows(matrix)
    product = m @ m.T
    out = product.toarray() if sp.issparse(product) else np.asarray(product)
    return out.astype(np.float32)


def hierarchy_proximity(paths: Sequence[Sequence[str]]) -> FloatArray:
    """Depth of the deepest shared ancestor over the deeper of the two paths, in 0..1.

    ``paths[i]`` lists role i's place from the top, e.g. SOC 15-1252.00 →
    ``["15", "15-1", "15-125", "15-1252", "15-1252.00"]``. Empty paths share nothing."""
    keys: dict[tuple[int, str], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for r, path in enumerate(paths):
        for depth, key in enumerate(path):
            rows.append(r)
            cols.append(keys.setdefault((depth, key), len(keys)))
    indicator = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(paths), max(len(keys), 1))
    )
    shared = (indicator @ indicator.T).toarray().astype(np.float32)
    lengths = np.array([len(p) for p in paths], dtype=np.float32)
    deeper = np.maximum(lengths[:, None], lengths[None, :])
    deeper[deeper == 0] = 1.0
    return _f32(shared / deeper)


def ordinal_proximity(values: Sequence[float | None], span: float) -> FloatArray:
    """1 − |a − b| / span for ordinal values such as job zones (1..5, span 4); 0.5 when unknown."""
    v = np.array([np.nan if x is None else float(x) for x in values], dtype=np.float32)
    out = 1.0 - np.abs(v[:, None] - v[None, :]) / span
    return _f32(np.nan_to_num(np.clip(out, 0.0, 1.0), nan=0.5))


def standardise_rows(similarity: FloatArray) -> FloatArray:
    """Each row as z-scores of its off-diagonal entries (the diagonal is scored the same way).

    Facets differ in scale (every pair of O*NET rating profiles has a cosine near 0.9, task words
    rarely pass 0.3); on per-query z-scores a weight means the same thing for every facet."""
    s = np.asarray(similarity, dtype=np.float32)
    n = s.shape[0]
    if n < 2:
        return np.zeros_like(s)
    diagonal = np.diag(s).astype(np.float64)
    total = s.sum(axis=1, dtype=np.float64) - diagonal
    squares = np.einsum("ij,ij->i", s, s, dtype=np.float64) - diagonal**2
    mu = total / (n - 1)
    sd = np.sqrt(np.maximum(squares / (n - 1) - mu**2, 0.0))
    sd[sd < 1e-9] = 1.0
    return _f32((s - mu[:, None]) / sd[:, None])


@dataclass
class RoleSimilarity:
    """Blend per-facet similarity matrices with weights and rank each role's nearest roles.

    ``weights`` maps a facet name to its weight; facets absent from ``fit`` are ignored. With
    ``standardise`` (the default) each facet is first turned into per-role z-scores
    (:func:`standardise_rows`), so a blended score reads "standard deviations above this role's
    average similarity"; without it the blend is a weighted mean of the raw similarities. Either
    way the blend is divided by the sum of the weights used."""

    weights: Mapping[str, float] = field(default_factory=dict)
    standardise: bool = True

    def fit(self, similarities: Mapping[str, FloatArray]) -> RoleSimilarity:
        used = {name: w for name, w in self.weights.items() if name in similarities and w > 0}
        if not used:
            raise ValueError("no facet with a positive weight to blend")
        n = next(iter(similarities.values())).shape[0]
        blend = np.zeros((n, n), dtype=np.float32)
        for name, weight in used.items():
            facet = similarities[name].astype(np.float32)
            if self.standardise:
                facet = standardise_rows(facet)
            blend += np.float32(weight) * facet
        blend /= np.float32(sum(used.values()))
        self.used_weights_ = used
        self.similarity_ = blend
        return self

    def related(self, index: int, k: int) -> list[tuple[int, float]]:
        """The ``k`` most similar other roles of role ``index``, best first, as (index, score)."""
        return self.top_k(k)[index]

    def top_k(self, k: int) -> list[list[tuple[int, float]]]:
        """For every role, the ``k`` most similar other roles (ties broken by index)."""
        sim = self.similarity_.copy()
        np.fill_diagonal(sim, -np.inf)
        n = sim.shape[0]
        k = max(0, min(k, n - 1))
        if k == 0:
            return [[] for _ in range(n)]
        part = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        out: list[list[tuple[int, float]]] = []
        for i in range(n):
            cand = part[i]
            order = np.lexsort((cand, -sim[i, cand]))
            out.append([(int(cand[j]), float(sim[i, cand[j]])) for j in order])
        return out
