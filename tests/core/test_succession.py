"""Succession: readiness bands from match and gap, bench strength."""

from __future__ import annotations

import numpy as np

from trellis.core.paths import Requirement
from trellis.core.succession import Thresholds, bench_strength, rank_successors, rank_successors_matrix, readiness

REQS = [Requirement(1, 4), Requirement(2, 3), Requirement(3, 3)]


def test_readiness_bands_follow_score_and_gap() -> None:
    assert readiness(95, 0) == "ready now"
    assert readiness(95, 2) == "1-2 years"
    assert readiness(70, 5) == "1-2 years"
    assert readiness(50, 1) == "3+ years"
    assert readiness(90, 3, Thresholds(ready_gap=3)) == "ready now"


def test_successors_are_ranked_by_band_then_score_and_weak_matches_left_out() -> None:
    people = {
        1: {1: 4, 2: 3, 3: 3},  # ready now
        2: {1: 3, 2: 3, 3: 2},  # 2 levels short
        3: {1: 4, 2: 3},  # missing a whole skill
        4: {9: 5},  # nothing relevant
    }
    ranked = rank_successors(people, REQS)
    assert [(s.person_id, s.band) for s in ranked] == [(1, "ready now"), (2, "1-2 years"), (3, "1-2 years")]
    assert ranked[1].gap_levels == 2


def test_bench_strength_counts_people_ready_within_two_years() -> None:
    ranked = rank_successors({1: {1: 4, 2: 3, 3: 3}, 2: {1: 3, 2: 3, 3: 2}}, REQS)
    bench = bench_strength(ranked)
    assert bench.counts == {"ready now": 1, "1-2 years": 1, "3+ years": 0}
    assert bench.strength == "strong"
    assert bench_strength(ranked[1:]).strength == "moderate"
    assert bench_strength([]).strength == "weak"


def test_the_matrix_ranking_gives_the_same_successors_and_bench_as_the_scalar_one() -> None:
    rng = np.random.default_rng(0)
    reqs = [*REQS, Requirement(4, 2, weight=0.5, required=False)]
    columns = {1: 0, 2: 1, 3: 2, 4: 3, 9: 4}
    have = rng.integers(0, 6, size=(60, 5)).astype(np.float64)
    ids = list(range(100, 160))
    people = {pid: {s: int(have[i, c]) for s, c in columns.items() if have[i, c] > 0} for i, pid in enumerate(ids)}
    scalar = rank_successors(people, reqs, limit=len(ids))
    top, bench = rank_successors_matrix(ids, have, reqs, columns, limit=7)
    assert top == scalar[:7]
    assert bench == bench_strength(scalar)
