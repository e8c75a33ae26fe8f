"""`trellis users create` and `trellis users demo-accounts`."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from builders import make_employee
from trellis.cli import app
from trellis.db import make_engine, make_session_factory
from trellis.models import User


def test_users_create_links_the_employee_and_prints_a_generated_password(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    with make_session_factory(engine)() as s:
        make_employee(s, work_email="cli.person@example.com")
        s.commit()
    result = CliRunner().invoke(app, ["users", "create", "cli.person@example.com", "--role", "hr_admin",
                                      "--db", fresh_db_url])
    assert result.exit_code == 0, result.output
    assert "password:" in result.output and "employee" in result.output
    again = CliRunner().invoke(app, ["users", "create", "cli.person@example.com", "--db", fresh_db_url])
    assert again.exit_code == 1
    with make_session_factory(engine)() as s:
        assert s.scalar(select(User.role).where(User.email == "cli.person@example.com")) == "hr_admin"
    engine.dispose()


def test_demo_accounts_prints_one_account_per_role_and_can_be_rerun(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    with make_session_factory(engine)() as s:
        boss = make_employee(s)
        for _ in range(6):
            make_employee(s, manager_id=boss.id)
        s.commit()
    for _ in range(2):
        result = CliRunner().invoke(app, ["users", "demo-accounts", "--db", fresh_db_url])
        assert result.exit_code == 0, result.output
        for role in ("employee", "manager", "hr_partner", "hr_admin", "sysadmin"):
            assert role in result.output
    with make_session_factory(engine)() as s:
        assert len(list(s.scalars(select(User)))) == 5
    engine.dispose()


def test_demo_accounts_on_an_empty_database_says_what_to_do(fresh_db_url: str) -> None:
    result = CliRunner().invoke(app, ["users", "demo-accounts", "--db", fresh_db_url])
    assert result.exit_code != 0
