"""Keeping the HR dashboard warm: a worker computes the default view as it starts, so the first
page reads nothing more; a refresh recomputes only what is stale or past half its age; it keeps
refreshing only while HR uses the dashboards; it never reads demographics; and a request that
arrives while the same result is being computed waits for it instead of computing it twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from portal_world import hr_bearer
from trellis.analytics import cache, frames, warm
from trellis.analytics.dashboard import dashboard
from trellis.analytics.schemas import Period
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory
from trellis.web.app import create_app


@pytest.fixture
def bulk_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bulk reads made from now on (one per table load)."""
    seen: list[str] = []
    real = frames.fetch_columns

    def counted(session: Session, stmt: Any, **kw: Any) -> list[Any]:
        seen.append(str(stmt))
        return real(session, stmt, **kw)

    monkeypatch.setattr(frames, "fetch_columns", counted)
    return seen


@pytest.fixture
def factory(org_db: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the committed scenario organisation, as a web worker's warm-up opens them."""
    engine = make_engine(org_db)
    yield make_session_factory(engine)
    engine.dispose()


def test_after_warming_the_default_dashboard_reads_no_table_again(factory: sessionmaker[Session],
                                                                  bulk_reads: list[str]) -> None:
    warm.warm_dashboard(factory, max_age=300)
    assert bulk_reads and cache._ENTRIES
    bulk_reads.clear()
    with factory() as session:
        cache.enable(session, 300)  # as the page does
        dashboard(session, period=Period.last_year())
    assert bulk_reads == []


def test_a_refresh_recomputes_what_is_past_the_refresh_age_and_keeps_the_rest(factory: sessionmaker[Session],
                                                                             bulk_reads: list[str]) -> None:
    warm.warm_dashboard(factory, max_age=300)
    computed_at = {k: e.at for k, e in cache._ENTRIES.items()}
    warm.warm_dashboard(factory, max_age=300, refresh_age=300)  # all younger: nothing to do
    assert {k: e.at for k, e in cache._ENTRIES.items()} == computed_at
    bulk_reads.clear()
    warm.warm_dashboard(factory, max_age=300, refresh_age=1e-9)  # all older: all again
    assert bulk_reads and all(cache._ENTRIES[k].at > at for k, at in computed_at.items())


def test_warming_never_counts_as_someone_viewing_the_dashboards(factory: sessionmaker[Session]) -> None:
    cache._VIEWED[0] = float("-inf")
    warm.warm_dashboard(factory, max_age=300)
    warm.warm_dashboard(factory, max_age=300, refresh_age=150)
    assert cache.seconds_since_viewed() == float("inf")
    with factory() as session:
        cache.enable(session, 300)  # what every dashboard page and analytics API request does
    assert cache.seconds_since_viewed() < 5


def test_warming_never_reads_demographics(factory: sessionmaker[Session]) -> None:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.lower())

    engine = factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        warm.warm_dashboard(factory, max_age=300)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements and not [s for s in statements if "demographic" in s]


def test_the_worker_keeps_refreshing_only_while_the_dashboards_are_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float | None] = []
    monkeypatch.setattr(warm, "_warm", lambda factory, max_age, refresh_age: calls.append(refresh_age) or True)
    stop = threading.Event()

    def run(viewed_ago: float) -> list[float | None]:
        calls.clear()
        cache._VIEWED[0] = time.monotonic() - viewed_ago
        worker = threading.Thread(target=warm.keep_warm, args=(None,), kwargs={
            "max_age": 300, "every": 0.01, "keep_warm_for": 3600, "stop": stop})
        worker.start()
        time.sleep(0.2)
        stop.set()
        worker.join(5)
        stop.clear()
        assert not worker.is_alive()
        return list(calls)

    in_use = run(viewed_ago=10)
    assert in_use[0] is None and len(in_use) > 3 and set(in_use[1:]) == {150}  # start, then refreshes
    assert run(viewed_ago=7200) == [None]  # nobody looked for two hours: warmed at start only


def test_a_second_caller_waits_for_the_computation_under_way_and_takes_its_result() -> None:
    builds: list[int] = []
    release = threading.Event()

    def slow_build() -> list[int]:
        builds.append(1)
        release.wait(5)
        return [42]

    results: list[Any] = []

    def call() -> None:
        results.append(cache._compute_once(cache._ENTRIES, ("db", "k"), ("v",), 300, 10, slow_build))

    first, second = threading.Thread(target=call), threading.Thread(target=call)
    first.start()
    time.sleep(0.05)
    second.start()
    time.sleep(0.05)
    release.set()
    first.join(5)
    second.join(5)
    assert len(builds) == 1 and results[0] is results[1]
    assert not cache._FLIGHTS  # nothing left behind


def test_a_caller_with_a_newer_data_version_does_not_take_the_older_result() -> None:
    old = cache._compute_once(cache._ENTRIES, ("db", "k"), ("v1",), 300, 10, lambda: ["old"])
    assert cache._compute_once(cache._ENTRIES, ("db", "k"), ("v2",), 300, 10, lambda: ["new"]) == ["new"]
    assert old == ["old"]


def test_a_starting_worker_serves_once_the_default_dashboard_is_computed(org_db: str, tmp_path: Path,
                                                                                  bulk_reads: list[str]) -> None:
    settings = Settings(database_url=org_db, data_dir=tmp_path, secret_key="x", match_warm_on_start=False,
                        analytics_warm_on_start=True)
    headers = hr_bearer(org_db)
    app = create_app(settings)
    try:
        with TestClient(app, headers=headers) as client:  # runs the lifespan: serving starts once warm
            assert len(cache._ENTRIES) == 7  # the dashboard's seven tiles
            bulk_reads.clear()
            assert client.get("/hr/analytics").status_code == 200
            assert bulk_reads == []
    finally:
        app.state.engine.dispose()


def test_a_worker_does_not_wait_for_a_warm_up_that_fails(tmp_path: Path) -> None:
    broken = Settings(database_url=f"sqlite:///{tmp_path}/missing/dir/x.db", data_dir=tmp_path, secret_key="x",
                      match_warm_on_start=False, analytics_warm_on_start=True)
    app = create_app(broken)
    started = time.monotonic()
    with TestClient(app) as client:
        assert time.monotonic() - started < warm.START_WAIT_SECONDS  # the failure released the start at once
        assert client.get("/health").status_code in (200, 503)
    app.state.engine.dispose()
