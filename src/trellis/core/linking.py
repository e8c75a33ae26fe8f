"""Pure maths for linking free text to taxonomy concepts (skills, occupations).

A taxonomy is given as plain `Concept` rows (id, preferred label, alternative labels,
description, broader ids), so ESCO, O*NET and a company's own library all fit. Every label of a
concept is indexed; a concept scores the maximum over its labels. Scores from several signals
(exact alias, lexical, semantic; whole text and candidate spans) are fused linearly, and the
taxonomy's structure lends a little of a concept's score to its broader and narrower concepts.
The model-specific parts (the encoder, the lexical vectoriser) live outside `core/`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Concept:
    """One taxonomy concept: a skill or an occupation."""

    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    broader: tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    """A candidate mention: character offsets into the text and the text itself."""

    start: int
    end: int
    text: str


_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w+#]+")
_TOKEN = re.compile(r"[\w][\w+#.\-/]*[\w+#]|[\w]")


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for exact alias matching."""
    if not text.isascii():  # most labels are plain ASCII: skip the per-character work
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", text.lower())).strip()


@dataclass(frozen=True)
class LabelTable:
    """Every label of every concept, grouped by concept (concept ``i`` owns the labels
    ``starts[i]`` to ``starts[i+1]``); the preferred label comes first in each group."""

    concepts: tuple[Concept, ...]
    texts: tuple[str, ...]
    owner: IntArray
    starts: IntArray
    preferred: npt.NDArray[np.bool_]
    exact: dict[str, tuple[int, ...]] = field(repr=False)

    @classmethod
    def from_concepts(cls, concepts: Iterable[Concept]) -> LabelTable:
        items = tuple(concepts)
        texts: list[str] = []
        owner: list[int] = []
        starts: list[int] = []
        preferred: list[bool] = []
        exact: dict[str, set[int]] = {}
        for index, concept in enumerate(items):
            starts.append(len(texts))
            seen: set[str] = set()
            for position, label in enumerate((concept.label, *concept.alt_labels)):
                key = normalise(label)
                if not key or key in seen:
                    continue
                seen.add(key)
                texts.append(label.strip())
                owner.append(index)
                preferred.append(position == 0)
                exact.setdefault(key, set()).add(index)
            if len(texts) == starts[-1]:  # a concept without a usable label keeps its raw label
                texts.append(concept.label)
                owner.append(index)
                preferred.append(True)
        return cls(
            concepts=items,
            texts=tuple(texts),
            owner=np.asarray(owner, dtype=np.int64),
            starts=np.asarray(starts, dtype=np.int64),
            preferred=np.asarray(preferred, dtype=np.bool_),
            exact={key: tuple(sorted(ids)) for key, ids in exact.items()},
        )

    def __len__(self) -> int:
        return len(self.concepts)


def max_per_concept(label_scores: FloatArray, starts: IntArray) -> FloatArray:
    """(queries x labels) -> (queries x concepts): each concept's best label."""
    if label_scores.ndim == 1:
        return np.maximum.reduceat(label_scores, starts)
    return np.maximum.reduceat(label_scores, starts, axis=1)


def fit_alias_projection(sources: FloatArray, targets: FloatArray, alpha: float = 1.0) -> FloatArray:
    """A linear map W (d x d) such that ``sources @ W`` is close to ``targets``, regularised
    toward the identity: argmin ||S W - T||^2 + alpha ||W - I||^2 (closed form, seconds).

    Trained on a taxonomy's own (alternative label, preferred label) pairs, it teaches the
    embedding space the taxonomy's synonyms without any external data."""
    dim = sources.shape[1]
    gram = sources.T @ sources + alpha * np.eye(dim, dtype=np.float64)
    rhs = sources.T @ targets + alpha * np.eye(dim, dtype=np.float64)
    return np.linalg.solve(gram, rhs).astype(np.float32)


def project(vectors: FloatArray, weights: FloatArray | None) -> FloatArray:
    """Apply a projection and re-normalise the rows (no projection: unchanged)."""
    if weights is None or vectors.shape[0] == 0:
        return vectors
    out = (vectors @ weights).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: FloatArray = (out / norms).astype(np.float32)
    return normalised


def candidate_spans(text: str, max_tokens: int = 4, max_spans: int = 400) -> list[Span]:
    """Every run of 1..max_tokens consecutive tokens (de-duplicated), shortest first."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    spans: list[Span] = []
    seen: set[str] = set()
    for size in range(1, max_tokens + 1):
        for first in range(len(tokens) - size + 1):
            start, end = tokens[first][0], tokens[first + size - 1][1]
            piece = text[start:end]
            key = piece.lower()
            if key in seen:
                continue
            seen.add(key)
            spans.append(Span(start, end, piece))
            if len(spans) >= max_spans:
                return spans
    return spans


def exact_matches(table: LabelTable, spans: Sequence[str]) -> FloatArray:
    """1.0 for every concept one of whose labels equals (after `normalise`) a span."""
    out = np.zeros(len(table), dtype=np.float32)
    for span in spans:
        hits = table.exact.get(normalise(span))
        if hits:
            out[list(hits)] = 1.0
    return out


def structure_matrix(concepts: Sequence[Concept]) -> sparse.csr_matrix:
    """Symmetric concept x concept adjacency of the broader/narrower links (row-normalised
    is not wanted: a neighbour lends its best score, see `spread`)."""
    index = {concept.id: position for position, concept in enumerate(concepts)}
    rows: list[int] = []
    cols: list[int] = []
    for position, concept in enumerate(concepts):
        for parent in concept.broader:
            other = index.get(parent)
            if other is not None and other != position:
                rows += [position, other]
                cols += [other, position]
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(concepts), len(concepts)))
    matrix.data[:] = 1.0
    return matrix


def spread(scores: FloatArray, adjacency: sparse.csr_matrix, share: float) -> FloatArray:
    """Each concept keeps its score and gains ``share`` x the best score among its broader and
    narrower neighbours (scores are clipped at 0 first)."""
    if share == 0 or adjacency.nnz == 0:
        return scores
    positive = np.clip(scores, 0.0, None)
    lent = np.asarray(adjacency.multiply(positive[np.newaxis, :]).tocsr().max(axis=1).toarray()).ravel()
    spread_scores: FloatArray = (scores + share * lent).astype(np.float32)
    return spread_scores


def top_k(scores: FloatArray, k: int) -> IntArray:
    """Indices of the k highest scores, best first (ties: lower index first)."""
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    order = np.lexsort((part, -scores[part]))
    return part[order].astype(np.int64)
