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
