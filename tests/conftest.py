"""Shared fixtures. Every database test runs against a real database: a SQLite file by default,
or the PostgreSQL database named by TRELLIS_TEST_DATABASE_URL (CI runs the suite on both).
Each test gets a session inside a transaction that is rolled back afterwards."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.db import Base, is_sqlite, make_engine, normalise_url
from trellis.migrations import upgrade

PG_URL = os.environ.get("TRELLIS_TEST_DATABASE_URL")


def _admin_url(url: str) -> str:
    return str(make_url(normalise_url(url)).set(database="postgres").render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def template_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per run, used as the template for the others."""
    if PG_URL:
        engine = make_engine(PG_URL)
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            conn.execute(text("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE"))
        engine.dispose()
        upgrade(PG_URL)
        # A pristine copy nobody connects to: PostgreSQL refuses to clone a database that has
        # open sessions, and the tests' own pool keeps connections open on PG_URL.
        admin = make_engine(_admin_url(PG_URL)).execution_options(isolation_level="AUTOCOMMIT")
        source = make_url(normalise_url(PG_URL)).database
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{source}_tpl" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{source}_tpl" TEMPLATE "{source}"'))
        yield PG_URL
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{source}_tpl" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("db") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    yield url


@pytest.fixture(scope="session")
def engine(template_url: str) -> Iterator[Engine]:
    eng = make_engine(template_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back when the test ends (commits become savepoints)."""
    with engine.connect() as conn:
        trans = conn.begin()
        sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield sess
        finally:
            sess.close()
            trans.rollback()


@pytest.fixture
def fresh_db_url(template_url: str, engine: Engine, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database of the run's kind that a test may commit to (CLI, web)."""
    if not is_sqlite(template_url):
        engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
        name = f"trellis_t_{uuid.uuid4().hex[:12]}"
        admin = make_engine(_admin_url(template_url)).execution_options(isolation_level="AUTOCOMMIT")
        source = f"{make_url(normalise_url(template_url)).database}_tpl"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        url = str(make_url(normalise_url(template_url)).set(database=name).render_as_string(hide_password=False))
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    src = Path(make_url(template_url).database or "")
    dst = tmp_path / "trellis.db"
    shutil.copyfile(src, dst)
    yield f"sqlite:///{dst}"


@pytest.fixture
def settings(fresh_db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=fresh_db_url, data_dir=tmp_path / "data", secret_key="test-secret",
                    match_warm_on_start=False, analytics_warm_on_start=False)
