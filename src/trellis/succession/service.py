"""Succession: ranked internal successors with readiness bands, and bench strength, for the
roles marked critical (or one named role)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.core.paths import Requirement
from trellis.core.succession import rank_successors_matrix
from trellis.errors import NotFound
from trellis.models import Employee, EmployeeSkill, Role, RoleSkill, Skill
from trellis.succession.schemas import SuccessionOut, SuccessorOut


def list_successors(session: Session, *, role: str | None = None, limit: int = 10,
                    level_window: int = 2) -> list[SuccessionOut]:
    """For each critical role (or ``role``), active employees in other roles at its level or up to
    ``level_window`` levels below (people already above it are not successors), ranked by
    readiness band, then match, then smaller gap."""
    if role is not None:
        roles = list(session.scalars(select(Role).where(Role.external_id == role)))
        if not roles:
            raise NotFound(f'role "{role}" does not exist')
    else:
        roles = list(session.scalars(select(Role).where(Role.is_critical.is_(True)).order_by(Role.external_id)))
    if not roles:
        return []
    role_ids = [r.id for r in roles]
    reqs: dict[int, list[Requirement]] = defaultdict(list)
    for rs in session.scalars(select(RoleSkill).where(RoleSkill.role_id.in_(role_ids))):
        reqs[rs.role_id].append(Requirement(rs.skill_id, rs.min_proficiency, rs.weight, rs.required))
    min_level = min(r.level for r in roles) - level_window
    people = session.execute(
        select(Employee.id, Employee.external_id, Employee.name, Employee.role_id, Employee.level)
        .where(Employee.status == "active")
    ).all()
    people = [p for p in people if p.level is None or p.level >= min_level]
    wanted = sorted({r.skill_id for rl in reqs.values() for r in rl})
    columns = {sk: c for c, sk in enumerate(wanted)}
    row = {p.id: i for i, p in enumerate(people)}
    have = np.zeros((len(people), len(wanted)))
    for es in session.execute(select(EmployeeSkill.employee_id, EmployeeSkill.skill_id, EmployeeSkill.proficiency)
                              .where(EmployeeSkill.skill_id.in_(wanted), EmployeeSkill.status != "rejected")):
        if es.employee_id in row:
            have[row[es.employee_id], columns[es.skill_id]] = es.proficiency
    titles = {r[0]: r[1] for r in session.execute(select(Role.id, Role.title))}
    labels = {r[0]: r[1] for r in session.execute(select(Skill.id, Skill.preferred_label).where(Skill.id.in_(wanted)))}
    ids = np.array([p.id for p in people], dtype=np.int64)
    level = np.array([-1 if p.level is None else p.level for p in people], dtype=np.int64)
    role_of = np.array([-1 if p.role_id is None else p.role_id for p in people], dtype=np.int64)
    info = {p.id: p for p in people}
    out = []
    for r in roles:
        mask = (role_of != r.id) & ((level < 0) | ((level >= r.level - level_window) & (level <= r.level)))
        rows = np.nonzero(mask)[0] if reqs.get(r.id) else np.zeros(0, dtype=np.int64)
        ranked, bench = rank_successors_matrix([int(i) for i in ids[rows]], have[rows], reqs.get(r.id, []), columns,
                                               limit=limit)
        out.append(SuccessionOut(
            role=r.external_id, title=r.title, level=r.level, critical=r.is_critical,
            incumbents=int((role_of == r.id).sum()), bench=bench.counts, strength=bench.strength,
            successors=[SuccessorOut(employee=info[s.person_id].external_id, name=info[s.person_id].name,
                                     current_role=titles.get(info[s.person_id].role_id or -1),
                                     level=info[s.person_id].level, score=s.score, gap_levels=s.gap_levels,
                                     band=s.band,
                                     top_gaps=[f"{labels.get(g.skill_id, g.skill_id)} {g.current_level}→"
                                               f"{g.required_level}" for g in s.gap[:3]])
                        for s in ranked]))
    return out
