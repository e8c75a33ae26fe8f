"""The columnar analytics (numpy over bulk reads, ``trellis.analytics.frames``) give exactly the
numbers of the SQL-aggregating implementation they replaced, kept as an oracle in
``tests/analytics/ref_*.py`` (copied from commit 063d22e), on a generated organisation with
events, applications, demographics and the awkward cases: people without a unit, role or
manager, inactive people, pending skills, openings without a unit, unknown demographics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import ref_fairness
import ref_flows
import ref_service
import ref_skills
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from trellis.analytics import fairness, flows, service, skills
from trellis.analytics.schemas import Period
from trellis.demo.service import build_demo
from trellis.models import (
    Application,
    Employee,
    EmployeeSkill,
    Opportunity,
    OrgUnit,
    ProtectedAttributes,
    RecommendationEvent,
)

PERIOD = Period.parse("2025")
STAGES = ("shown", "opened", "applied", "shortlisted", "selected")


def _add_events(session: Session, n: int = 3000, seed: int = 4) -> None:
    """A deterministic funnel of recommendation events in 2025 (and a few outside it)."""
    rng = np.random.default_rng(seed)
    emps = np.array(session.scalars(select(Employee.id)).all())
    opps = np.array(session.scalars(select(Opportunity.id)).all())
    e, o, score = rng.choice(emps, n), rng.choice(opps, n), rng.beta(2, 3, n)
    days = rng.integers(-30, 400, n)  # some before and after the period
    alive = np.ones(n, dtype=bool)
    rows: list[dict[str, Any]] = []
    for k, kind in enumerate(STAGES):
        if k:
            alive &= rng.random(n) < 0.5
        for i in np.flatnonzero(alive):
            rows.append({"employee_id": int(e[i]), "opportunity_id": int(o[i]), "kind": kind, "source": "recommend",
                         "at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=int(days[i]) + k, hours=k),
                         "components": {}, "score": float(score[i]) if kind == "shown" and i % 7 else None})
    rows += [{"employee_id": int(e[0]), "opportunity_id": int(o[0]), "kind": "rejected", "source": "recommend",
              "at": datetime(2025, 6, 1, tzinfo=UTC), "components": {}, "score": None}]
    session.execute(insert(RecommendationEvent), rows)


def _awkward(session: Session) -> None:
    ids = session.scalars(select(Employee.id).order_by(Employee.id)).all()
    session.execute(update(Employee).where(Employee.id.in_(ids[5:15])).values(org_unit_id=None))
    session.execute(update(Employee).where(Employee.id.in_(ids[15:25])).values(role_id=None, manager_id=None))
    session.execute(update(Employee).where(Employee.id.in_(ids[25:40])).values(status="inactive"))
    skill_ids = session.scalars(select(EmployeeSkill.id).order_by(EmployeeSkill.id)).all()
    session.execute(update(EmployeeSkill).where(EmployeeSkill.id.in_(skill_ids[::9])).values(status="pending"))
    opp_ids = session.scalars(select(Opportunity.id).order_by(Opportunity.id)).all()
    open_ids = session.scalars(select(Opportunity.id).where(Opportunity.status == "open")
                               .order_by(Opportunity.id)).all()
    session.execute(update(Opportunity).where(Opportunity.id.in_(opp_ids[::11] + open_ids[::7]))
                    .values(org_unit_id=None))
    session.execute(update(Opportunity).where(Opportunity.id.in_(opp_ids[1::13])).values(filled_internally=None))
    session.execute(update(ProtectedAttributes).where(ProtectedAttributes.employee_id.in_(ids[::17]))
                    .values(sex=None))
    session.execute(update(Application).where(Application.id.in_(
        session.scalars(select(Application.id).order_by(Application.id)).all()[::5])).values(
        decided_by_id=select(Employee.manager_id).where(Employee.id == Application.employee_id).scalar_subquery(),
        status="rejected"))


@pytest.fixture
def world(session: Session) -> Session:
    build_demo(session, employees=400, seed=3, as_of=date(2026, 1, 1))
    _add_events(session)
    _awkward(session)
    session.flush()
    return session


def _same(new: Any, old: Any, *, drop: tuple[str, ...] = ()) -> None:
    def dump(x: Any) -> Any:
        if isinstance(x, list):
            return [dump(i) for i in x]
        return x.model_dump(exclude=set(drop))

    assert dump(new) == dump(old)


def test_mobility_metrics_and_trend_are_unchanged(world: Session) -> None:
    s = world
    units = s.scalars(select(OrgUnit.id).order_by(OrgUnit.id)).all()
    cohorts = 0
    for period in (PERIOD, PERIOD.previous(), Period.parse("2025-03-10..2025-08-20")):
        for unit in (None, units[0], units[1], units[len(units) // 2]):
            new = service.mobility_metrics(s, period=period, org_unit_id=unit)
            old = ref_service.mobility_metrics(s, period=period, org_unit_id=unit)
            if new.retention.cohort:
                # Changed in #15 (the measure was wrong: "— vs —" for any recent period): a period whose
                # moves are not a year old yet is measured on the latest period as long that is.
                assert old.retention.movers == 0 < new.retention.movers
                _same(new, old, drop=("retention", "notes"))
                assert new.retention.cohort in " ".join(new.notes)
                cohorts += 1
            else:
                _same(new, old)
            _same(service.mobility_trend(s, period=period, org_unit_id=unit),
                  ref_service.mobility_trend(s, period=period, org_unit_id=unit))
    assert cohorts


def test_skills_supply_demand_gaps_heatmap_and_emerging_skills_are_unchanged(world: Session) -> None:
    s = world
    units = s.scalars(select(OrgUnit.id).order_by(OrgUnit.id)).all()
    for unit in (None, units[1], units[len(units) // 2]):
        _same(skills.skills_supply_demand(s, org_unit_id=unit, limit=500),
              ref_skills.skills_supply_demand(s, org_unit_id=unit, limit=500))
        _same(skills.skill_gaps_by_unit(s, org_unit_id=unit, limit=10),
              ref_skills.skill_gaps_by_unit(s, org_unit_id=unit, limit=10))
        _same(skills.skills_heatmap(s, org_unit_id=unit), ref_skills.skills_heatmap(s, org_unit_id=unit))
    _same(skills.emerging_skills(s, period=PERIOD), ref_skills.emerging_skills(s, period=PERIOD))


def test_flows_and_hoarding_are_unchanged(world: Session) -> None:
    s = world
    for period in (PERIOD, PERIOD.previous()):
        for by in ("department", "family"):
            _same(flows.talent_flows(s, period=period, by=by), ref_flows.talent_flows(s, period=period, by=by))
        # The counts are unchanged. Changed in #15 (the flags were wrong: one slow decision or two refusals
        # flagged a manager, by name, whatever the team): flags need evidence and names a team of 5+, so
        # the flags and the list are compared with min_team=1 and without the decision evidence below.
        new = flows.hoarding_indicators(s, period=period, min_recommended=2, min_team=1, min_decisions=1)
        old = ref_flows.hoarding_indicators(s, period=period, min_recommended=2)
        counts = ("manager_id", "manager", "team_size", "recommended", "released", "release_rate", "blocked",
                  "median_decision_days")
        assert (new.managers_total, new.baseline_release_rate) == (old.managers_total, old.baseline_release_rate)
        by_id = {m.manager_id: m for m in old.managers}
        assert new.managers and all(m.model_dump(include=set(counts)) == by_id[m.manager_id].model_dump(
            include=set(counts)) for m in new.managers)
        assert {m.manager_id for m in new.managers if m.flagged} <= {m.manager_id for m in old.managers if m.flagged}


def _by_person(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each employee's highest value (column 1) over their rows: one row per person."""
    people = np.unique(rows[:, 0])
    best = np.array([rows[rows[:, 0] == e, 1].max() for e in people])
    return people, best


