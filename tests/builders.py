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


# --- matching -----------------------------------------------------------------------------------

def make_location(session: Session, **kw: Any) -> Any:
    from trellis.models import Location

    loc = Location(**{"external_id": _next("L"), "name": _next("City "), **kw})
    session.add(loc)
    session.flush()
    return loc


# ---- career paths, learning and mentoring -------------------------------------------------------
def make_history(session: Session, employee: Employee, role: Role, start: date, move_type: str = "hire",
                 **kw: Any) -> Any:
    from trellis.models import JobHistory

    row = JobHistory(employee_id=employee.id, role_id=role.id, start_date=start, move_type=move_type, **kw)
    session.add(row)
    session.flush()
    return row


def make_marketplace(session: Session) -> dict[str, Any]:
    """A small marketplace for matching tests: skills with a related pair, two roles, a manager,
    Alice (data engineer), Bob, a senior job, a job in Alice's own team and a gig."""
    from trellis.models import ProtectedAttributes, SkillRelation

    tax = make_taxonomy(session)
    sk = {name: make_skill(session, name, taxonomy_id=tax.id)
          for name in ("Python", "SQL", "MySQL", "PostgreSQL", "Kubernetes", "Docker")}
    session.add(SkillRelation(source_id=sk["MySQL"].id, target_id=sk["PostgreSQL"].id, relation="related",
                              strength=0.8))
    fam = make_family(session, name="Data")
    de = make_role(session, title="Data engineer", family_id=fam.id, level=2, skills={sk["Python"]: 3, sk["SQL"]: 3})
    senior = make_role(session, title="Senior data engineer", family_id=fam.id, level=3,
                       skills={sk["Python"]: 4, sk["SQL"]: 4})
    unit, other_unit = make_org_unit(session), make_org_unit(session)
    boss = make_employee(session, name="Boss", role_id=senior.id, level=3, org_unit_id=unit.id)
    alice = make_employee(session, name="Alice", job_title="Data engineer", role_id=de.id, level=2,
                          org_unit_id=unit.id, manager_id=boss.id, hire_date=date(2019, 1, 1),
                          skills={sk["Python"]: 4, sk["PostgreSQL"]: 4})
    bob = make_employee(session, name="Bob", role_id=de.id, level=2, org_unit_id=other_unit.id,
                        skills={sk["Docker"]: 2})
    make_history(session, alice, de, date(2019, 1, 1))
    make_history(session, bob, de, date(2018, 1, 1), end_date=date(2021, 1, 1))
    make_history(session, bob, senior, date(2021, 1, 1), move_type="promotion")
    job = make_opportunity(session, title="Senior data engineer", role_id=senior.id, org_unit_id=other_unit.id,
                           description="Build data pipelines in Python on Kubernetes",
                           skills={sk["Python"]: 3, sk["MySQL"]: 3, sk["Kubernetes"]: 3})
    own = make_opportunity(session, title="Data engineer in Alice's team", role_id=de.id, org_unit_id=unit.id,
                           hiring_manager_id=boss.id, skills={sk["Python"]: 3})
    gig = make_opportunity(session, title="Dashboard gig", type="gig", hours_per_week=4, skills={sk["SQL"]: 2})
    session.add(ProtectedAttributes(employee_id=alice.id, sex="female", race_ethnicity="x", birth_year=1980))
    session.flush()
    return {"skills": sk, "alice": alice, "bob": bob, "boss": boss, "job": job, "own": own, "gig": gig,
            "unit": unit}
def make_resource(session: Session, *, skills: dict[Skill, int], hours: float = 10.0, **kw: Any) -> Any:
    from trellis.models import LearningResource, LearningSkill

    res = LearningResource(**{"external_id": _next("L"), "title": _next("Course "), "hours": hours, **kw})
    session.add(res)
    session.flush()
    for skill, level in skills.items():
        session.add(LearningSkill(resource_id=res.id, skill_id=skill.id, level=level))
    session.flush()
    return res
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


# --- hostile files ------------------------------------------------------------------------------

def billion_laughs_docx() -> bytes:
    """A real DOCX whose document part declares nested entities that would expand a thousand
    million times (the "billion laughs" XML bomb)."""
    import io
    import zipfile

    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("LAUGH")
    document.save(buf)
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = data.decode().split("?>", 1)[-1].replace("LAUGH", "&lol9;")
                data = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>{body}'.encode()
            dst.writestr(info, data)
    return out.getvalue()
