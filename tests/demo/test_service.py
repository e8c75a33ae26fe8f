"""Building the demo organisation into a real database, and the `trellis demo` command."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from trellis.cli import app
from trellis.demo.service import build_demo
from trellis.errors import Conflict, Invalid
from trellis.models import AuditEvent, Employee, JobHistory, Opportunity, Role, Skill, Taxonomy


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_small_organisation_builds_into_the_database(session: Session) -> None:
    summary = build_demo(session, employees=200, seed=3)
    assert count(session, Employee) == summary.rows["employees"] == 200
    assert count(session, JobHistory) == summary.rows["job_history"]
    assert count(session, Opportunity) == summary.rows["opportunities"] > 0
    assert session.scalar(select(func.count()).select_from(Skill).join(Taxonomy)
                          .where(Taxonomy.source == "trellis")) > 300
    assert session.scalar(select(AuditEvent.data).where(AuditEvent.action == "demo.build"))["employees"] == 200
    # ids were assigned by the generator; the database hands out the next ones without clashing
    extra = Employee(external_id="X-1", name="New Starter", work_email="new.starter@example.org")
    session.add(extra)
    session.flush()
    assert extra.id > 200


def test_a_database_with_employees_is_refused_unless_replace_is_asked(session: Session) -> None:
    build_demo(session, employees=100, seed=1)
    with pytest.raises(Conflict, match="--replace"):
        build_demo(session, employees=120, seed=2)
    assert count(session, Employee) == 100
    build_demo(session, employees=120, seed=2, replace=True)
    assert count(session, Employee) == 120
    assert session.scalar(select(func.count()).select_from(Taxonomy).where(Taxonomy.source == "trellis")) == 1
    assert count(session, Role) == 281  # the old job architecture went with the old organisation


def test_an_organisation_too_small_for_every_department_is_invalid(session: Session) -> None:
    with pytest.raises(Invalid, match="at least"):
        build_demo(session, employees=20, seed=1)


def test_the_demo_command_builds_prints_a_summary_and_refuses_to_build_twice(fresh_db_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--employees", "80", "--seed", "4", "--db", fresh_db_url])
    assert result.exit_code == 0, result.output
    assert "Demo organisation built" in result.output and "employees" in result.output
    again = runner.invoke(app, ["demo", "--employees", "80", "--db", fresh_db_url])
    assert again.exit_code == 1 and isinstance(again.exception, Conflict)


def test_replace_wipes_the_organisation_and_whatever_refers_to_it_but_keeps_taxonomies_and_the_audit_log() -> None:
    from trellis.demo.service import organisation_tables

    wiped = organisation_tables()
    assert {"employees", "employee_skills", "applications", "recommendation_events", "roles"} <= set(wiped)
    assert not {"taxonomies", "skills", "skill_relations", "occupations", "audit_events"} & set(wiped)
    assert wiped.index("employee_skills") < wiped.index("employees") < wiped.index("roles")
