"""PostgreSQL is reachable and the schema migrates on it. Locally this skips with the reason
when no server answers; in CI (CI=true) an unreachable server is a failure."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import text

from trellis.db import make_engine
from trellis.migrations import upgrade

SERVER = os.environ.get("TRELLIS_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")


def _reachable() -> str | None:
    try:
        eng = make_engine(f"{SERVER}/postgres")
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as err:
        return f"no PostgreSQL at {SERVER}: {type(err).__name__}"


@pytest.mark.postgres
def test_the_schema_migrates_on_a_fresh_postgresql_database() -> None:
    reason = _reachable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must run the PostgreSQL tests)")
        pytest.skip(reason)
    name = f"trellis_mig_{uuid.uuid4().hex[:10]}"
    admin = make_engine(f"{SERVER}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(f"{SERVER}/{name}")
        eng = make_engine(f"{SERVER}/{name}")
        with eng.connect() as conn:
            tables = set(conn.execute(text("select tablename from pg_tables where schemaname='public'")).scalars())
        eng.dispose()
        assert {"employees", "skills", "opportunities", "audit_events", "protected_attributes"} <= tables
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
