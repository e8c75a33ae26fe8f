"""Mentor matching: fit, constraints, optimal assignment with capacity, pins and forbids."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from trellis.core.mentoring import Mentee, Mentor, assign, explain, fit_matrix, greedy_assign


def test_fit_needs_a_shared_language_and_a_teachable_goal_and_not_the_same_person() -> None:
    mentees = [Mentee(1, {10: 1.0}, frozenset({"en"})), Mentee(2, {10: 1.0}, frozenset({"fr"})),
               Mentee(3, {99: 1.0}), Mentee(4, {10: 1.0})]
    mentors = [Mentor(4, {10: 5}, 2, frozenset({"en"}))]
    fit, allowed = fit_matrix(mentees, mentors, tz_weight=0)
    assert allowed[:, 0].tolist() == [True, False, False, False]
    assert fit[0, 0] == pytest.approx(1.0)


def test_time_zones_far_apart_lower_the_fit() -> None:
    mentees = [Mentee(1, {10: 1.0}, utc_offset=1)]
    mentors = [Mentor(2, {10: 5}, utc_offset=1), Mentor(3, {10: 5}, utc_offset=-11)]
    fit, _ = fit_matrix(mentees, mentors, tz_weight=0.3)
    assert fit[0, 0] == pytest.approx(1.0)
    assert fit[0, 1] == pytest.approx(1.0 - 0.3 * 12 / 12)


def test_the_assignment_is_optimal_where_greedy_is_not() -> None:
    fit = np.array([[0.9, 0.8], [0.85, 0.1]])
    allowed = np.ones_like(fit, dtype=bool)
    best = assign(fit, allowed, [1, 1])
    assert {(p.mentee, p.mentor) for p in best} == {(0, 1), (1, 0)}
    assert sum(p.fit for p in best) > sum(p.fit for p in greedy_assign(fit, allowed, [1, 1]))


def test_the_assignment_matches_brute_force_under_capacity() -> None:
    rng = np.random.default_rng(3)
    fit = rng.random((5, 3))
    allowed = rng.random((5, 3)) > 0.3
    caps = [2, 1, 1]
    got = sum(p.fit for p in assign(fit, allowed, caps))
    best = 0.0
    for choice in itertools.product([-1, 0, 1, 2], repeat=5):
        if any(choice.count(j) > caps[j] for j in range(3)):
            continue
        if any(c >= 0 and not allowed[i, c] for i, c in enumerate(choice)):
            continue
        best = max(best, sum(fit[i, c] for i, c in enumerate(choice) if c >= 0))
    assert got == pytest.approx(best)


def test_pins_are_kept_and_use_capacity_and_forbids_are_respected() -> None:
    fit = np.array([[0.9, 0.1], [0.8, 0.7]])
    allowed = np.ones_like(fit, dtype=bool)
    pairs = assign(fit, allowed, [1, 1], pins=[(1, 0)], forbids=[(0, 1)])
    assert [(p.mentee, p.mentor, p.pinned) for p in pairs] == [(1, 0, True)]


def test_contradictory_constraints_are_refused() -> None:
    fit = np.ones((2, 1))
    allowed = np.ones_like(fit, dtype=bool)
    with pytest.raises(ValueError, match="both pinned and forbidden"):
        assign(fit, allowed, [2], pins=[(0, 0)], forbids=[(0, 0)])
    with pytest.raises(ValueError, match="capacity"):
        assign(fit, allowed, [1], pins=[(0, 0), (1, 0)])


def test_a_pair_explanation_names_shared_skills_languages_and_hours_apart() -> None:
    me = Mentee(1, {10: 0.7, 11: 0.3, 12: 1.0}, frozenset({"en", "de"}), 1.0)
    mo = Mentor(2, {10: 5, 11: 2}, 1, frozenset({"de"}), -4.0)
    ex = explain(me, mo, 0.61234)
    assert ex.shared_skills == ((10, 5), (11, 2))
    assert ex.languages == ("de",) and ex.hours_apart == 5.0 and ex.fit == 0.6123
