"""Keep the HR dashboard warm in a long-running process (each web worker): compute the default
``/hr/analytics`` view (the last 365 days, whole organisation) as the worker starts, then, while
HR keeps using the dashboards, recompute what went stale — new data, or older than half the
cache's ``max_age`` — in the background, so that a request finds it computed.

Why: a cold dashboard on 100,000 people reads 1.3 million person-skills and 2·10⁵ job spells
(1.5–2.0 s on 2 cores, SQLite or PostgreSQL), while a computed one answers in 0.1–0.2 s
(BENCHMARKS.md, "Kept warm"). Other periods and org units still compute on demand, but they reuse the bulk loads
this warm-up leaves behind (``cache.shared``), so they skip most of that reading too.

Demographics are not read here: the bias audit is computed when an auditor opens it (and is
audited then), never in the background."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from trellis.analytics import cache
from trellis.analytics.dashboard import dashboard, skills_tiles
from trellis.analytics.schemas import Period

log = logging.getLogger(__name__)
START_WAIT_SECONDS = 15  # a web worker serves once the warm-up is done, or after this long at most


def warm_dashboard(factory: sessionmaker[Session], *, max_age: float, refresh_age: float | None = None) -> None:
    """Compute the default dashboard into this process's cache (only what is missing or stale;
    with ``refresh_age``, also what is older than that). When warming from nothing, the skills
    tiles, whose cube reads every person-skill, are computed in a second thread and session
    meanwhile: the database reads them while this thread computes the mobility tiles. A refresh
    (usually only the tiles that read new events) stays in one thread."""
    if refresh_age is not None:
        _in_session(factory, max_age, refresh_age, _everything)
        return
    side = threading.Thread(target=_quietly, args=(factory, max_age, refresh_age, _skills), daemon=True,
                            name="warm-analytics-skills")
    side.start()
    try:
        _in_session(factory, max_age, refresh_age, _everything)
    finally:
        side.join()


def _skills(session: Session) -> None:
    skills_tiles(session)


def _everything(session: Session) -> None:
    dashboard(session, period=Period.last_year())  # waits for, then reuses, the other thread's tiles


def _quietly(factory: sessionmaker[Session], max_age: float, refresh_age: float | None,
             compute: Callable[[Session], None]) -> None:
    try:
        _in_session(factory, max_age, refresh_age, compute)
    except Exception:  # the main thread computes the same tiles again and reports the error
        log.debug("warming the skills tiles failed", exc_info=True)


def _in_session(factory: sessionmaker[Session], max_age: float, refresh_age: float | None,
                compute: Callable[[Session], None]) -> None:
    with factory() as session:
        try:
            cache.enable_background(session, max_age, refresh_age)
            compute(session)
        finally:
            session.rollback()


def keep_warm(factory: sessionmaker[Session], *, max_age: float, every: float, keep_warm_for: float,
              stop: threading.Event, warmed: threading.Event | None = None) -> None:
    """Warm now (then set ``warmed``, whether it worked or not); then every ``every`` seconds, as
    long as a dashboard was requested in this process within ``keep_warm_for`` seconds, refresh
    what is stale or older than half ``max_age``. Runs until ``stop`` is set (a background
    thread of a web worker)."""
    try:
        if max_age <= 0:
            return
        started = time.perf_counter()
        if _warm(factory, max_age, None):
            log.info("analytics dashboard computed %.1f s after the worker started", time.perf_counter() - started)
    finally:
        if warmed is not None:
            warmed.set()
    while every > 0 and not stop.wait(every):
        if cache.seconds_since_viewed() <= keep_warm_for:
            _warm(factory, max_age, max_age / 2)


def _warm(factory: sessionmaker[Session], max_age: float, refresh_age: float | None) -> bool:
    try:
        warm_dashboard(factory, max_age=max_age, refresh_age=refresh_age)
        return True
    except Exception:  # the page computes on demand and shows any error there
        log.exception("warming the analytics dashboard failed")
        return False
