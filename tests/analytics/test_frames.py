"""The analytics bulk reads: columns come back exactly (NULLs, 17-digit floats), the session memo
is dropped whenever the session writes, spells find the right predecessor, and departments are
those of the one-unit-at-a-time walk it replaced."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from builders import make_employee, make_event, make_opportunity, make_org_unit, make_spell
from trellis.analytics import frames
from trellis.analytics.org import OrgTree, org_tree
from trellis.analytics.schemas import Period
from trellis.analytics.service import load_moves
from trellis.models import Employee, RecommendationEvent


def test_columns_come_back_exactly_with_nulls_as_minus_one_and_nan(session: Session) -> None:
    people = [make_employee(session, name=f"P{i}", hire_date=date(2020, 1, 1 + i) if i % 2 else None)
              for i in range(6)]
    job = make_opportunity(session, type="job")
    rng = random.Random(3)
    scores = [rng.random() / 7 for _ in range(5)] + [None, 1e-300, 123456.78901234567]
    for i, score in enumerate(scores):
        make_event(session, people[i % 6], job, "shown", at=datetime(2025, 1, 2, tzinfo=UTC), score=score)
    session.flush()
    ids, hired = frames.fetch_columns(session, select(Employee.id, frames.ordinal(Employee.hire_date))
                                      .where(Employee.id.in_([p.id for p in people])))
    expected = {p.id: p.hire_date.toordinal() if p.hire_date else -1 for p in people}
    assert dict(zip(ids.tolist(), hired.tolist(), strict=True)) == expected
    event_ids, got = frames.fetch_columns(session, select(RecommendationEvent.id, RecommendationEvent.score)
                                          .order_by(RecommendationEvent.id), floats=(1,))
    want = np.array([np.nan if s is None else s for s in scores])
    assert np.array_equal(got[np.argsort(event_ids)], want, equal_nan=True)  # bit for bit


def test_the_memo_is_dropped_when_the_session_writes(session: Session) -> None:
    unit = make_org_unit(session, name="Old name")
    assert org_tree(session).names[unit.id] == "Old name"
    unit.name = "Flushed"
    session.flush()
    assert org_tree(session).names[unit.id] == "Flushed"
    session.execute(update(type(unit)).where(type(unit).id == unit.id).values(name="Executed"))
    assert org_tree(session).names[unit.id] == "Executed"


def test_a_move_comes_from_the_last_spell_that_started_on_an_earlier_day(session: Session) -> None:
    units = [make_org_unit(session, name=f"U{i}") for i in range(5)]
    person = make_employee(session, name="Mover")
    make_spell(session, person, date(2024, 1, 1), end=date(2025, 2, 1), org_unit_id=units[0].id)
    make_spell(session, person, date(2025, 2, 1), move_type="lateral", org_unit_id=units[1].id)
    make_spell(session, person, date(2025, 2, 1), move_type="lateral", org_unit_id=units[2].id)  # same day
    make_spell(session, person, date(2025, 6, 1), move_type="promotion", org_unit_id=units[3].id)
    moves = load_moves(session, period=Period.parse("2025"))
    origin = dict(zip(moves.org_unit_id.tolist(), moves.prev_org_unit_id.tolist(), strict=True))
    # both same-day spells come from the 2024 spell; the promotion from the later of the two (higher id)
    assert origin == {units[1].id: units[0].id, units[2].id: units[0].id, units[3].id: units[2].id}


def _walk_each(tree: OrgTree) -> dict[int, int]:
    """The original definition: walk up from every unit on its own."""
    roots = [u for u, p in tree.parent.items() if p is None]
    top = set(roots) if len(roots) != 1 else {u for u, p in tree.parent.items() if p == roots[0]} | set(roots)
    out = {}
    for uid in tree.parent:
        cur, seen = uid, set()
        while cur not in top and tree.parent.get(cur) is not None and cur not in seen:
            seen.add(cur)
            cur = tree.parent[cur]  # type: ignore[assignment]
        out[uid] = cur
    return out


def test_departments_match_the_unit_by_unit_walk_on_random_trees_with_cycles() -> None:
    rng = random.Random(11)
    for trial in range(200):
        n = rng.randint(1, 40)
        parent: dict[int, int | None] = {}
        for uid in range(1, n + 1):
            roll = rng.random()
            parent[uid] = None if uid == 1 or roll < 0.05 * (trial % 3) else rng.randint(1, uid - 1)
        for _ in range(rng.randint(0, 2)):  # a few back edges make cycles
            a, b = rng.randint(1, n), rng.randint(1, n)
            if parent[a] is not None:
                parent[a] = b
        keys = list(parent)
        rng.shuffle(keys)  # the order units are visited in must not matter
        tree = OrgTree({u: f"u{u}" for u in keys}, {u: parent[u] for u in keys})
        assert tree.departments() == _walk_each(tree), parent
