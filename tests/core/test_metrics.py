from __future__ import annotations

import math

import pytest

from trellis.core import metrics

RANKED = ["a", "b", "c", "d", "e"]
RELEVANT = {"b", "d", "z"}  # "z" is never ranked


def test_reciprocal_rank_is_one_over_the_first_relevant_rank() -> None:
    assert metrics.reciprocal_rank(RANKED, RELEVANT) == 0.5
    assert metrics.reciprocal_rank(RANKED, {"a"}) == 1.0
    assert metrics.reciprocal_rank(RANKED, {"q"}) == 0.0


def test_recall_at_k_counts_relevant_items_never_ranked() -> None:
    assert metrics.recall_at_k(RANKED, RELEVANT, 1) == 0.0
    assert metrics.recall_at_k(RANKED, RELEVANT, 2) == pytest.approx(1 / 3)
    assert metrics.recall_at_k(RANKED, RELEVANT, 10) == pytest.approx(2 / 3)


def test_r_precision_divides_by_the_smaller_of_k_and_the_relevant_count() -> None:
    assert metrics.r_precision_at_k(RANKED, RELEVANT, 1) == 0.0
    assert metrics.r_precision_at_k(RANKED, RELEVANT, 2) == 0.5  # 1 hit / min(2, 3)
    assert metrics.r_precision_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 3)  # 2 / min(5, 3)
    assert metrics.r_precision_at_k(["x", "b"], {"b"}, 5) == 1.0


def test_average_precision_by_hand() -> None:
    # hits at ranks 2 and 4: precisions 1/2 and 2/4; three relevant in all
    assert metrics.average_precision(RANKED, RELEVANT) == pytest.approx((1 / 2 + 2 / 4) / 3)
    assert metrics.average_precision(["b", "d", "z"], RELEVANT) == 1.0


def test_ndcg_with_graded_gains_by_hand() -> None:
    gains = {"b": 3.0, "d": 2.0, "z": 1.0}
    dcg = 3 / math.log2(3) + 2 / math.log2(5)
    ideal = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at_k(RANKED, gains, 10) == pytest.approx(dcg / ideal)
    assert metrics.ndcg_at_k(["b", "d", "z"], gains, 10) == pytest.approx(1.0)
    assert metrics.ndcg_at_k(RANKED, gains, 1) == 0.0


def test_a_query_without_relevant_items_is_an_error() -> None:
    with pytest.raises(ValueError):
        metrics.recall_at_k(RANKED, set(), 10)
    with pytest.raises(ValueError):
        metrics.ndcg_at_k(RANKED, {}, 10)


def test_mean_of_nothing_is_zero() -> None:
    assert metrics.mean([]) == 0.0
    assert metrics.mean([1.0, 0.0]) == 0.5
