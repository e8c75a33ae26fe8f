"""Learning plans: greedy weighted set cover of a gap by catalogue items."""

from __future__ import annotations

from trellis.core.learning import CatalogueItem, learning_plan
from trellis.core.paths import Requirement, skill_gap


def test_the_plan_prefers_one_short_course_covering_much_over_several_long_ones() -> None:
    gap = skill_gap({}, [Requirement(1, 3), Requirement(2, 3), Requirement(3, 2)])
    catalogue = [
        CatalogueItem(100, 10, {1: 3}),
        CatalogueItem(101, 10, {2: 3}),
        CatalogueItem(102, 8, {1: 3, 2: 3}),
        CatalogueItem(103, 2, {3: 2}),
    ]
    plan = learning_plan(gap, catalogue)
    assert [p.item_id for p in plan.items] == [103, 102]
    assert plan.hours == 10
    assert set(plan.covered) == {1, 2, 3} and plan.uncovered == ()
    cover = {c.skill_id: (c.from_level, c.to_level) for c in plan.items[1].covers}
    assert cover == {1: (0, 3), 2: (0, 3)}


def test_levels_do_not_stack_and_a_lower_level_course_only_partly_covers() -> None:
    gap = skill_gap({1: 1}, [Requirement(1, 4)])
    plan = learning_plan(gap, [CatalogueItem(1, 5, {1: 2}), CatalogueItem(2, 5, {1: 2})])
    assert [p.item_id for p in plan.items] == [1]
    assert plan.partly_covered == (1,) and plan.covered == ()


def test_skills_no_item_teaches_are_reported_uncovered() -> None:
    gap = skill_gap({}, [Requirement(1, 2), Requirement(9, 2)])
    plan = learning_plan(gap, [CatalogueItem(1, 3, {1: 5, 7: 5})])
    assert plan.uncovered == (9,)
    assert [c.skill_id for c in plan.items[0].covers] == [1]


def test_an_empty_gap_needs_no_learning() -> None:
    plan = learning_plan([], [CatalogueItem(1, 3, {1: 5})])
    assert plan.items == () and plan.hours == 0


def test_a_fundamentals_course_made_redundant_by_a_later_advanced_one_is_dropped() -> None:
    gap = skill_gap({}, [Requirement(1, 4), Requirement(2, 2)])
    catalogue = [
        CatalogueItem(1, 2, {1: 2}),  # cheap fundamentals: chosen first
        CatalogueItem(2, 9, {1: 4}),  # advanced: needed for level 4, makes item 1 useless
        CatalogueItem(3, 1, {2: 2}),
    ]
    plan = learning_plan(gap, catalogue)
    assert sorted(p.item_id for p in plan.items) == [2, 3]
    assert plan.hours == 10 and set(plan.covered) == {1, 2}
    cover = {p.item_id: [(c.skill_id, c.from_level, c.to_level) for c in p.covers] for p in plan.items}
    assert cover[2] == [(1, 0, 4)]
