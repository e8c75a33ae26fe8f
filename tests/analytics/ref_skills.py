# REFERENCE COPY (a test oracle, not used by Trellis): trellis.analytics.skills as it was at
# commit 063d22e, before the bulk-read rewrite; test_same_numbers_as_before.py checks the new
# code against it. Do not edit.
"""Skills supply and demand: by skill and skill group, the largest gaps per org unit, a
coverage heatmap, and emerging skills (demand growth between periods).

Demand for a skill = the open opportunities that ask for it + for each role that requires it,
the role's headcount (people in post). The level needed is the demand-weighted median of the
levels asked. Supply = active people holding the skill (accepted, not pending) at or above that
level. Skill-group figures sum their skills' demand and supply (person-skill units)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from ref_service import department_cte, in_units, load_org_tree
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from trellis.analytics.schemas import EmergingSkill, GroupDemand, Heatmap, Period, SkillDemand, SupplyDemand, UnitGaps
from trellis.core import analytics as core
from trellis.models import Employee, EmployeeSkill, Opportunity, OpportunitySkill, RoleSkill, Skill

METHOD = __doc__.split("\n\n", 1)[1].replace("\n", " ") if __doc__ else ""


@dataclass(frozen=True)
class Cube:
    """Demand and supply with the org unit kept, so totals and per-unit views share one load."""

    skill_ids: np.ndarray
    labels: list[str]
    groups: list[str | None]
    units: list[int]  # column order of the per-unit arrays
    opp_demand: np.ndarray  # skills × units
    role_demand: np.ndarray  # skills × units
    supply: np.ndarray  # skills × units × 6 proficiency
    needed: np.ndarray  # skills
    headcount: np.ndarray  # units


def load_cube(session: Session, *, org_unit_id: int | None = None, by_department: bool = True,
              supply_rows: Callable[[np.ndarray], np.ndarray] | None = None) -> Cube:
    """Demand and supply per skill and department, grouped in the database. Without
    ``by_department`` everything lands in one column (-1) and the department mapping — about
    half the cost on 10⁶ employee skills — is skipped. ``supply_rows`` picks, from the demand
    matrix (skills × departments), the skill rows whose supply is needed (default: all): the
    supply scan over employee skills is the expensive part."""
    tree = load_org_tree(session)
    units = tree.subtree(org_unit_id)
    depts = department_cte(tree) if by_department else None
    unit_ids = [*tree.department_ids(), -1] if by_department else [-1]
    col = {u: i for i, u in enumerate(unit_ids)}
    dept_of: Any = func.coalesce(depts.c.dept, -1) if depts is not None else literal(-1)

    keys: list[Any] = [dept_of] if depts is not None else []  # never GROUP BY a bare constant

    def with_dept(stmt: Any, unit_column: Any) -> Any:
        return stmt.outerjoin(depts, depts.c.id == unit_column) if depts is not None else stmt

    skills = session.execute(select(Skill.id, Skill.preferred_label, Skill.group)).all()
    sid = np.array([s.id for s in skills], dtype=np.int64)
    row = {int(s): i for i, s in enumerate(sid)}
    n, m = len(sid), len(unit_ids)
    opp = np.zeros((n, m))
    roles = np.zeros((n, m))
    supply = np.zeros((n, m, 6))
    level_rows: list[tuple[int, int, float]] = []

    stmt = (with_dept(select(dept_of, OpportunitySkill.skill_id, OpportunitySkill.min_proficiency, func.count())
                      .join(Opportunity, Opportunity.id == OpportunitySkill.opportunity_id), Opportunity.org_unit_id)
            .where(Opportunity.status == "open", in_units(Opportunity.org_unit_id, units))
            .group_by(*keys, OpportunitySkill.skill_id, OpportunitySkill.min_proficiency))
    for dept, skill, level, count in session.execute(stmt):
        opp[row[skill], col.get(dept, m - 1)] += count
        level_rows.append((row[skill], level, count))

    staffed = (with_dept(select(dept_of, Employee.role_id, func.count()), Employee.org_unit_id)
               .where(Employee.status == "active", Employee.role_id.is_not(None), in_units(Employee.org_unit_id, units))
               .group_by(*keys, Employee.role_id))
    by_role: dict[int, list[tuple[int, int]]] = {}  # role -> [(department column, headcount)]
    headcount = np.zeros(m)
    for dept, role, count in session.execute(staffed):
        by_role.setdefault(int(role or 0), []).append((col.get(dept, m - 1), count))
        headcount[col.get(dept, m - 1)] += count
    req = session.execute(select(RoleSkill.role_id, RoleSkill.skill_id, RoleSkill.min_proficiency)
                          .where(RoleSkill.role_id.in_(sorted(by_role)))).all() if by_role else []
    for role, skill, level in req:
        for c, count in by_role[role]:
            roles[row[skill], c] += count
            level_rows.append((row[skill], level, count))

    wanted = None if supply_rows is None else sorted(int(sid[i]) for i in supply_rows(opp + roles))
    held = (with_dept(select(dept_of, EmployeeSkill.skill_id, EmployeeSkill.proficiency, func.count())
                      .join(Employee, Employee.id == EmployeeSkill.employee_id), Employee.org_unit_id)
            .where(Employee.status == "active", EmployeeSkill.status == "accepted",
                   in_units(Employee.org_unit_id, units),
                   True if wanted is None else EmployeeSkill.skill_id.in_(wanted))
            .group_by(*keys, EmployeeSkill.skill_id, EmployeeSkill.proficiency))
    for dept, skill, level, count in session.execute(held):
        supply[row[skill], col.get(dept, m - 1), min(max(level, 0), 5)] += count

    if level_rows:
        arr = np.array(level_rows, dtype=np.float64)
        needed = core.weighted_level(arr[:, 1], arr[:, 2], arr[:, 0], n)
    else:
        needed = np.zeros(n, dtype=np.int64)
    needed = np.where(needed == 0, 1, needed)
    return Cube(sid, [s.preferred_label for s in skills], [s.group for s in skills], unit_ids,
                opp, roles, supply, needed, headcount)


def _rows(cube: Cube, opp: np.ndarray, roles: np.ndarray, supply3: np.ndarray, idx: np.ndarray) -> list[SkillDemand]:
    supply = core.supply_at_level(supply3[idx], cube.needed[idx])
    gap = core.supply_demand_gap(opp[idx] + roles[idx], supply)
    return [SkillDemand(
        skill_id=int(cube.skill_ids[i]), skill=cube.labels[i], group=cube.groups[i], needed_level=int(cube.needed[i]),
        demand_openings=float(opp[i]), demand_roles=float(roles[i]), demand=float(gap.demand[k]),
        supply=float(gap.supply[k]), gap=float(gap.gap[k]),
        coverage=None if np.isnan(gap.coverage[k]) else float(gap.coverage[k]))
        for k, i in enumerate(idx.tolist())]


def skills_supply_demand(session: Session, *, org_unit_id: int | None = None, limit: int = 50) -> SupplyDemand:
    """Demand, supply and gap for every demanded skill (the ``limit`` largest gaps first), and
    totals by skill group."""
    cube = load_cube(session, org_unit_id=org_unit_id, by_department=False)
    opp, roles, supply3 = cube.opp_demand.sum(axis=1), cube.role_demand.sum(axis=1), cube.supply.sum(axis=1)
    demanded = np.flatnonzero(opp + roles > 0)
    rows = _rows(cube, opp, roles, supply3, demanded)
    totals: dict[str, list[float]] = {}
    for r in rows:
        cell = totals.setdefault(r.group or "(no group)", [0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += r.demand
        cell[2] += r.supply
    groups = [GroupDemand(group=g, skills=int(n), demand=d, supply=s, gap=d - s, coverage=s / d if d else None)
              for g, (n, d, s) in totals.items()]
    rows.sort(key=lambda r: (-r.gap, r.skill))
    groups.sort(key=lambda g: (-g.gap, g.group))
    tree_label = load_org_tree(session).label(org_unit_id)
    return SupplyDemand(org_unit=tree_label, method=METHOD, skills=rows[:limit], groups=groups)


def skill_gaps_by_unit(session: Session, *, org_unit_id: int | None = None, limit: int = 5) -> list[UnitGaps]:
    """For each department, the ``limit`` skills with the largest shortage."""
    cube = load_cube(session, org_unit_id=org_unit_id)
    names = load_org_tree(session).names
    out = []
    for c, unit in enumerate(cube.units):
        opp, roles, supply3 = cube.opp_demand[:, c], cube.role_demand[:, c], cube.supply[:, c, :]
        idx = np.flatnonzero(opp + roles > 0)
        if unit < 0 or not idx.size:
            continue
        rows = sorted(_rows(cube, opp, roles, supply3, idx), key=lambda r: (-r.gap, r.skill))
        out.append(UnitGaps(org_unit_id=unit, org_unit=names.get(unit, str(unit)), headcount=int(cube.headcount[c]),
                            gaps=[r for r in rows[:limit] if r.gap > 0]))
    out.sort(key=lambda u: -sum(g.gap for g in u.gaps))
    return out


def skills_heatmap(session: Session, *, org_unit_id: int | None = None, top: int = 15) -> Heatmap:
    """Coverage (supply / demand) of the ``top`` most demanded skills in each department."""
    cube = load_cube(session, org_unit_id=org_unit_id,
                     supply_rows=lambda d: np.argsort(-d.sum(axis=1), kind="stable")[:top])
    names = load_org_tree(session).names
    demand = cube.opp_demand + cube.role_demand
    total = demand.sum(axis=1)
    rows = [int(i) for i in np.argsort(-total, kind="stable")[:top] if total[i] > 0]
    cols = [c for c, u in enumerate(cube.units) if u >= 0 and demand[:, c].sum() > 0]
    cov: list[list[float | None]] = []
    dem: list[list[float]] = []
    for i in rows:
        supply = core.supply_at_level(cube.supply[i][cols], np.full(len(cols), cube.needed[i]))
        d = demand[i, cols]
        cov.append([float(s / x) if x else None for s, x in zip(supply, d, strict=True)])
        dem.append([float(x) for x in d])
    return Heatmap(rows=[cube.labels[i] for i in rows], columns=[names.get(cube.units[c], "?") for c in cols],
                   coverage=cov, demand=dem)


def emerging_skills(session: Session, *, period: Period, limit: int = 20, min_count: int = 2) -> list[EmergingSkill]:
    """Skills whose demand in opportunities posted during the period grew most against the
    period of the same length before it (smoothed growth; at least ``min_count`` now)."""
    prev = period.previous()
    current = case((Opportunity.posted_on >= period.start, 1), else_=0)
    stmt = (select(OpportunitySkill.skill_id, current, func.count())
            .join(Opportunity, Opportunity.id == OpportunitySkill.opportunity_id)
            .where(Opportunity.posted_on >= prev.start, Opportunity.posted_on <= period.end)
            .group_by(OpportunitySkill.skill_id, current))
    now: dict[int, int] = {}
    before: dict[int, int] = {}
    for skill, is_current, count in session.execute(stmt):
        (now if is_current else before)[int(skill)] = int(count)
    ids = [s for s, c in now.items() if c >= min_count]
    if not ids:
        return []
    g = core.growth([before.get(s, 0) for s in ids], [now[s] for s in ids])
    meta = {r.id: r for r in session.execute(select(Skill.id, Skill.preferred_label, Skill.group)
                                              .where(Skill.id.in_(ids)))}
    out = [EmergingSkill(skill_id=s, skill=meta[s].preferred_label, group=meta[s].group, previous=before.get(s, 0),
                         current=now[s], growth=float(x)) for s, x in zip(ids, g, strict=True)]
    out.sort(key=lambda e: (-e.growth, -e.current, e.skill))
    return out[:limit]
