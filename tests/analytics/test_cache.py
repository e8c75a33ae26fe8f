"""The dashboards' results cache: off unless a session opts in; answers from memory while the
data it reads is unchanged and the entry is young; recomputes at once when a table it reads
gains, loses or updates (timestamped) rows; and an edit in place to a table without
``updated_at`` shows once the entry is ``max_age`` old — the documented bound."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from org_scenario import Org
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from builders import make_spell
from portal_world import hr_bearer
from trellis.analytics import cache
from trellis.analytics.fairness import audit_bias
from trellis.analytics.schemas import Period
from trellis.analytics.service import mobility_metrics
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory, session_scope
from trellis.models import AuditEvent, Employee, JobHistory, OrgUnit
from trellis.web.app import create_app

YEAR = Period.parse("2025")


def test_without_opting_in_every_call_computes(session: Session, org: Org) -> None:
    assert mobility_metrics(session, period=YEAR) is not mobility_metrics(session, period=YEAR)


def test_an_opted_in_session_reuses_a_result_while_the_data_is_unchanged(session: Session, org: Org) -> None:
    cache.enable(session, 300)
    first = mobility_metrics(session, period=YEAR)
    assert mobility_metrics(session, period=YEAR) is first
    assert mobility_metrics(session, period=YEAR, org_unit_id=org.eng.id) is not first  # other arguments


def test_a_new_row_in_a_table_the_call_reads_recomputes_at_once(session: Session, org: Org) -> None:
    cache.enable(session, 300)
    before = mobility_metrics(session, period=YEAR)
    make_spell(session, org.people["c"], role_id=None, org_unit_id=org.sales.id, start=date(2025, 9, 1),
               move_type="lateral")
    session.flush()
    after = mobility_metrics(session, period=YEAR)
    assert after is not before and after.internal_moves == before.internal_moves + 1


def test_an_updated_timestamped_row_recomputes_at_once(session: Session, org: Org) -> None:
    cache.enable(session, 300)
    before = mobility_metrics(session, period=YEAR, org_unit_id=org.eng.id)
    session.execute(update(Employee).where(Employee.id == org.people["c"].id).values(name="Ann Renamed"))
    session.flush()  # a bulk UPDATE sets updated_at through the column's onupdate
    assert mobility_metrics(session, period=YEAR, org_unit_id=org.eng.id) is not before


def test_an_edit_in_place_without_updated_at_shows_once_the_entry_is_max_age_old(
    session: Session, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    cache.enable(session, 60)
    before = mobility_metrics(session, period=YEAR)
    spell = session.scalars(select(JobHistory).where(JobHistory.move_type == "promotion")).first()
    assert spell is not None
    session.execute(update(JobHistory).where(JobHistory.id == spell.id).values(move_type="lateral"))
    session.flush()
    clock[0] += 59
    assert mobility_metrics(session, period=YEAR) is before  # same counts, ids: not visible yet
    clock[0] += 2
    after = mobility_metrics(session, period=YEAR)
    assert (after.promotions, after.laterals) == (before.promotions - 1, before.laterals + 1)


def test_a_deleted_row_recomputes_at_once(session: Session, org: Org) -> None:
    cache.enable(session, 300)
    before = mobility_metrics(session, period=YEAR)
    moved = session.scalars(select(JobHistory.id).where(JobHistory.move_type == "lateral")).first()
    session.execute(delete(JobHistory).where(JobHistory.id == moved))
    session.flush()
    assert mobility_metrics(session, period=YEAR).internal_moves == before.internal_moves - 1


def test_a_cached_bias_audit_still_records_that_demographics_were_viewed(session: Session, org: Org) -> None:
    cache.enable(session, 300)
    first = audit_bias(session, period=YEAR, actor="user:1")
    assert audit_bias(session, period=YEAR, actor="user:2") is first
    actors = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "demographics.read")).all()
    assert actors[-2:] == ["user:1", "user:2"]


def test_the_api_serves_from_the_cache_and_sees_another_writer_commit(org_db: str, tmp_path: Path) -> None:
    app = create_app(Settings(database_url=org_db, data_dir=tmp_path, secret_key="x"))
    try:
        client = TestClient(app, headers=hr_bearer(org_db))
        first = client.get("/api/v1/analytics/mobility", params={"period": "2025"}).json()
        assert len(cache._ENTRIES) == 1
        assert client.get("/api/v1/analytics/mobility", params={"period": "2025"}).json() == first
        eng = make_engine(org_db)  # another process's import: a new unit and a move into it
        with session_scope(make_session_factory(eng)) as s:
            unit = OrgUnit(external_id="OU-NEW", name="New team", parent_id=None)
            s.add(unit)
            s.flush()
            person = s.scalars(select(Employee).order_by(Employee.id)).first()
            assert person is not None
            make_spell(s, person, role_id=None, org_unit_id=unit.id, start=date(2025, 10, 1), move_type="lateral")
        eng.dispose()
        after = client.get("/api/v1/analytics/mobility", params={"period": "2025"}).json()
        assert after["internal_moves"] == first["internal_moves"] + 1
    finally:
        app.state.engine.dispose()


def test_a_zero_max_age_turns_the_cache_off_on_the_pages(org_db: str, tmp_path: Path) -> None:
    app = create_app(Settings(database_url=org_db, data_dir=tmp_path, secret_key="x", analytics_cache_seconds=0))
    try:
        client = TestClient(app, headers=hr_bearer(org_db))
        assert client.get("/hr/analytics", params={"period": "2025"}).status_code == 200
        assert client.get("/hr/fairness", params={"period": "2025"}).status_code == 200
        assert not cache._ENTRIES
    finally:
        app.state.engine.dispose()


def test_bulk_loads_are_shared_across_sessions_only_while_their_own_tables_are_unchanged(
    session: Session, org: Org
) -> None:
    from trellis.analytics import frames
    from trellis.analytics.cache import forget

    assert frames.person_skills(session) is not _fresh_load(session, frames.person_skills)  # not opted in
    cache.enable(session, 300)
    skills, history = frames.person_skills(session), frames.history(session)
    assert not skills[0].flags.writeable  # shared arrays are read-only
    forget(session)  # as a new request would start
    assert frames.person_skills(session) is skills and frames.history(session) is history
    make_spell(session, org.people["c"], role_id=None, org_unit_id=org.sales.id, start=date(2025, 9, 1),
               move_type="lateral")
    assert frames.history(session) is not history  # job_history changed: read again
    assert frames.person_skills(session) is skills  # employee_skills did not: still shared


def _fresh_load(session: Session, load):  # type: ignore[no-untyped-def]
    from trellis.analytics.cache import forget

    forget(session)
    return load(session)
