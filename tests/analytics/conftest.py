"""Fixtures for the analytics service tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from org_scenario import Org, build_org
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from trellis.analytics import cache
from trellis.db import make_engine, make_session_factory, session_scope


@pytest.fixture
def org(session: Session) -> Org:
    return build_org(session)


@pytest.fixture
def org_db(request: pytest.FixtureRequest, engine: Engine) -> str:
    """The scenario organisation committed to a database of its own, for tests that serve it or
    run the CLI on it."""
    # PostgreSQL copies the template database only when nobody is connected to it: close the
    # pooled connections that earlier session-based tests left open.
    engine.dispose()
    url: str = request.getfixturevalue("fresh_db_url")
    eng = make_engine(url)
    with session_scope(make_session_factory(eng)) as s:
        build_org(s)
    eng.dispose()
    return url


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each analytics test starts and ends with an empty results cache (it is per process)."""
    cache.clear()
    yield
    cache.clear()
