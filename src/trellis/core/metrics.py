"""Ranking metrics for one query: a ranked list of ids against the relevant ids (or graded gains).

Definitions follow the published evaluations the project compares with (see
``../shared/data/README.md``): every denominator counts *all* relevant items, including those
the ranking never returned, so a truncated ranking is penalised, not excused.
Average the per-query values with :func:`mean` to get MRR, Recall@k, MAP, nDCG@k."""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def _check(relevant: Collection[T]) -> None:
    if not relevant:
        raise ValueError("a query needs at least one relevant item")


def hits(ranked: Sequence[T], relevant: Collection[T]) -> list[bool]:
    """Whether each ranked item is relevant."""
    return [item in relevant for item in ranked]


def reciprocal_rank(ranked: Sequence[T], relevant: Collection[T]) -> float:
    """1 / rank of the first relevant item; 0 when none is ranked."""
    _check(relevant)
    for position, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / position
    return 0.0


def recall_at_k(ranked: Sequence[T], relevant: Collection[T], k: int) -> float:
    """Relevant items in the top ``k`` / all relevant items."""
    _check(relevant)
    return sum(hits(ranked[:k], relevant)) / len(relevant)


def r_precision_at_k(ranked: Sequence[T], relevant: Collection[T], k: int) -> float:
    """RP@k: relevant items in the top ``k`` / min(k, number relevant) — 1.0 is reachable for any k."""
    _check(relevant)
    return sum(hits(ranked[:k], relevant)) / min(k, len(relevant))


def average_precision(ranked: Sequence[T], relevant: Collection[T]) -> float:
    """Mean of precision@i over the ranks i of the relevant items found, divided by all relevant."""
    _check(relevant)
    found = 0
    total = 0.0
    for position, item in enumerate(ranked, start=1):
        if item in relevant:
            found += 1
            total += found / position
    return total / len(relevant)


def dcg_at_k(gains: Iterable[float], k: int) -> float:
    """Discounted cumulative gain of the first ``k`` gains: sum of gain / log2(rank + 1)."""
    total = 0.0
    for position, gain in enumerate(gains, start=1):
        if position > k:
            break
        total += gain / math.log2(position + 1)
    return total


def ndcg_at_k(ranked: Sequence[T], gains: Mapping[T, float], k: int) -> float:
    """nDCG@k with graded gains (0 for an unlisted item), normalised by the ideal ordering."""
    ideal = dcg_at_k(sorted(gains.values(), reverse=True), k)
    if ideal <= 0:
        raise ValueError("a query needs at least one item with a positive gain")
    return dcg_at_k((gains.get(item, 0.0) for item in ranked), k) / ideal


def mean(values: Iterable[float]) -> float:
    """The arithmetic mean (0.0 for no values)."""
    items = list(values)
    return sum(items) / len(items) if items else 0.0
