"""Skills supply and demand: by skill and skill group, the largest gaps per org unit, a
coverage heatmap, and emerging skills (demand growth between periods).

Demand for a skill = the open opportunities that ask for it + for each role that requires it,
the role's headcount (people in post). The level needed is the demand-weighted median of the
levels asked. Supply = active people holding the skill (accepted, not pending) at or above that
level. Skill-group figures sum their skills' demand and supply (person-skill units)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from trellis.analytics import frames
from trellis.analytics.cache import cacheable, memo, shared
from trellis.analytics.frames import lookup
from trellis.analytics.org import department_table, in_units
from trellis.analytics.schemas import EmergingSkill, GroupDemand, Heatmap, Period, SkillDemand, SupplyDemand, UnitGaps
from trellis.analytics.service import load_org_tree
from trellis.core import analytics as core
from trellis.models import Opportunity, OpportunitySkill, Skill

METHOD = __doc__.split("\n\n", 1)[1].replace("\n", " ") if __doc__ else ""


@dataclass(frozen=True)
class Cube:
    """Demand and supply with the department kept, so totals and per-department views share
    one load."""

    skill_ids: np.ndarray
    labels: list[str]
    groups: list[str | None]
    units: list[int]  # column order of the per-unit arrays: departments, then -1 (none)
    opp_demand: np.ndarray  # skills × units
    role_demand: np.ndarray  # skills × units
    supply: np.ndarray  # skills × units × 6 proficiency
    needed: np.ndarray  # skills
    headcount: np.ndarray  # units


def load_cube(session: Session, *, org_unit_id: int | None = None) -> Cube:
    """Demand and supply per skill and department for the unit's subtree, counted with numpy
    from the session's bulk reads (see ``analytics.frames``); one cube per session and unit."""
    return memo(session, ("cube", org_unit_id), lambda: _build_cube(session, org_unit_id))


def _build_cube(session: Session, org_unit_id: int | None) -> Cube:
    mask = load_org_tree(session).unit_mask(load_org_tree(session).subtree(org_unit_id))
    dept_ids, dept_of_unit = department_table(session)
    unit_ids = [*dept_ids, -1]
    m = len(unit_ids)

    def column(units: np.ndarray) -> np.ndarray:  # a row's department column; m - 1 for none
        col = lookup(dept_of_unit, units)
        return np.where(col < 0, m - 1, col)

    skills = shared(session, ("skills",), ("skills",), lambda: frames.fetch_raw(
        session, select(Skill.id, Skill.preferred_label, Skill.group).order_by(Skill.id)))
    sid = np.array([s[0] for s in skills], dtype=np.int64)
    row_of = frames.by_id(sid, np.arange(sid.shape[0]))
    n = sid.shape[0]

    o_unit, o_skill, o_level = frames.open_opportunity_skills(session)
    keep = in_units(mask, o_unit)
    o_row, o_col, o_level = lookup(row_of, o_skill[keep]), column(o_unit[keep]), o_level[keep]
    opp = _count((o_row, o_col), (n, m))

    p = frames.people(session)
    staffed = p.active & (p.role >= 0) & in_units(mask, p.org_unit)
    s_role, s_col = p.role[staffed], column(p.org_unit[staffed])
    headcount = np.bincount(s_col, minlength=m).astype(np.float64)
    r_role, r_skill, r_level = frames.role_skills(session)
    n_roles = int(max(r_role.max(initial=0), s_role.max(initial=0))) + 1
    staff = _count((s_role, s_col), (n_roles, m))  # headcount per role and department
    need = staff[r_role]  # requirements × departments
    roles = np.zeros((n, m))
    np.add.at(roles, lookup(row_of, r_skill), need)
    req_rows = np.repeat(np.arange(r_role.shape[0]), m)[need.ravel() > 0]

    e_emp, e_skill, e_level = frames.person_skills(session)
    active = frames.by_id(p.id, p.active, False)
    unit_of = frames.by_id(p.id, p.org_unit)
    e_unit = lookup(unit_of, e_emp)
    held = lookup(active, e_emp, False).astype(bool) & in_units(mask, e_unit)
    supply = _count((lookup(row_of, e_skill[held]), column(e_unit[held]), np.clip(e_level[held], 0, 5)), (n, m, 6))

    levels = np.concatenate([o_level, r_level[req_rows]]).astype(np.float64)
    weights = np.concatenate([np.ones(o_level.shape[0]), need.ravel()[need.ravel() > 0]])
    keys = np.concatenate([o_row, lookup(row_of, r_skill[req_rows])])
    needed = core.weighted_level(levels, weights, keys, n) if levels.shape[0] else np.zeros(n, dtype=np.int64)
    needed = np.where(needed == 0, 1, needed)
    return Cube(sid, [s[1] for s in skills], [s[2] for s in skills], unit_ids, opp, roles, supply, needed, headcount)


