"""Small builders for test data: each makes one row with sensible defaults and returns it."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from trellis.models import (
    Employee,
    EmployeeSkill,
    JobFamily,
    Opportunity,
    OpportunitySkill,
    OrgUnit,
    Role,
    RoleSkill,
    Skill,
    Taxonomy,
)

_ids = itertools.count(1)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_ids):05d}"


def make_taxonomy(session: Session, **kw: Any) -> Taxonomy:
    tax = Taxonomy(**{"source": "company", "version": _next("v"), "name": "Test library", **kw})
    session.add(tax)
    session.flush()
    return tax


def make_skill(session: Session, label: str | None = None, **kw: Any) -> Skill:
    if "taxonomy_id" not in kw:
        kw["taxonomy_id"] = make_taxonomy(session).id
    skill = Skill(**{"external_id": _next("S"), "preferred_label": label or _next("skill "), **kw})
    session.add(skill)
    session.flush()
    return skill


def make_org_unit(session: Session, **kw: Any) -> OrgUnit:
    unit = OrgUnit(**{"external_id": _next("OU"), "name": _next("Unit "), **kw})
    session.add(unit)
    session.flush()
    return unit


def make_family(session: Session, **kw: Any) -> JobFamily:
    fam = JobFamily(**{"external_id": _next("F"), "name": _next("Family "), **kw})
    session.add(fam)
    session.flush()
    return fam


def make_role(session: Session, *, skills: dict[Skill, int] | None = None, **kw: Any) -> Role:
    role = Role(**{"external_id": _next("R"), "title": _next("Role "), "level": 2, **kw})
    session.add(role)
    session.flush()
    for skill, level in (skills or {}).items():
        session.add(RoleSkill(role_id=role.id, skill_id=skill.id, min_proficiency=level))
    session.flush()
    return role


def make_employee(session: Session, *, skills: dict[Skill, int] | None = None, **kw: Any) -> Employee:
    ext = _next("E")
    emp = Employee(**{"external_id": ext, "name": f"Person {ext}", "work_email": f"{ext.lower()}@example.com",
                      "hire_date": date(2020, 1, 1), **kw})
    session.add(emp)
    session.flush()
    for skill, level in (skills or {}).items():
        session.add(EmployeeSkill(employee_id=emp.id, skill_id=skill.id, proficiency=level))
    session.flush()
    return emp


def make_opportunity(session: Session, *, skills: dict[Skill, int] | None = None, **kw: Any) -> Opportunity:
    opp = Opportunity(**{"external_id": _next("O"), "title": _next("Opening "), "status": "open", **kw})
    session.add(opp)
    session.flush()
    for skill, level in (skills or {}).items():
        session.add(OpportunitySkill(opportunity_id=opp.id, skill_id=skill.id, min_proficiency=level))
    session.flush()
    return opp


# ---- career paths, learning and mentoring -------------------------------------------------------
def make_history(session: Session, employee: Employee, role: Role, start: date, move_type: str = "hire",
                 **kw: Any) -> Any:
    from trellis.models import JobHistory

    row = JobHistory(employee_id=employee.id, role_id=role.id, start_date=start, move_type=move_type, **kw)
    session.add(row)
    session.flush()
    return row


def make_resource(session: Session, *, skills: dict[Skill, int], hours: float = 10.0, **kw: Any) -> Any:
    from trellis.models import LearningResource, LearningSkill

    res = LearningResource(**{"external_id": _next("L"), "title": _next("Course "), "hours": hours, **kw})
    session.add(res)
    session.flush()
    for skill, level in skills.items():
        session.add(LearningSkill(resource_id=res.id, skill_id=skill.id, level=level))
    session.flush()
    return res
