"""The database layer: one code path for SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from trellis.db import is_sqlite, make_engine, normalise_url
from trellis.migrations import current_heads
from trellis.models import AuditEvent, Employee


def test_postgres_urls_get_the_psycopg3_driver() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_migrations_have_a_single_head() -> None:
    assert len(current_heads()) == 1


def test_sqlite_runs_with_wal_and_foreign_keys_on(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_dangling_foreign_key_is_refused(session: Session) -> None:
    session.add(Employee(external_id="X1", name="X", work_email="x1@example.com", manager_id=999_999))
    with pytest.raises(IntegrityError):
        session.flush()


def test_the_audit_log_refuses_updates_and_deletes_in_the_database_itself(engine: Engine, session: Session) -> None:
    session.add(AuditEvent(action="test.append", actor="tester"))
    session.flush()
    event_id = session.scalar(select(AuditEvent.id).where(AuditEvent.action == "test.append"))
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :i"), {"i": event_id})
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text("DELETE FROM audit_events WHERE id = :i"), {"i": event_id})


def test_the_audit_log_refuses_updates_through_the_orm(session: Session) -> None:
    event = AuditEvent(action="test.orm", actor="tester")
    session.add(event)
    session.flush()
    event.actor = "mallory"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()


def test_the_test_database_is_the_kind_ci_asked_for(engine: Engine) -> None:
    import os

    wanted = os.environ.get("TRELLIS_TEST_DATABASE_URL")
    assert is_sqlite(str(engine.url)) == (not wanted)


def test_planner_statistics_are_refreshed_after_a_bulk_load_on_postgresql(fresh_db_url: str) -> None:
    from sqlalchemy import text as sql

    from trellis.db import is_sqlite, make_engine, refresh_statistics

    engine = make_engine(fresh_db_url)
    try:
        refresh_statistics(engine)  # SQLite: nothing to do, and nothing breaks
        if is_sqlite(fresh_db_url):
            return
        with engine.connect() as conn:
            analysed = conn.execute(sql("select last_analyze from pg_stat_user_tables "
                                        "where relname = 'employees'")).scalar()
        assert analysed is not None
    finally:
        engine.dispose()


def test_the_demo_command_refreshes_the_statistics_when_it_is_done(fresh_db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from trellis.cli import app

    called: list[str | None] = []
    monkeypatch.setattr("trellis.cli.demo.analyse_after_bulk_write", called.append)
    result = CliRunner().invoke(app, ["demo", "--employees", "80", "--db", fresh_db_url])
    assert result.exit_code == 0, result.output
    assert called == [fresh_db_url]


def test_a_statement_too_big_for_sqlite_is_bad_input_not_a_lost_database() -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from trellis.db import is_connection_error, is_too_big

    too_complex = OperationalError("SELECT ...", {}, sqlite3.OperationalError("LIKE or GLOB pattern too complex"))
    gone = OperationalError("SELECT ...", {}, sqlite3.OperationalError("unable to open database file"))
    assert is_too_big(too_complex) and not is_connection_error(too_complex)
    assert is_connection_error(gone) and not is_too_big(gone)
