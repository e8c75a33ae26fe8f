"""The career graph: blending observed moves with content similarity, k best paths, next moves."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from trellis.core.paths import CareerGraph, Move, Requirement, coverage_score, default_months, skill_gap

# roles: 1 junior dev (L1), 2 dev (L2), 3 senior dev (L3), 4 data analyst (L2), 5 data scientist (L3)
ROLES = [1, 2, 3, 4, 5]
LEVELS = [1, 2, 3, 2, 3]
REQS = {
    1: [Requirement(10, 2)],
    2: [Requirement(10, 3), Requirement(11, 2)],
    3: [Requirement(10, 4), Requirement(11, 3), Requirement(12, 3, weight=2.0)],
    4: [Requirement(20, 3), Requirement(10, 2)],
    5: [Requirement(20, 4), Requirement(21, 3), Requirement(10, 3)],
}


def _moves() -> list[Move]:
    return (
        [Move(1, 2, 18, "promotion")] * 8
        + [Move(1, 4, 12, "lateral")] * 2
        + [Move(2, 3, 30, "promotion")] * 6
        + [Move(2, 4, 20, "lateral")] * 2
        + [Move(4, 5, 24, "promotion")] * 5
    )


def _graph(**kw: float) -> CareerGraph:
    return CareerGraph(**kw).fit(ROLES, LEVELS, _moves(), requirements=REQS)  # type: ignore[arg-type]


def test_a_skill_gap_lists_missing_skills_by_weight_times_levels_missing() -> None:
    gap = skill_gap({10: 4, 11: 1}, REQS[3])
    assert [(g.skill_id, g.levels_missing) for g in gap] == [(12, 3), (11, 2)]
    assert gap[0].priority == 6.0


def test_preferred_skills_count_half_in_the_gap_and_the_score() -> None:
    reqs = [Requirement(1, 4), Requirement(2, 4, required=False)]
    gap = skill_gap({}, reqs)
    assert [g.priority for g in gap] == [4.0, 2.0]
    assert coverage_score({2: 4}, reqs) == pytest.approx(100 / 3, abs=0.01)
    assert coverage_score({1: 2, 2: 4}, reqs) == pytest.approx(100 * (0.5 + 0.5) / 1.5, abs=0.01)


def test_edge_probabilities_follow_observed_shares_when_there_is_no_content_similarity() -> None:
    g = _graph()
    e = g.edge(1, 2)
    assert e.observed_count == 8 and e.observed_share == pytest.approx(0.8)
    assert e.probability == pytest.approx(0.8)
    assert e.median_months == 18 and e.move_type == "promotion"
    assert g.probability_.sum(axis=1)[[0, 1, 3]] == pytest.approx([1, 1, 1])


def test_a_role_without_history_gets_edges_from_content_similarity_alone() -> None:
    sim = np.eye(5)
    sim[2, 4] = sim[4, 2] = 0.6  # senior dev ~ data scientist (same level: lateral)
    g = CareerGraph().fit(ROLES, LEVELS, _moves(), sim, REQS)
    e = g.edge(3, 5)
    assert e.observed_count == 0 and e.probability == pytest.approx(0.6 / 1.6)  # damped by content_damping=1
    assert e.move_type == "lateral"


def test_the_blend_weight_shrinks_towards_content_for_thin_history() -> None:
    sim = np.zeros((5, 5))
    sim[0, 3] = sim[0, 1] = 0.5
    thin = CareerGraph(prior_strength=10).fit(ROLES, LEVELS, _moves(), sim, REQS)
    thick = CareerGraph(prior_strength=0.5).fit(ROLES, LEVELS, _moves(), sim, REQS)
    # 10 observed moves out of role 1; content says 1->2 and 1->4 equally likely.
    # content share of 1->4 is 0.5 / (1 + 0.5 + 0.5) = 0.25
    assert thin.edge(1, 4).probability == pytest.approx(0.5 * 0.2 + 0.5 * 0.25)
    assert thick.edge(1, 4).probability == pytest.approx((10 / 10.5) * 0.2 + (0.5 / 10.5) * 0.25)


def test_content_edges_never_point_down_a_level() -> None:
    sim = np.full((5, 5), 0.9)
    g = CareerGraph().fit(ROLES, LEVELS, [], sim, REQS)
    assert g.edge(3, 1).probability == 0
    assert g.edge(1, 2).probability > 0


def test_the_k_best_paths_come_best_first_and_match_brute_force() -> None:
    sim = np.zeros((5, 5))
    sim[1, 4] = 0.7
    sim[0, 1] = 0.3
    g = CareerGraph(prior_strength=2).fit(ROLES, LEVELS, _moves(), sim, REQS)
    found = g.paths(1, 5, {}, k=5, max_steps=4)
    probs = [p.probability for p in found]
    assert probs == sorted(probs, reverse=True)
    # brute force over every simple path of at most 4 moves
    brute = []
    for n in range(1, 5):
        for mid in itertools.permutations([2, 3, 4], n - 1):
            chain = (1, *mid, 5)
            pr = np.prod([g.probability_[g.index_[a], g.index_[b]] for a, b in itertools.pairwise(chain)])
            if pr > 0:
                brute.append((pr, chain))
    brute.sort(reverse=True)
    assert probs == pytest.approx([pr for pr, _ in brute[:5]])
    assert {p.roles for p in found} == {c for _, c in brute[:5]}


def test_each_step_carries_its_gap_time_and_head_count_and_later_gaps_assume_earlier_roles_learned() -> None:
    g = _graph()
    best = g.paths(1, 5, {10: 2}, k=1)[0]
    first, second = best.steps
    assert first.edge.observed_count == 2 and first.months == 12 and first.months_basis == "observed"
    assert [x.skill_id for x in first.gap] == [20]
    assert {x.skill_id: x.current_level for x in second.gap}[20] == 3  # learned in role 4
    assert best.months == 12 + 24


def test_max_steps_bounds_the_path_length() -> None:
    g = _graph()
    assert g.paths(1, 3, {}, k=3, max_steps=1) == []
    assert g.paths(1, 3, {}, k=3, max_steps=2)[0].roles == (1, 2, 3)


def test_an_unreachable_target_gives_no_paths() -> None:
    assert _graph().paths(5, 1, {}) == []


def test_time_falls_back_to_the_source_role_then_to_the_level_default() -> None:
    sim = np.zeros((5, 5))
    sim[1, 2] = sim[2, 4] = 0.5
    g = CareerGraph().fit(ROLES, LEVELS, _moves(), sim, REQS)
    assert g.step(2, 3, {}).months_basis == "observed"
    g2 = CareerGraph().fit(ROLES, LEVELS, [Move(2, 4, 10)], sim, REQS)
    st = g2.step(2, 3, {})
    assert (st.months, st.months_basis) == (10, "source role")
    st = g2.step(3, 5, {})
    assert (st.months, st.months_basis) == (default_months(3), "level default")


def test_next_moves_rank_by_probability_and_leave_out_demotions_and_excluded_roles() -> None:
    moves = [*_moves(), Move(2, 1, 5, "demotion"), Move(2, 1, 5, "demotion")]
    g = CareerGraph().fit(ROLES, LEVELS, moves, requirements=REQS)
    nxt = g.next_moves(2, {10: 3, 11: 2})
    assert [s.edge.target for s in nxt] == [3, 4]
    assert nxt[0].edge.observed_count == 6
    assert [s.edge.target for s in g.next_moves(2, {}, exclude=[3])] == [4]
    assert 1 in [s.edge.target for s in g.next_moves(2, {}, allow=("demotion", "lateral", "promotion"))]


def test_the_similarity_matrix_must_match_the_roles() -> None:
    with pytest.raises(ValueError, match="similarity"):
        CareerGraph().fit(ROLES, LEVELS, [], np.zeros((2, 2)))
