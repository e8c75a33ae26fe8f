"""`ConceptLinker`: free text -> ranked taxonomy concepts (skills or occupations).

Signals, fused linearly per concept (each concept scores the best of its labels):
  * semantic: cosine between the text (and each candidate span of it) and every preferred and
    alternative label (optionally through a projection fitted on the taxonomy's own
    alternative -> preferred label pairs; off by default: no gain on the dev sets);
  * lexical: character n-gram TF-IDF cosine between the spans and the labels (typos, "py");
  * exact: a span equal to a label after normalisation;
  * structure: a concept gains a share of its best broader/narrower neighbour's score (off by
    default: no gain on the dev sets).
The encoder is injected (anything with ``name`` and ``encode(texts) -> float32 rows``), so tests
can use a tiny deterministic one and the label vectors are cached on disk per taxonomy and model.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from trellis.core.linking import (
    Concept,
    FloatArray,
    LabelTable,
    candidate_spans,
    exact_matches,
    fit_alias_projection,
    max_per_concept,
    normalise,
    project,
    spread,
    structure_matrix,
    top_k,
)
from trellis.embedding.cache import TextEncoder, cache_key, cached_encode

_CHUNK = 64


@dataclass(frozen=True)
class LinkerParams:
    """The few knobs of the fusion (defaults chosen on the development sets, see BENCHMARKS.md)."""

    spans: bool = True  # score candidate spans of the text as well as the whole text
    max_span_tokens: int = 4
    w_text: float = 1.0  # whole text vs labels (semantic)
    w_span: float = 1.0  # best span vs labels (semantic)
    w_lexical: float = 0.1  # char n-gram TF-IDF (best span, or whole text)
    w_exact: float = 0.1  # a span equals a label
    structure_share: float = 0.0  # lent by the best broader/narrower neighbour (tried: no gain)
    projection_alpha: float | None = None  # alias projection ridge; None: off (tried: no gain)


@dataclass(frozen=True)
class Link:
    index: int  # position of the concept in the linker's concept list
    id: str
    label: str
    score: float


class ConceptLinker:
    """Estimator-style: ``ConceptLinker(encoder, params).fit(concepts)`` then ``link(texts, k)``."""

    def __init__(
        self,
        encoder: TextEncoder,
        params: LinkerParams | None = None,
        *,
        cache_dir: Path | None = None,
        namespace: tuple[str, str, str] = ("adhoc", "0", "labels"),
    ) -> None:
        self.encoder = encoder
        self.params = params or LinkerParams()
        self.cache_dir = cache_dir
        self.namespace = namespace

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, concepts: Sequence[Concept]) -> ConceptLinker:
        table = LabelTable.from_concepts(concepts)
        source, version, kind = self.namespace
        key = cache_key(source=source, version=version, kind=kind, texts=table.texts, model=self.encoder.name)
        label_vectors = cached_encode(self.encoder, table.texts, cache_dir=self.cache_dir, key=key)
        self.table_ = table
        self.projection_ = self._fit_projection(table, label_vectors)
        # queries and labels go through the same map, so both live in the adapted space
        self.label_vectors_ = project(label_vectors, self.projection_)
        self.vectoriser_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, dtype=np.float32)
        self.label_lexical_ = self.vectoriser_.fit_transform(table.texts).T.tocsr()
        self.adjacency_ = structure_matrix(table.concepts)
        self._build_completion(table)
        return self

    def _fit_projection(self, table: LabelTable, vectors: FloatArray) -> FloatArray | None:
        alpha = self.params.projection_alpha
        alternative = ~table.preferred
        if alpha is None or alternative.sum() < 2 * vectors.shape[1]:
            return None
        preferred_rows = table.starts[table.owner[alternative]]
        return fit_alias_projection(vectors[alternative], vectors[preferred_rows], alpha)

    # -- linking -------------------------------------------------------------------------------
    def score(self, texts: Sequence[str]) -> FloatArray:
        """(texts x concepts) fused scores; the texts and all their spans are encoded in one batch."""
        p = self.params
        span_lists = [[s.text for s in candidate_spans(t, p.max_span_tokens)] if p.spans else [] for t in texts]
        flat = [*texts, *(s for spans in span_lists for s in spans)]
        vectors = project(self.encoder.encode(flat), self.projection_)
        out = np.empty((len(texts), len(self.table_)), dtype=np.float32)
        for first in range(0, len(texts), _CHUNK):  # whole texts: one matrix product per chunk
            block = vectors[first : min(first + _CHUNK, len(texts))] @ self.label_vectors_.T
            out[first : first + _CHUNK] = p.w_text * max_per_concept(block, self.table_.starts)
        if not p.spans and p.w_lexical:
            for first in range(0, len(texts), _CHUNK):
                lexical = (self.vectoriser_.transform(texts[first : first + _CHUNK]) @ self.label_lexical_).toarray()
                out[first : first + _CHUNK] += p.w_lexical * max_per_concept(lexical, self.table_.starts)
        offset = len(texts)
        for row, text in enumerate(texts):
            spans = span_lists[row]
            if spans:
                block = vectors[offset : offset + len(spans)]
                offset += len(spans)
                best_label = (block @ self.label_vectors_.T).max(axis=0)
                out[row] += p.w_span * max_per_concept(best_label, self.table_.starts)
                if p.w_lexical:
                    lexical = self.vectoriser_.transform(spans) @ self.label_lexical_
                    out[row] += p.w_lexical * _sparse_concept_max(lexical, self.table_.starts)
            if p.w_exact:
                out[row] += p.w_exact * exact_matches(self.table_, [*spans, text])
            if p.structure_share:
                out[row] = spread(out[row], self.adjacency_, p.structure_share)
        return out

    def link(self, texts: Sequence[str], k: int = 10) -> list[list[Link]]:
        """The k best concepts for each text, best first."""
        concepts = self.table_.concepts
        results = []
        for scores in self.score(texts):
            best = top_k(scores, k)
            results.append([Link(int(i), concepts[i].id, concepts[i].label, float(scores[i])) for i in best])
        return results

    # -- autocomplete --------------------------------------------------------------------------
    def _build_completion(self, table: LabelTable) -> None:
        entries: list[tuple[str, int, int]] = []  # (key, concept, label rank: 0 preferred)
        for label, owner, preferred in zip(table.texts, table.owner.tolist(), table.preferred.tolist(), strict=True):
            key = normalise(label)
            words = key.split(" ")
            for position in range(len(words)):  # every word start: "stak" finds "manage stakeholders"
                entries.append((" ".join(words[position:]), owner, (0 if preferred else 2) + (position > 0)))
        entries.sort()
        self.completion_keys_ = [entry[0] for entry in entries]
        self.completion_entries_ = entries

    def complete(self, prefix: str, k: int = 10) -> list[Link]:
        """Concepts with a label (or a word of a label) starting with ``prefix``: a label equal to
        the prefix first, then preferred labels and label starts, then shorter labels. Answers in
        well under a millisecond on ESCO (bisect over a sorted key list)."""
        key = normalise(prefix)
        if not key:
            return []
        lo = bisect.bisect_left(self.completion_keys_, key)
        hi = bisect.bisect_left(self.completion_keys_, key + "\uffff", lo)
        best: dict[int, tuple[int, int, int]] = {}
        for entry_key, owner, rank in self.completion_entries_[lo : min(hi, lo + 2000)]:
            candidate = (entry_key != key, rank, len(entry_key))
            if owner not in best or candidate < best[owner]:
                best[owner] = candidate
        ranked = sorted(best.items(), key=lambda item: (item[1], self.table_.concepts[item[0]].label))[:k]
        concepts = self.table_.concepts
        return [Link(i, concepts[i].id, concepts[i].label, 1.0 / (1 + whole + rank)) for i, (whole, rank, _) in ranked]


def _sparse_concept_max(matrix: sparse.spmatrix, starts: np.ndarray) -> FloatArray:
    dense = np.asarray(matrix.max(axis=0).todense()).ravel().astype(np.float32)
    return max_per_concept(dense, starts)
