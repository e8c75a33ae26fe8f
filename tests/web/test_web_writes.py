"""Readers and writers in the web tier (web/writes.py): a GET is a reader whose log rows are
written apart, a route marked ``@writes`` and every unsafe method run as writers, and a reader
that writes anything else is flagged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.datastructures import State

from builders import make_employee
from portal_world import settings_for
from trellis.db import is_sqlite, make_engine
from trellis.models import AuditEvent, Employee, RecommendationEvent
from trellis.web.deps import SessionDep
from trellis.web.writes import ReaderWroteWarning, held_logs, set_up, writes


@pytest.fixture
def state(fresh_db_url: str) -> Iterator[State]:
    state = State()
    engine = make_engine(fresh_db_url)
    set_up(state, engine)
    yield state
    engine.dispose()


@pytest.fixture
def client(fresh_db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.settings = settings_for(fresh_db_url, tmp_path)
    engine = make_engine(fresh_db_url)
    set_up(app.state, engine)

    @app.get("/read")
    def read(session: SessionDep) -> int:
        session.add(AuditEvent(actor="user:1", action="test.read"))
        return session.scalar(select(func.count()).select_from(Employee)) or 0  # autoflush first

    @app.get("/sign-in")
    @writes
    def sign_in(session: SessionDep) -> int:
        return make_employee(session).id

    @app.post("/employees")
    def create(session: SessionDep) -> int:
        return make_employee(session).id

    with TestClient(app) as test_client:
        yield test_client
    engine.dispose()


def _count(state: State, model: type) -> int:
    with state.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_reader_holds_its_log_rows_back_instead_of_writing_them(state: State) -> None:
    with state.session_factory() as session:
        session.add(AuditEvent(actor="user:1", action="application.view"))
        session.add(RecommendationEvent(employee_id=1, opportunity_id=1, kind="shown", source="test"))
        session.flush()
        rows = held_logs(session)
        session.commit()
    assert sorted(type(r).__name__ for r in rows) == ["AuditEvent", "RecommendationEvent"]
    assert _count(state, AuditEvent) == 0


def test_a_reader_that_writes_anything_else_is_flagged(state: State) -> None:
    with state.session_factory() as session, pytest.warns(ReaderWroteWarning, match="@writes"):
        session.add(Employee(external_id="E-x", name="X", work_email="x@example.com"))
        session.flush()


def test_the_write_gate_is_for_sqlite_only(state: State, fresh_db_url: str) -> None:
    assert (state.write_gate is not None) == is_sqlite(fresh_db_url)


def test_a_get_writes_its_audit_rows_after_the_route_and_stays_a_reader(client: TestClient, fresh_db_url: str) -> None:
    assert client.get("/read").status_code == 200
    state = client.app.state  # type: ignore[attr-defined]
    assert _count(state, AuditEvent) == 1


def test_a_get_marked_writes_and_a_post_run_as_writers(client: TestClient) -> None:
    assert client.get("/sign-in").status_code == 200
    assert client.post("/employees").status_code == 200
    assert _count(client.app.state, Employee) == 2  # type: ignore[attr-defined]
