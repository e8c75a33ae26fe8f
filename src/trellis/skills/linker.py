"""`ConceptLinker`: free text -> ranked taxonomy concepts (skills or occupations).

Two stages per text:
  1. candidates: the text's nearest labels in the label vector index (`trellis.embedding.index`,
     memory-mapped, inverted file) and its nearest labels by character n-grams, plus every
     concept one of whose labels a candidate span (a run of 1-4 words) equals; with
     ``span_queries`` each span also looks up its own nearest labels (what skills did before:
     ~22 queries per sentence for the same quality);
  2. re-ranking of the candidate concepts, fusing linearly:
     * semantic: cosine(whole text, label) over every label of each candidate, and the best
       cosine(span, label) over every span and every label of each candidate (`exact_spans`;
       otherwise only the scores the index found, and a concept no span found gets the lowest
       kept score);
     * exact: a span equal to a label after normalisation;
     * lexical: character 3-4-gram TF-IDF cosine of the best span, for the best candidates only;
     * specific (titles): a bonus for a concept no other concept narrows.
A concept scores the best of its labels. Span vectors come from one pass of the encoder over the
sentence, each span pooling its contextual token vectors (``span_vectors="context"``), or from
encoding every span on its own (``"separate"``, many times slower; what earlier versions did).
Each result keeps its evidence: the span that scored best for it.

The encoder is injected (anything with ``name`` and ``encode(texts) -> float32 rows``; one with
``encode_tokens`` can pool spans in context), so tests use a tiny deterministic one."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from trellis.core.linking import (
    Concept,
    FloatArray,
    IntArray,
    LabelTable,
    Span,
    best_two_per_group,
    candidate_spans,
    exact_hits,
    most_specific,
    normalise,
    ranked_in_groups,
    top_k,
)
from trellis.core.vectors import IvfLayout
from trellis.embedding.cache import TextEncoder, cache_key
from trellis.embedding.index import Progress, label_index
from trellis.skills.lexical import CharNgrams


@dataclass(frozen=True)
class LinkerParams:
    """The few knobs of the fusion (chosen by cross-validation over the development splits, see
    BENCHMARKS.md "Skill and title linking")."""

    spans: bool = True  # score candidate spans of the text as well as the whole text
    max_span_tokens: int = 4
    span_vectors: str = "context"  # "context": pooled from one pass over the text; "separate"
    w_text: float = 1.0  # whole text vs labels (semantic)
    w_span: float = 1.0  # best span vs labels (semantic)
    exact_spans: bool = True  # every span against every label of every candidate (else only the index's hits)
    w_lexical: float = 0.2  # char n-gram TF-IDF (best span, or whole text)
    w_exact: float = 0.2  # a span equals a label
    w_second: float = 0.0  # whole text vs the concept's second-best label (several labels agree)
    w_description: float = 0.0  # whole text vs the concept's description (its own vector index)
    w_specific: float = 0.0  # a concept no other concept narrows (`core.linking.most_specific`)
    candidates: int = 16  # labels retrieved per query (text or span) for re-ranking
    per_cluster: int = 16  # of which at most this many from one cluster of the index
    rerank_lexical: int = 50  # concepts, best first, that the lexical signal re-orders
    lexical_candidates: int = 0  # labels retrieved per text by character n-grams (titles)
    probes: int = 32  # clusters of the label index searched per query
    span_queries: bool = True  # spans look up their own nearest labels (else they only re-score: needs exact_spans)
    text_candidates: int = 0  # labels retrieved for the whole text (0: `candidates`)

    def __post_init__(self) -> None:
        if self.spans and not self.span_queries and not self.exact_spans:
            raise ValueError("spans that do not query the index score only with exact_spans=True")


@dataclass(frozen=True)
class Link:
    index: int  # position of the concept in the linker's concept list
    id: str
    label: str
    score: float
    evidence: str = ""  # the part of the text that scored best for this concept
    start: int = -1  # its character offsets in the text (-1: the whole text)
    end: int = -1


@dataclass(frozen=True)
class Ranked:
    """One text's candidate concepts with their fused scores and best span (-1: whole text)."""

    concepts: IntArray
    scores: FloatArray
    best_span: IntArray
    spans: tuple[Span, ...]


