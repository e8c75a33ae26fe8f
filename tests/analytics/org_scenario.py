"""A small organisation with a year of history, shared by the analytics service tests (the
`org` fixture in conftest.py builds it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from builders import (
    make_application,
    make_demographics,
    make_employee,
    make_event,
    make_family,
    make_opportunity,
    make_org_unit,
    make_role,
    make_skill,
    make_spell,
)
from trellis.models import Employee, Opportunity, OrgUnit


@dataclass
class Org:
    root: OrgUnit
    eng: OrgUnit
    platform: OrgUnit
    sales: OrgUnit
    people: dict[str, Employee]
    opps: dict[str, Opportunity]


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def build_org(session: Session) -> Org:
    root = make_org_unit(session, name="Company")
    eng = make_org_unit(session, name="Engineering", parent_id=root.id)
    platform = make_org_unit(session, name="Platform", parent_id=eng.id)
    sales = make_org_unit(session, name="Sales", parent_id=root.id)
    eng_family, sales_family = make_family(session, name="Engineering"), make_family(session, name="Sales")
    python, sql, crm = (make_skill(session, "Python", group="Software"), make_skill(session, "SQL", group="Data"),
                        make_skill(session, "CRM", group="Sales tools"))
    eng1 = make_role(session, title="Engineer", level=1, family_id=eng_family.id, skills={python: 3, sql: 2})
    eng2 = make_role(session, title="Senior engineer", level=2, family_id=eng_family.id, skills={python: 4})
    rep = make_role(session, title="Account executive", level=1, family_id=sales_family.id, skills={crm: 3})
    boss = make_employee(session, name="Boss", org_unit_id=eng.id, role_id=eng2.id)
    sales_boss = make_employee(session, name="Sales boss", org_unit_id=sales.id, role_id=rep.id)
    a = make_employee(session, name="A", org_unit_id=eng.id, role_id=eng2.id, manager_id=boss.id,
                      skills={python: 4, sql: 3})
    b = make_employee(session, name="B", org_unit_id=platform.id, role_id=eng1.id, manager_id=boss.id,
                      skills={python: 2, crm: 4})
    c = make_employee(session, name="C", org_unit_id=eng.id, role_id=eng1.id, manager_id=boss.id,
                      skills={python: 3})
    d = make_employee(session, name="D", org_unit_id=sales.id, role_id=rep.id, manager_id=sales_boss.id,
                      status="terminated", skills={crm: 5})
    start = date(2020, 1, 1)
    for person, unit, role in ((boss, eng, eng2), (sales_boss, sales, rep)):
        make_spell(session, person, start, org_unit_id=unit.id, role_id=role.id)
    make_spell(session, a, start, end=date(2025, 3, 1), org_unit_id=eng.id, role_id=eng1.id)
    make_spell(session, a, date(2025, 3, 1), move_type="promotion", org_unit_id=eng.id, role_id=eng2.id)
    make_spell(session, b, start, end=date(2025, 6, 1), org_unit_id=sales.id, role_id=rep.id)
    make_spell(session, b, date(2025, 6, 1), move_type="lateral", org_unit_id=platform.id, role_id=eng1.id)
    make_spell(session, c, start, org_unit_id=eng.id, role_id=eng1.id)
    make_spell(session, d, start, end=date(2025, 9, 1), org_unit_id=sales.id, role_id=rep.id)
    make_spell(session, d, date(2025, 9, 1), move_type="exit", org_unit_id=sales.id)
    opps = {
        "job1": make_opportunity(session, type="job", org_unit_id=eng.id, status="filled", posted_on=date(2025, 1, 1),
                                 filled_on=date(2025, 2, 1), filled_internally=True, skills={python: 3}),
        "job2": make_opportunity(session, type="job", org_unit_id=sales.id, status="filled",
                                 posted_on=date(2025, 3, 1), filled_on=date(2025, 5, 1), filled_internally=False),
        "job3": make_opportunity(session, type="job", org_unit_id=sales.id, status="filled",
                                 posted_on=date(2025, 3, 1), filled_on=date(2025, 4, 1)),
        "open": make_opportunity(session, type="job", org_unit_id=platform.id, status="open",
                                 posted_on=date(2025, 10, 1), skills={python: 4, sql: 3}),
        "gig": make_opportunity(session, type="gig", org_unit_id=eng.id, status="filled", posted_on=date(2025, 4, 1),
                                filled_on=date(2025, 4, 20)),
    }
    make_application(session, c, opps["gig"], status="selected", submitted_at=at("2025-04-02"))
    make_application(session, a, opps["job1"], status="selected", submitted_at=at("2025-01-10"))
    make_application(session, b, opps["job1"], status="rejected", submitted_at=at("2025-01-11"),
                     decided_by_id=boss.id, updated_at=at("2025-01-31"))
    for person, kinds, score in ((a, ["shown", "opened", "applied", "shortlisted", "selected"], 0.9),
                                 (b, ["shown", "opened", "applied"], 0.7),
                                 (c, ["shown"], 0.4), (d, ["shown", "opened"], 0.5)):
        for kind in kinds:
            make_event(session, person, opps["job1"], kind, at=at("2025-01-05"),
                       score=score if kind == "shown" else None)
    make_demographics(session, a, sex="Female", race_ethnicity="Asian")
    make_demographics(session, b, sex="Male", race_ethnicity="White")
    make_demographics(session, c, sex="Female", race_ethnicity="White")
    return Org(root, eng, platform, sales, {"boss": boss, "a": a, "b": b, "c": c, "d": d}, opps)