def test_the_bias_audit_is_unchanged_but_counts_people(world: Session) -> None:
    # Changed in #15 (the unit was wrong: "60 people" were person × opening pairs of ~3 users): the
    # oracle's own counting is fed one row per person (their furthest stage), and a low ratio is flagged
    # only with enough selections and people, so the flag columns are compared as a subset.
    s = world
    for period in (PERIOD, Period.parse("2025-02-01..2025-04-30")):
        new = fairness.audit_bias(s, period=period)
        demo = ref_fairness._demographics(s)
        sources = {"recommendation funnel": ref_fairness._event_pairs(s, period)[:, :2],
                   "applications": ref_fairness._application_ranks(s, period)}
        checked = 0
        for o in new.outcomes:
            if o.kind != "selection":
                continue
            base, target = _stages(o.name)
            people, best = _by_person(sources[o.name.split(":")[0]])
            old = ref_fairness._outcome(demo, people, best, name=o.name, description=o.description, base=base,
                                        target=target)
            flags = ("below_four_fifths", "note")
            assert o.model_dump(exclude={"pairs", "tables"}) == old.model_dump(exclude={"pairs", "tables"})
            for t_new, t_old in zip(o.tables, old.tables, strict=True):
                assert [g.model_dump(exclude=set(flags)) for g in t_new.groups] == [
                    g.model_dump(exclude=set(flags)) for g in t_old.groups if g.total] or not t_old.total
                assert {g.group for g in t_new.groups if g.below_four_fifths} <= {
                    g.group for g in t_old.groups if g.below_four_fifths}
            checked += 1
        assert checked == 8 and any(o.selected for o in new.outcomes)


def _stages(name: str) -> tuple[int, int]:
    a, b = name.split(": ")[1].split(" → ")
    stages = service.EVENT_STAGES if name.startswith("recommendation") else service.APPLICATION_STAGES
    return stages.index(a), stages.index(b)


def test_the_world_has_the_awkward_cases(world: Session) -> None:
    s = world
    assert s.scalar(select(Employee.id).where(Employee.org_unit_id.is_(None)).limit(1))
    assert s.scalar(select(EmployeeSkill.id).where(EmployeeSkill.status == "pending").limit(1))
    assert s.scalar(select(Opportunity.id).where(Opportunity.org_unit_id.is_(None), Opportunity.status == "open")
                    .limit(1))
    moves = service.load_moves(s, period=PERIOD)
    assert moves.employee_id.shape[0] > 20
    assert flows.hoarding_indicators(s, period=PERIOD, min_recommended=2).managers_total > 5