def _count(index: tuple[np.ndarray, ...], shape: tuple[int, ...]) -> np.ndarray:
    """How many times each cell of an array of ``shape`` is named by the index arrays."""
    flat = np.ravel_multi_index(index, shape) if index[0].shape[0] else np.zeros(0, dtype=np.int64)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(np.float64)


def _rows(cube: Cube, opp: np.ndarray, roles: np.ndarray, supply3: np.ndarray, idx: np.ndarray) -> list[SkillDemand]:
    supply = core.supply_at_level(supply3[idx], cube.needed[idx])
    gap = core.supply_demand_gap(opp[idx] + roles[idx], supply)
    return [SkillDemand(
        skill_id=int(cube.skill_ids[i]), skill=cube.labels[i], group=cube.groups[i], needed_level=int(cube.needed[i]),
        demand_openings=float(opp[i]), demand_roles=float(roles[i]), demand=float(gap.demand[k]),
        supply=float(gap.supply[k]), gap=float(gap.gap[k]),
        coverage=None if np.isnan(gap.coverage[k]) else float(gap.coverage[k]))
        for k, i in enumerate(idx.tolist())]


@cacheable("org_units", "skills", "employees", "employee_skills", "opportunities", "opportunity_skills", "role_skills")
def skills_supply_demand(session: Session, *, org_unit_id: int | None = None, limit: int = 50) -> SupplyDemand:
    """Demand, supply and gap for every demanded skill (the ``limit`` largest gaps first), and
    totals by skill group."""
    cube = load_cube(session, org_unit_id=org_unit_id)
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


@cacheable("org_units", "skills", "employees", "employee_skills", "opportunities", "opportunity_skills", "role_skills")
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


@cacheable("org_units", "skills", "employees", "employee_skills", "opportunities", "opportunity_skills", "role_skills")
def skills_heatmap(session: Session, *, org_unit_id: int | None = None, top: int = 15) -> Heatmap:
    """Coverage (supply / demand) of the ``top`` most demanded skills in each department."""
    cube = load_cube(session, org_unit_id=org_unit_id)
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


@cacheable("skills", "opportunities", "opportunity_skills")
def emerging_skills(session: Session, *, period: Period, limit: int = 20, min_count: int = 2) -> list[EmergingSkill]:
    """Skills whose demand in opportunities posted during the period grew most against the
    period of the same length before it (smoothed growth; at least ``min_count`` now)."""
    prev = period.previous()
    current = case((Opportunity.posted_on >= period.start, 1), else_=0)
    skill, is_current = frames.fetch_columns(session, select(OpportunitySkill.skill_id, current)
                                             .join(Opportunity, Opportunity.id == OpportunitySkill.opportunity_id)
                                             .where(Opportunity.posted_on >= prev.start,
                                                    Opportunity.posted_on <= period.end))
    counted = {flag: np.unique(skill[is_current == flag], return_counts=True) for flag in (0, 1)}
    before = dict(zip(*(a.tolist() for a in counted[0]), strict=True))
    now = dict(zip(*(a.tolist() for a in counted[1]), strict=True))
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
