"""Extraction on a small taxonomy in a real database, and the pending-suggestion workflow."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from builders import make_employee, make_skill, make_taxonomy
from trellis.cli import app
from trellis.db import make_engine
from trellis.errors import NotFound
from trellis.extraction import service
from trellis.models import EmployeeSkill, Skill, Taxonomy

CV = "Senior engineer. 6 years of Python; basic k8s. Loves managing stakeholders."


def small_taxonomy(session: Session) -> dict[str, Skill]:
    tax = make_taxonomy(session, source="company")
    return {
        "python": make_skill(session, "Python", taxonomy_id=tax.id, alt_labels=["py"]),
        "k8s": make_skill(session, "Kubernetes", taxonomy_id=tax.id, alt_labels=["k8s"]),
        "stake": make_skill(session, "stakeholder management", taxonomy_id=tax.id,
                            alt_labels=["managing stakeholders"]),
        "sql": make_skill(session, "SQL", taxonomy_id=tax.id),
    }


def test_a_cv_yields_its_skills_with_spans_levels_and_evidence(session: Session) -> None:
    skills = small_taxonomy(session)
    found = {s.skill_id: s for s in service.extract_skills(session, text=CV, kind="cv")}
    assert set(found) == {skills["python"].id, skills["k8s"].id, skills["stake"].id}
    python = found[skills["python"].id]
    assert CV[python.start : python.end] == "Python"
    assert python.suggested_level == 4
    assert found[skills["k8s"].id].suggested_level == 1
    assert "6 years of Python" in python.evidence


def test_a_job_description_gets_no_proficiency_guesses(session: Session) -> None:
    small_taxonomy(session)
    assert all(s.suggested_level is None for s in service.extract_skills(session, text=CV, kind="job"))


def test_suggestions_are_pending_until_the_person_decides(session: Session) -> None:
    skills = small_taxonomy(session)
    person = make_employee(session, skills={skills["sql"]: 3})
    found = service.extract_skills(session, text=CV + " Also SQL.", kind="cv")
    added = service.suggest_skills(session, employee_id=person.id, suggestions=found, actor="test")
    assert {r.skill_id for r in added} == {skills["python"].id, skills["k8s"].id, skills["stake"].id}
    assert all(r.status == "pending" and r.source == "inferred" for r in added)
    service.decide_suggestion(session, employee_id=person.id, skill_id=skills["python"].id, accept=True,
                              actor="test", proficiency=5)
    service.decide_suggestion(session, employee_id=person.id, skill_id=skills["k8s"].id, accept=False, actor="test")
    pending = service.list_pending(session, employee_id=person.id)
    assert [p.skill_id for p in pending] == [skills["stake"].id]
    again = service.suggest_skills(session, employee_id=person.id, suggestions=found, actor="test")
    assert again == []


def test_deciding_a_suggestion_that_is_not_pending_is_refused(session: Session) -> None:
    skills = small_taxonomy(session)
    person = make_employee(session, skills={skills["sql"]: 3})
    with pytest.raises(NotFound):
        service.decide_suggestion(session, employee_id=person.id, skill_id=skills["sql"].id, accept=True, actor="t")


def test_the_cli_stores_suggestions_and_a_bad_file_leaves_nothing_behind(fresh_db_url: str, tmp_path) -> None:
    engine = make_engine(fresh_db_url)
    with Session(engine) as session:
        small_taxonomy(session)
        person = make_employee(session)
        session.commit()
        ext_id = person.external_id
    runner = CliRunner()
    bad = tmp_path / "cv.pdf"
    bad.write_text(CV)
    result = runner.invoke(app, ["extract", str(bad), "--kind", "cv", "--employee", ext_id, "--db", fresh_db_url])
    assert result.exit_code != 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(EmployeeSkill)) == 0
    good = tmp_path / "cv.txt"
    good.write_text(CV)
    result = runner.invoke(app, ["extract", str(good), "--kind", "cv", "--employee", ext_id, "--db", fresh_db_url])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(EmployeeSkill)) == 3
        assert session.scalar(select(func.count()).select_from(Taxonomy)) == 1
    engine.dispose()