def _label_rows(firsts: IntArray, sizes: IntArray) -> tuple[IntArray, IntArray]:
    """Every label row of the given concepts, concept after concept (concept ``i`` owns
    ``sizes[i]`` rows from ``firsts[i]``), and where each concept's rows start in that list."""
    groups = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    rows = (np.repeat(firsts - groups, sizes) + np.arange(int(sizes.sum()))).astype(np.int64)
    return rows, groups


def _pool(tokens: object, spans: Sequence[Span], fallback: FloatArray) -> FloatArray:
    """Unit vectors of spans, each the mean of the contextual tokens it overlaps (one product of
    a spans x tokens membership matrix with the token vectors)."""
    vectors = np.asarray(tokens.vectors)  # type: ignore[attr-defined]
    offsets = np.asarray(tokens.offsets)  # type: ignore[attr-defined]
    if not len(spans):
        return np.zeros((0, fallback.shape[0]), dtype=np.float32)
    starts = np.array([s.start for s in spans])[:, None]
    ends = np.array([s.end for s in spans])[:, None]
    inside = ((offsets[None, :, 0] < ends) & (offsets[None, :, 1] > starts)).astype(np.float32)
    pooled = inside @ vectors if len(offsets) else np.zeros((len(spans), fallback.shape[0]), np.float32)
    empty = inside.sum(axis=1) == 0
    pooled[empty] = fallback
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatArray = (pooled / norms).astype(np.float32)
    return out


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
    def fit(self, concepts: Sequence[Concept] | LabelTable, *, progress: Progress | None = None) -> ConceptLinker:
        """Index the concepts' labels (or an already built `LabelTable` of them)."""
        table = concepts if isinstance(concepts, LabelTable) else LabelTable.from_concepts(concepts)
        source, version, kind = self.namespace
        key = cache_key(source=source, version=version, kind=kind, texts=table.texts, model=self.encoder.name)
        self.table_ = table
        self.index_: IvfLayout = label_index(self.encoder, table.texts, cache_dir=self.cache_dir, key=key,
                                             progress=progress)
        self.lexical_ = CharNgrams.cached(table.texts, cache_dir=self.cache_dir, key=key)
        self.specific_ = most_specific(table.concepts) if self.params.w_specific else None  # titles only
        self.descriptions_: IvfLayout | None = None
        if self.params.w_description:
            texts = tuple(c.description.strip() or c.label for c in table.concepts)
            described = f"{kind}-descriptions"
            self.descriptions_ = label_index(
                self.encoder, texts, cache_dir=self.cache_dir, progress=progress,
                key=cache_key(source=source, version=version, kind=described, texts=texts, model=self.encoder.name),
            )
        self.completion_keys_: list[str] | None = None
        return self

    # -- linking -------------------------------------------------------------------------------
    def _vectors(self, texts: Sequence[str], span_lists: list[list[Span]]) -> tuple[FloatArray, list[FloatArray]]:
        """Unit vectors of the texts and of each text's spans, from one encoder call."""
        p = self.params
        encode_tokens = getattr(self.encoder, "encode_tokens", None)
        if p.span_vectors == "context" and encode_tokens is not None:
            text_vectors, tokens = encode_tokens(list(texts))
            return text_vectors, [_pool(t, s, v) for t, s, v in zip(tokens, span_lists, text_vectors, strict=True)]
        flat = [*texts, *(s.text for spans in span_lists for s in spans)]
        vectors = np.asarray(self.encoder.encode(flat), dtype=np.float32)
        out, offset = [], len(texts)
        for spans in span_lists:
            out.append(vectors[offset : offset + len(spans)])
            offset += len(spans)
        return vectors[: len(texts)], out

    def rank(self, texts: Sequence[str]) -> list[Ranked]:
        """Every candidate concept of each text with its fused score (the texts and their spans
        are encoded in one batch and looked up in the index together)."""
        p = self.params
        span_lists = [candidate_spans(t, p.max_span_tokens) if p.spans else [] for t in texts]
        text_vectors, span_vectors = self._vectors(texts, span_lists)
        # Hundreds of small matrix products follow: threads cost more than they give there, and
        # on a busy machine far more (a 175 x 160 product: 1 ms on one thread, 17 ms on two).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._rank(texts, span_lists, text_vectors, span_vectors)

    def _rank(self, texts: Sequence[str], span_lists: list[list[Span]], text_vectors: FloatArray,
              span_vectors: list[FloatArray]) -> list[Ranked]:
        p = self.params
        text_found, _ = self.index_.search(text_vectors, p.text_candidates or p.candidates, probes=p.probes,
                                           per_cluster=p.per_cluster)
        span_found = np.zeros((0, p.candidates), dtype=np.int64)
        span_scores = np.zeros((0, p.candidates), dtype=np.float32)
        if p.span_queries and any(span_lists):
            span_found, span_scores = self.index_.search(np.concatenate(span_vectors), p.candidates, probes=p.probes,
                                                         per_cluster=p.per_cluster)
        lexical_found = self.lexical_.search(texts, p.lexical_candidates) if p.lexical_candidates else None
        out, offset = [], 0
        for row, text in enumerate(texts):
            spans = span_lists[row]
            width = len(spans) if p.span_queries else 0
            block = slice(offset, offset + width)
            extra = [text_found[row]] if lexical_found is None else [text_found[row], lexical_found[row]]
            offset += width
            out.append(self._rerank(text, text_vectors[row], spans, span_found[block], span_scores[block],
                                    np.concatenate(extra), span_vectors[row]))
        return out

    def _rerank(self, text: str, text_vector: FloatArray, spans: list[Span], span_rows: IntArray,
                span_scores: FloatArray, text_rows: IntArray, span_vectors: FloatArray) -> Ranked:
        """Fused scores of the candidate concepts: the whole text exactly against every label of
        each candidate, the spans likewise (`exact_spans`) or by the scores the index found
        (concepts no span found get the lowest score any span's list kept), exact alias matches,
        then the lexical signal for the best `rerank_lexical` of them."""
        p, table = self.params, self.table_
        exact = exact_hits(table, [*(s.text for s in spans), text])
        valid = span_rows >= 0
        hit_concepts = table.owner[span_rows[valid]]
        concepts = np.unique(np.concatenate([hit_concepts, table.owner[text_rows[text_rows >= 0]], exact]))
        if len(concepts) == 0:
            return Ranked(concepts, np.zeros(0, np.float32), np.zeros(0, np.int64), tuple(spans))
        firsts, lasts = table.starts[concepts], np.append(table.starts, len(table.texts))[concepts + 1]
        sizes = lasts - firsts
        labels, groups = _label_rows(firsts, sizes)
        label_vectors = self.index_.rows_of(labels)
        label_scores = label_vectors @ text_vector
        if p.w_second:
            best, second = best_two_per_group(label_scores, groups)
            scores = p.w_text * best + p.w_second * second
        else:
            scores = p.w_text * np.maximum.reduceat(label_scores, groups)
        if p.w_description and self.descriptions_ is not None:
            scores += p.w_description * (self.descriptions_.rows_of(concepts) @ text_vector)
        best_span = np.full(len(concepts), -1, dtype=np.int64)
        if len(spans) and p.exact_spans:
            per_label = label_vectors @ span_vectors.T  # labels x spans
            label_span = per_label.argmax(axis=1)
            label_best = per_label[np.arange(len(labels)), label_span]
            best_label = ranked_in_groups(label_best, groups)[groups]  # each concept's best label
            best_span = label_span[best_label].astype(np.int64)
            scores += p.w_span * label_best[best_label]
        elif len(spans) and valid.any():
            span_of = np.broadcast_to(np.arange(len(spans))[:, None], span_rows.shape)[valid]
            position = np.searchsorted(concepts, hit_concepts)
            span_best = np.full(len(concepts), float(span_scores[valid].min()), dtype=np.float32)
            np.maximum.at(span_best, position, span_scores[valid])
            order = np.lexsort((-span_scores[valid], position))  # per concept, its best hit first
            firsts_hit = order[np.r_[0, np.flatnonzero(np.diff(position[order])) + 1]]
            best_span[position[firsts_hit]] = span_of[firsts_hit]
            scores += p.w_span * span_best
        if p.w_exact and len(exact):
            scores += p.w_exact * np.isin(concepts, exact)
        if p.w_lexical:
            top = top_k(scores.astype(np.float32), p.rerank_lexical)
            labels_t, groups_t = _label_rows(firsts[top], sizes[top])
            pieces = [s.text for s in spans] or [text]
            lexical = self.lexical_.similarity(pieces, labels_t).max(axis=0)
            scores[top] += p.w_lexical * np.maximum.reduceat(lexical, groups_t)
        if self.specific_ is not None:
            scores += p.w_specific * self.specific_[concepts]
        return Ranked(concepts, scores.astype(np.float32), best_span, tuple(spans))

    def link(self, texts: Sequence[str], k: int = 10) -> list[list[Link]]:
        """The k best concepts for each text, best first, each with its evidence span."""
        results = []
        for text, ranked in zip(texts, self.rank(texts), strict=True):
            results.append([self._link(text, ranked, int(i)) for i in top_k(ranked.scores, k)])
        return results

    def _link(self, text: str, ranked: Ranked, i: int) -> Link:
        concept_index = int(ranked.concepts[i])
        concept = self.table_.concepts[concept_index]
        span_index = int(ranked.best_span[i])
        if span_index < 0:
            return Link(concept_index, concept.id, concept.label, float(ranked.scores[i]), text.strip())
        span = ranked.spans[span_index]
        return Link(concept_index, concept.id, concept.label, float(ranked.scores[i]), span.text, span.start, span.end)

    # -- autocomplete --------------------------------------------------------------------------
    def _build_completion(self) -> None:
        table = self.table_
        entries: list[tuple[str, int, int]] = []  # (key, concept, label rank: 0 preferred)
        for label, owner, preferred in zip(table.texts, table.owner.tolist(), table.preferred.tolist(), strict=True):
            key = normalise(label)
            words = key.split(" ")
            for position in range(len(words)):  # every word start: "stak" finds "manage stakeholders"
                entries.append((" ".join(words[position:]), owner, (0 if preferred else 2) + (position > 0)))
        entries.sort()
        self.completion_entries_ = entries
        self.completion_keys_ = [entry[0] for entry in entries]

    def complete(self, prefix: str, k: int = 10) -> list[Link]:
        """Concepts with a label (or a word of a label) starting with ``prefix``: a label equal to
        the prefix first, then preferred labels and label starts, then shorter labels. Answers in
        well under a millisecond on ESCO (bisect over a sorted key list, built on first use)."""
        key = normalise(prefix)
        if not key:
            return []
        if self.completion_keys_ is None:
            self._build_completion()
        keys = self.completion_keys_
        assert keys is not None
        lo = bisect.bisect_left(keys, key)
        hi = bisect.bisect_left(keys, key + "\uffff", lo)
        best: dict[int, tuple[int, int, int]] = {}
        for entry_key, owner, rank in self.completion_entries_[lo : min(hi, lo + 2000)]:
            candidate = (entry_key != key, rank, len(entry_key))
            if owner not in best or candidate < best[owner]:
                best[owner] = candidate
        ranked = sorted(best.items(), key=lambda item: (item[1], self.table_.concepts[item[0]].label))[:k]
        concepts = self.table_.concepts
        return [Link(i, concepts[i].id, concepts[i].label, 1.0 / (1 + whole + rank)) for i, (whole, rank, _) in ranked]
