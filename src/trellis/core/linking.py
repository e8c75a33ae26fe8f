"""Pure maths for linking free text to taxonomy concepts (skills, occupations).

A taxonomy is given as plain `Concept` rows (id, preferred label, alternative labels,
description, broader ids), so ESCO, O*NET and a company's own library all fit. Every label of a
concept is indexed; a concept scores the maximum over its labels. Scores from several signals
(exact alias, lexical, semantic; whole text and candidate spans) are fused linearly. The
model-specific parts (the encoder, the lexical vectoriser) live outside `core/`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

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


def most_specific(concepts: Sequence[Concept]) -> npt.NDArray[np.bool_]:
    """True for each concept that no other concept names as its broader one (a leaf of the
    hierarchy: "bakery shop manager" rather than the "shop manager" it narrows)."""
    broader = {b for concept in concepts for b in concept.broader}
    return np.array([concept.id not in broader for concept in concepts], dtype=np.bool_)


def max_per_concept(label_scores: FloatArray, starts: IntArray) -> FloatArray:
    """(queries x labels) -> (queries x concepts): each concept's best label."""
    if label_scores.ndim == 1:
        return np.maximum.reduceat(label_scores, starts)
    return np.maximum.reduceat(label_scores, starts, axis=1)


def ranked_in_groups(values: FloatArray, groups: IntArray) -> IntArray:
    """Positions of ``values`` group by group (group ``i`` holds ``values[groups[i]]`` up to the
    next group's start), best first within each: ``ranked_in_groups(v, g)[g]`` is each group's best."""
    sizes = np.diff(np.append(groups, len(values)))
    return np.lexsort((-values, np.repeat(np.arange(len(groups)), sizes))).astype(np.int64)


def best_two_per_group(values: FloatArray, groups: IntArray) -> tuple[FloatArray, FloatArray]:
    """The best and the second-best value of each group (as in `ranked_in_groups`); a group of
    one value has that value as its second too."""
    sizes = np.diff(np.append(groups, len(values)))
    ranked = values[ranked_in_groups(values, groups)]
    return ranked[groups].astype(np.float32), ranked[np.where(sizes > 1, groups + 1, groups)].astype(np.float32)


# English function words a skill phrase neither starts nor ends with ("for sales", "data and").
EDGE_WORDS = frozenset({
    "a", "an", "and", "or", "the", "of", "for", "with", "to", "in", "on", "at", "by", "as", "is", "are", "be", "from",
    "that", "this", "our", "your", "we", "you", "will", "who", "which", "into", "via", "per",
})


def candidate_spans(text: str, max_tokens: int = 4, max_spans: int = 400) -> list[Span]:
    """Every run of 1..max_tokens consecutive tokens (de-duplicated), shortest first, except runs
    that start or end with a function word (`EDGE_WORDS`): 42 % fewer spans on job-ad sentences
    and no loss in linking (BENCHMARKS.md, "Skill and title linking")."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    edge = [text[a:b].lower() in EDGE_WORDS for a, b in tokens]
    spans: list[Span] = []
    seen: set[str] = set()
    for size in range(1, max_tokens + 1):
        for first in range(len(tokens) - size + 1):
            if edge[first] or edge[first + size - 1]:
                continue
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


def exact_hits(table: LabelTable, texts: Sequence[str]) -> IntArray:
    """The concepts one of whose labels equals (after `normalise`) one of the texts, ascending."""
    hits = {c for text in texts for c in table.exact.get(normalise(text), ())}
    return np.array(sorted(hits), dtype=np.int64)


def top_k(scores: FloatArray, k: int) -> IntArray:
    """Indices of the k highest scores, best first (ties: lower index first)."""
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    order = np.lexsort((part, -scores[part]))
    return part[order].astype(np.int64)
