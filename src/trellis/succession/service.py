"""Succession: ranked internal successors with readiness bands, and bench strength, for the
roles marked critical (or one named role)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.core.paths import Requirement
from trellis.core.succession import bench_strength, rank_successors
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
    skills: dict[int, dict[int, int]] = defaultdict(dict)
    wanted = {r.skill_id for rl in reqs.values() for r in rl}
    ids = {p.id for p in people}
    for es in session.execute(select(EmployeeSkill.employee_id, EmployeeSkill.skill_id, EmployeeSkill.proficiency)
                              .where(EmployeeSkill.skill_id.in_(wanted), EmployeeSkill.status != "rejected")):
        if es.employee_id in ids:
            skills[es.employee_id][es.skill_id] = es.proficiency
    titles = {r[0]: r[1] for r in session.execute(select(Role.id, Role.title))}
    labels = {r[0]: r[1] for r in session.execute(select(Skill.id, Skill.preferred_label).where(Skill.id.in_(wanted)))}
    info = {p.id: p for p in people}
    out = []
    for r in roles:
        eligible = [p for p in people
                    if p.role_id != r.id and (p.level is None or r.level - level_window <= p.level <= r.level)]
        pool = {p.id: skills.get(p.id, {}) for p in eligible} if reqs.get(r.id) else {}
        ranked = rank_successors(pool, reqs.get(r.id, []), limit=len(pool))
        bench = bench_strength(ranked)
        out.append(SuccessionOut(
            role=r.external_id, title=r.title, level=r.level, critical=r.is_critical,
            incumbents=sum(1 for p in people if p.role_id == r.id), bench=bench.counts, strength=bench.strength,
            successors=[SuccessorOut(employee=info[s.person_id].external_id, name=info[s.person_id].name,
                                     current_role=titles.get(info[s.person_id].role_id or -1),
                                     level=info[s.person_id].level, score=s.score, gap_levels=s.gap_levels,
                                     band=s.band,
                                     top_gaps=[f"{labels.get(g.skill_id, g.skill_id)} {g.current_level}→"
                                               f"{g.required_level}" for g in s.gap[:3]])
                        for s in ranked[:limit]]))
    return out
