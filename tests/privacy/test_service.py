"""A person can get everything held about them, and be erased without breaking the figures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from builders import make_employee, make_opportunity, make_skill
from trellis.models import (
    Application,
    AuditEvent,
    Employee,
    EmployeeSkill,
    JobHistory,
    Preferences,
    ProtectedAttributes,
)
from trellis.privacy import service


def person_with_data(session: Session) -> Employee:
    python = make_skill(session, "Python")
    person = make_employee(session, skills={python: 4}, name="Ada Example", job_title="Engineer")
    opening = make_opportunity(session)
    session.add_all([
        Application(opportunity_id=opening.id, employee_id=person.id, status="rejected", note="please consider me",
                    confidential=True),
        JobHistory(employee_id=person.id, title="Engineer", start_date=date(2020, 1, 1), move_type="hire"),
        Preferences(employee_id=person.id, interests=["data"]),
        ProtectedAttributes(employee_id=person.id, sex="female", birth_year=1987),
    ])
    session.flush()
    session.execute(EmployeeSkill.__table__.update().values(evidence="6 years of Python"))
    return person


def test_an_export_holds_every_table_about_the_person(session: Session) -> None:
    person = person_with_data(session)
    data = service.export_person(session, employee_id=person.id, actor="test")
    assert data["employees"][0]["name"] == "Ada Example"
    for table in ("employee_skills", "applications", "job_history", "preferences", "protected_attributes"):
        assert len(data[table]) == 1, table
    assert data["applications"][0]["note"] == "please consider me"
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.export")) is not None


def test_erasure_removes_identity_and_free_text_but_keeps_the_aggregates(session: Session) -> None:
    person = person_with_data(session)
    before = {m: session.scalar(select(func.count()).select_from(m)) for m in (Application, JobHistory, EmployeeSkill)}
    service.erase_person(session, employee_id=person.id, actor="test", reason="request 42")
    session.refresh(person)
    assert person.name == "Erased person" and "ada" not in person.work_email.lower()
    assert person.job_title is None
    assert session.scalar(select(Application.note).where(Application.employee_id == person.id)) is None
    assert session.scalar(select(EmployeeSkill.evidence).where(EmployeeSkill.employee_id == person.id)) is None
    assert session.scalar(select(func.count()).select_from(Preferences)) == 0
    after = {m: session.scalar(select(func.count()).select_from(m)) for m in (Application, JobHistory, EmployeeSkill)}
    assert after == before
    attrs = session.scalar(select(ProtectedAttributes).where(ProtectedAttributes.employee_id == person.id))
    assert attrs is not None and attrs.birth_year == 1980 and attrs.sex == "female"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.erase"))
    assert event is not None and event.reason == "request 42"
