"""`trellis paths`, `trellis mentoring` and `trellis succession` from the command line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from builders import make_employee, make_history, make_resource, make_role, make_skill
from trellis.cli import app
from trellis.db import make_engine

runner = CliRunner()


@pytest.fixture
def released(engine: Engine) -> None:
    """PostgreSQL cannot copy the template database while the shared test engine holds a pooled
    connection to it (``fresh_db_url``); close the pool first (it reconnects when next used)."""
    engine.dispose()


def _seed(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with Session(engine) as s:
        py, sql = make_skill(s, "Python"), make_skill(s, "SQL")
        dev = make_role(s, title="Developer", level=2, skills={py: 3})
        lead = make_role(s, title="Tech Lead", level=3, is_critical=True, skills={py: 4, sql: 3})
        for _ in range(3):
            e = make_employee(s, role_id=lead.id, level=3, skills={py: 4, sql: 3})
            make_history(s, e, dev, date(2019, 1, 1))
            make_history(s, e, lead, date(2021, 1, 1), "promotion")
        person = make_employee(s, role_id=dev.id, level=2, languages=["en"], skills={py: 3})
        make_history(s, person, dev, date(2022, 1, 1))
        course = make_resource(s, skills={sql: 3, py: 4}, hours=12, title="SQL for developers")
        ids = {"person": person.external_id, "lead": lead.external_id, "course": course.external_id,
               "mentor": e.external_id}
        s.commit()
    engine.dispose()
    return ids


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_paths_next_gap_and_eval_print_their_results(released: None, fresh_db_url: str) -> None:
    ids = _seed(fresh_db_url)
    out = _run("paths", "to", ids["person"], ids["lead"], "--k", "2", "--db", fresh_db_url)
    assert "Tech Lead" in out and "Path 1" in out
    data = json.loads(_run("paths", "next", ids["person"], "--json", "--db", fresh_db_url))
    assert data["moves"][0]["target"]["title"] == "Tech Lead" and data["moves"][0]["people"] == 3
    out = _run("paths", "gap", ids["person"], ids["lead"], "--db", fresh_db_url)
    assert "SQL for developers" in out and "12 hours" in out
    data = json.loads(_run("paths", "eval", "--share", "0.5", "--json", "--db", fresh_db_url))
    assert data["movers"] == 3 and data["held_out"] == 2


def test_a_development_plan_from_the_command_line_feeds_the_profile(released: None, fresh_db_url: str) -> None:
    ids = _seed(fresh_db_url)
    out = _run("paths", "plan", "create", ids["person"], "Become a lead", "--role", ids["lead"], "--db", fresh_db_url)
    plan_id = out.split("Plan ")[1].split(":")[0]
    out = _run("paths", "plan", "add", plan_id, "--course", ids["course"], "--db", fresh_db_url)
    item_id = out.split("[")[1].split("]")[0]
    out = _run("paths", "plan", "complete", item_id, "--db", fresh_db_url)
    assert "SQL at level 3 (inferred, pending verification)" in out
    assert "1/1 done" in _run("paths", "plan", "show", ids["person"], "--db", fresh_db_url)


def test_mentoring_and_succession_commands(released: None, fresh_db_url: str) -> None:
    ids = _seed(fresh_db_url)
    _run("mentoring", "mentor", ids["mentor"], "--skill", "SQL=4", "--capacity", "1", "--language", "en",
         "--db", fresh_db_url)
    _run("mentoring", "request", ids["person"], "--skill", "SQL", "--db", fresh_db_url)
    out = _run("mentoring", "assign", "--dry-run", "--db", fresh_db_url)
    assert "1 of 1 mentees paired" in out and "dry run" in out
    _run("mentoring", "forbid", ids["mentor"], ids["person"], "--reason", "same team", "--db", fresh_db_url)
    assert "0 of 1 mentees paired" in _run("mentoring", "assign", "--db", fresh_db_url)
    _run("mentoring", "clear", ids["mentor"], ids["person"], "--db", fresh_db_url)
    _run("mentoring", "pin", ids["mentor"], ids["person"], "--db", fresh_db_url)
    assert "(pinned)" in _run("mentoring", "assign", "--db", fresh_db_url)
    out = _run("succession", "list", "--db", fresh_db_url)
    assert "Tech Lead" in out and "bench" in out


def test_errors_exit_non_zero_with_a_message(released: None, fresh_db_url: str) -> None:
    result = runner.invoke(app, ["paths", "next", "E-nobody", "--db", fresh_db_url])
    assert result.exit_code != 0
