"""Learning plans: cover a skill gap with catalogue items, fewest hours first.

A gap is a set of skills, each needing ``required_level - current_level`` levels, weighted by its
priority. A catalogue item brings a learner to ``level`` in each skill it teaches, so it covers
``min(level, required) - reached`` levels of a gap skill (levels do not stack across items: two
level-3 courses still leave you at level 3). The plan is the classic greedy weighted set cover:
repeatedly take the item with the most priority-weighted levels covered per hour, until nothing
left can be covered. Greedy set cover is within a factor ``ln(n) + 1`` of the fewest hours. A
clean-up pass then drops any chosen item, longest first, whose removal leaves every gap skill at
the same level (e.g. a fundamentals course made redundant by an advanced one taken later).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from trellis.core.paths import GapItem


@dataclass(frozen=True)
class CatalogueItem:
    item_id: int
    hours: float
    skills: Mapping[int, int]  # skill id -> level the item brings a learner to


@dataclass(frozen=True)
class Coverage:
    skill_id: int
    from_level: int
    to_level: int
    required_level: int


@dataclass(frozen=True)
class PlanItem:
    item_id: int
    hours: float
    covers: tuple[Coverage, ...]
    gain: float  # priority-weighted levels covered


@dataclass(frozen=True)
class LearningPlan:
    items: tuple[PlanItem, ...]
    hours: float
    covered: tuple[int, ...]  # gap skills fully closed
    partly_covered: tuple[int, ...]  # raised, but not to the level needed
    uncovered: tuple[int, ...]  # no catalogue item helps


def _unit_weight(g: GapItem) -> float:
    return max(g.priority, 1e-6) / max(g.levels_missing, 1)


def learning_plan(gap: Sequence[GapItem], catalogue: Iterable[CatalogueItem], *, max_items: int = 50) -> LearningPlan:
    """Greedy weighted set cover of ``gap`` by ``catalogue`` (see the module docstring)."""
    need = {g.skill_id: g for g in gap}
    reached = {g.skill_id: g.current_level for g in gap}
    pool = [c for c in catalogue if any(s in need for s in c.skills)]
    catalogue_by_id = {c.item_id: c for c in pool}
    chosen: list[PlanItem] = []
    used: set[int] = set()
    while len(chosen) < max_items:
        best: tuple[float, float, int] | None = None
        best_item: CatalogueItem | None = None
        for item in pool:
            if item.item_id in used:
                continue
            gain = sum(
                _unit_weight(need[s]) * max(0, min(lvl, need[s].required_level) - reached[s])
                for s, lvl in item.skills.items()
                if s in need
            )
            if gain <= 0:
                continue
            key = (gain / max(item.hours, 0.01), -item.hours, -item.item_id)
            if best is None or key > best:
                best, best_item = key, item
        if best_item is None:
            break
        covers = []
        gain = 0.0
        for s, lvl in sorted(best_item.skills.items()):
            if s not in need:
                continue
            new = min(lvl, need[s].required_level)
            if new > reached[s]:
                covers.append(Coverage(s, reached[s], new, need[s].required_level))
                gain += _unit_weight(need[s]) * (new - reached[s])
                reached[s] = new
        used.add(best_item.item_id)
        chosen.append(PlanItem(best_item.item_id, best_item.hours, tuple(covers), round(gain, 6)))
    chosen = _drop_redundant(chosen, need, catalogue_by_id)
    covered = tuple(s for s, g in need.items() if reached[s] >= g.required_level)
    partly = tuple(s for s, g in need.items() if g.current_level < reached[s] < g.required_level)
    uncovered = tuple(s for s, g in need.items() if reached[s] == g.current_level)
    return LearningPlan(tuple(chosen), sum(p.hours for p in chosen), covered, partly, uncovered)


def _levels(items: Sequence[CatalogueItem], need: Mapping[int, GapItem]) -> dict[int, int]:
    reached = {s: g.current_level for s, g in need.items()}
    for item in items:
        for s, lvl in item.skills.items():
            if s in need:
                reached[s] = max(reached[s], min(lvl, need[s].required_level))
    return reached


def _drop_redundant(chosen: list[PlanItem], need: Mapping[int, GapItem],
                    by_id: Mapping[int, CatalogueItem]) -> list[PlanItem]:
    """Drop items (longest first) that no longer add anything, then recompute what each covers
    in the original order."""
    keep = [by_id[p.item_id] for p in chosen]
    target = _levels(keep, need)
    for item in sorted(keep, key=lambda c: (-c.hours, c.item_id)):
        rest = [c for c in keep if c.item_id != item.item_id]
        if _levels(rest, need) == target:
            keep = rest
    if len(keep) == len(chosen):
        return chosen
    reached = {s: g.current_level for s, g in need.items()}
    out = []
    for item in keep:
        covers, gain = [], 0.0
        for s, lvl in sorted(item.skills.items()):
            if s in need and min(lvl, need[s].required_level) > reached[s]:
                new = min(lvl, need[s].required_level)
                covers.append(Coverage(s, reached[s], new, need[s].required_level))
                gain += _unit_weight(need[s]) * (new - reached[s])
                reached[s] = new
        out.append(PlanItem(item.item_id, item.hours, tuple(covers), round(gain, 6)))
    return out
