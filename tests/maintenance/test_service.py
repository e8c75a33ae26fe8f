"""Backups round-trip, restores refuse what is not a backup, and the purge keeps what it must."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from builders import make_employee, make_opportunity
from trellis.db import is_sqlite, make_engine
from trellis.errors import Invalid
from trellis.maintenance import service
from trellis.models import Application, AuditEvent, Employee, RecommendationEvent


def count_employees(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        n = session.scalar(select(func.count()).select_from(Employee)) or 0
    engine.dispose()
    return n


def test_a_backup_restores_the_database_as_it_was(fresh_db_url: str, tmp_path: Path) -> None:
    engine = make_engine(fresh_db_url)
    with Session(engine) as session:
        make_employee(session)
        make_employee(session)
        session.commit()
    target = service.backup(database_url=fresh_db_url, target=tmp_path / "backup.bin")
    with Session(engine) as session:
        make_employee(session)
        session.commit()
    engine.dispose()
    assert count_employees(fresh_db_url) == 3
    service.restore(database_url=fresh_db_url, source=target)
    assert count_employees(fresh_db_url) == 2


def test_restoring_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(
    fresh_db_url: str, tmp_path: Path
) -> None:
    if not is_sqlite(fresh_db_url):
        pytest.skip("pg_restore validates its own archives; this checks the SQLite path")
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(Invalid, match=r"not a SQLite database|not a Trellis backup"):
        service.restore(database_url=fresh_db_url, source=bogus)
    assert count_employees(fresh_db_url) == 0


def test_the_purge_deletes_only_old_closed_applications_and_old_ai_logs(session: Session) -> None:
    now = datetime.now(UTC)
    opening = make_opportunity(session)
    old_closed, old_open, recent_closed = (make_employee(session) for _ in range(3))
    long_ago = now - timedelta(days=800)
    session.add_all([
        Application(opportunity_id=opening.id, employee_id=old_closed.id, status="rejected", updated_at=long_ago),
        Application(opportunity_id=opening.id, employee_id=old_open.id, status="reviewing", updated_at=long_ago),
        Application(opportunity_id=opening.id, employee_id=recent_closed.id, status="selected"),
        RecommendationEvent(employee_id=old_open.id, opportunity_id=opening.id, kind="shown",
                            at=now - timedelta(days=400)),
        RecommendationEvent(employee_id=old_open.id, opportunity_id=opening.id, kind="shown",
                            at=now - timedelta(days=30)),
    ])
    session.flush()
    counts = service.purge(session, applications_months=24, ai_log_months=12, now=now)
    assert counts == {"applications": 1, "recommendation_events": 1}
    left = set(session.scalars(select(Application.employee_id)))
    assert left == {old_open.id, recent_closed.id}
    assert session.scalar(select(func.count()).select_from(RecommendationEvent)) == 1
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "maintenance.purge")) is not None


def test_a_dry_run_purge_counts_and_deletes_nothing(session: Session) -> None:
    opening = make_opportunity(session)
    person = make_employee(session)
    session.add(RecommendationEvent(employee_id=person.id, opportunity_id=opening.id, kind="shown",
                                    at=datetime.now(UTC) - timedelta(days=800)))
    session.flush()
    assert service.purge(session, applications_months=24, ai_log_months=12, dry_run=True)["recommendation_events"] == 1
    assert session.scalar(select(func.count()).select_from(RecommendationEvent)) == 1


def test_ai_logs_cannot_be_kept_less_than_six_months(session: Session) -> None:
    with pytest.raises(Invalid, match="at least 6 months"):
        service.purge(session, applications_months=24, ai_log_months=3)
