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


# --- analytics builders -------------------------------------------------------------------------

def make_spell(session: Session, employee: Employee, start: date, *, move_type: str = "hire",
               end: date | None = None, **kw: Any) -> Any:
    """One JobHistory row (a spell in a role/unit, or an exit marker)."""
    from trellis.models import JobHistory

    spell = JobHistory(employee_id=employee.id, start_date=start, end_date=end, move_type=move_type, **kw)
    session.add(spell)
    session.flush()
    return spell


def make_application(session: Session, employee: Employee, opportunity: Opportunity, **kw: Any) -> Any:
    from trellis.models import Application

    app = Application(employee_id=employee.id, opportunity_id=opportunity.id, **kw)
    session.add(app)
    session.flush()
    return app


def make_event(session: Session, employee: Employee, opportunity: Opportunity, kind: str, **kw: Any) -> Any:
    from trellis.models import RecommendationEvent

    event = RecommendationEvent(employee_id=employee.id, opportunity_id=opportunity.id, kind=kind, **kw)
    session.add(event)
    session.flush()
    return event


def make_demographics(session: Session, employee: Employee, **kw: Any) -> Any:
    from trellis.models import ProtectedAttributes

    row = ProtectedAttributes(employee_id=employee.id, **kw)
    session.add(row)
    session.flush()
    return row
