"""Time every analytics service call (what a dashboard tile or API route does) on a large
organisation, against a baseline measured in the same run.

    PYTHONPATH=src python bench/analytics_bench.py --db sqlite:///var/demo100k.db [--events 300000] [--pages]
    PYTHONPATH=src python bench/analytics_bench.py --synthetic 100000 --path var/bench_analytics.db

``--db`` uses an existing database (e.g. one built by ``trellis demo --employees 100000``). If it
has no recommendation events, ``--events N`` first adds N deterministic ``shown`` events in the
period (scores from a seeded generator) plus the opened/applied/shortlisted/selected events that
follow them, so the funnel and the bias audit have data. ``--synthetic N`` instead builds a
bench-only organisation of N employees (see ``bench/synthetic_org.py``).

Each call runs cold: the session's bulk reads are forgotten before every run (as in a new web
request) and the results cache is not used. ``--pages`` also times ``/hr/analytics`` and
``/hr/fairness`` through the web stack: cold (cache emptied), warm, and after another writer
recorded one event. Wall and CPU seconds of this process are both reported (SQLite runs
in-process, so its CPU time includes the database's work; PostgreSQL's server time is not).
With ``PYTHONPATH=<a checkout of an older commit>/src`` the same script times that code.

Baseline: a full scan of employee_skills (count and sum) — the database's floor on this machine;
each call is reported as seconds and as a multiple of that baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

try:  # absent before the bulk-read rewrite: the bench also times that code (PYTHONPATH=<old>/src)
    from trellis.analytics import cache
except ImportError:
    cache = None  # type: ignore[assignment]

from trellis.analytics.fairness import audit_bias
from trellis.analytics.flows import hoarding_indicators, talent_flows
from trellis.analytics.reports import mobility_report
from trellis.analytics.schemas import Period
from trellis.analytics.service import mobility_metrics, mobility_trend
from trellis.analytics.skills import (
    emerging_skills,
    skill_gaps_by_unit,
    skills_heatmap,
    skills_supply_demand,
)
from trellis.db import make_engine, make_session_factory
from trellis.models import Employee, Opportunity, OrgUnit, RecommendationEvent

STAGES = ("shown", "opened", "applied", "shortlisted", "selected")
FOLLOW = (0.2, 0.25, 0.3, 0.3)  # share of each stage that reaches the next


def add_events(session: Session, n: int, period: Period, seed: int = 11) -> int:
    """Deterministic funnel events for the bench (documented in BENCHMARKS.md)."""
    rng = np.random.default_rng(seed)
    emps = np.array(session.scalars(select(Employee.id).where(Employee.status == "active")).all())
    opps = np.array(session.scalars(select(Opportunity.id)).all())
    if not emps.size or not opps.size:
        return 0
    e = rng.choice(emps, n)
    o = rng.choice(opps, n)
    score = rng.beta(2, 3, n)
    day0 = datetime.combine(period.start, datetime.min.time(), tzinfo=UTC)
    at = rng.integers(0, period.days * 86400 - 86400 * 30, n)
    rows: list[dict[str, Any]] = []
    alive = np.ones(n, dtype=bool)
    for k, kind in enumerate(STAGES):
        if k:
            alive &= rng.random(n) < FOLLOW[k - 1] * (0.6 + score)
        for i in np.flatnonzero(alive):
            rows.append({"employee_id": int(e[i]), "opportunity_id": int(o[i]), "kind": kind, "source": "recommend",
                         "at": day0 + timedelta(seconds=int(at[i]) + 86400 * k), "components": {},
                         "score": float(score[i]) if kind == "shown" else None, "rank": None})
    for start in range(0, len(rows), 50_000):
        session.execute(insert(RecommendationEvent), rows[start:start + 50_000])
    return len(rows)


def timed(fn: Callable[[], Any], repeat: int, before: Callable[[], Any] = lambda: None) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds of this process) per run. SQLite runs in-process, so CPU time
    counts the database's work too and is far less sensitive to a busy shared machine. ``before``
    runs untimed before each run (the calls forget the session's bulk reads: every run is cold,
    as in a fresh web request)."""
    out = []
    for _ in range(repeat):
        before()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - t0, time.process_time() - c0))
    return out


def record_event(url: str) -> None:
    """Another writer commits one recommendation event (dated 2001, outside any audited period):
    the events table's data version changes, nothing else does."""
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        emp, opp = s.scalar(select(func.min(Employee.id))), s.scalar(select(func.min(Opportunity.id)))
        s.add(RecommendationEvent(employee_id=emp, opportunity_id=opp, kind="shown", source="recommend",
                                  at=datetime(2001, 1, 1, tzinfo=UTC), components={}))
        s.commit()
    engine.dispose()


def time_pages(url: str, period: Period, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """The two HR pages through the whole web stack (routing, permission check, every service
    the page calls, template rendering), signed in as an HR admin with an API token: cold (the
    cache emptied before each request: as after a restart), warm (unchanged data: the
    data-version check, cached results and rendering), and after another writer recorded one
    recommendation event (what changes most often: only the calls and loads reading events are
    redone)."""
    import tempfile

    from fastapi.testclient import TestClient

    from trellis.accounts.service import create_api_token, create_user
    from trellis.config import Settings
    from trellis.web.app import create_app

    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        user = create_user(s, email=f"bench-{os.getpid()}-{time.time_ns()}@example.com", role="hr_admin")
        raw, _token = create_api_token(s, user=user, name="analytics bench", scopes=["read"])
        s.commit()
    engine.dispose()
    out: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=url, data_dir=Path(tmp), secret_key="bench",  # nothing else running
                            match_warm_on_start=False, analytics_warm_on_start=False)
        with TestClient(create_app(settings)) as client:
            headers = {"Authorization": f"Bearer {raw}"}
            for path in ("/hr/analytics", "/hr/fairness"):
                def get(path: str = path) -> None:
                    response = client.get(path, params={"period": period.label}, headers=headers)
                    assert response.status_code == 200, response.text[:500]
                empty = cache.clear if cache else (lambda: None)
                out[f"page {path} (cold: cache empty)"] = timed(get, repeat, before=empty)
                get()
                out[f"page {path} (warm: cached results)"] = timed(get, repeat)
                if cache:
                    out[f"page {path} (after a new event)"] = timed(get, repeat, before=lambda: record_event(url))
            client.app.state.engine.dispose()  # type: ignore[attr-defined]
        if cache and hasattr(cache, "enable_background"):
            out.update(time_worker_start(url, Path(tmp), {"Authorization": f"Bearer {raw}"}, repeat))
    return out


def time_views(url: str, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """The whole dashboard (``analytics.dashboard``, every tile of /hr/analytics) for views other
    than the default one, in a process that has done the warm-up (``warm.warm_dashboard``, as a
    web worker does at start): these reuse the warm-up's bulk loads and compute the rest. The
    cache is emptied and the warm-up redone before each run."""
    from trellis.analytics import warm
    from trellis.analytics.dashboard import dashboard

    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as s:
        dept = s.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_not(None)).order_by(OrgUnit.id))
    views = {"default period (last 365 days)": (Period.last_year(), None),
             "period 2025": (Period.parse("2025"), None),
             "period 2024, one department": (Period.parse("2024"), dept),
             "default period, one department": (Period.last_year(), dept)}
    out: dict[str, list[tuple[float, float]]] = {}

    def fresh_warm_up() -> None:
        cache.clear()
        warm.warm_dashboard(factory, max_age=300)

    for name, (period, unit) in views.items():
        def view(period: Period = period, unit: int | None = unit) -> None:
            with factory() as s:
                cache.enable(s, 300)
                dashboard(s, period=period, org_unit_id=unit)
        out[f"after the warm-up: {name}"] = timed(view, repeat, before=fresh_warm_up)
    engine.dispose()
    return out


def time_worker_start(url: str, tmp: Path, headers: dict[str, str],
                      repeat: int) -> dict[str, list[tuple[float, float]]]:
    """``/hr/analytics`` as HR first opens it (no period chosen: the last 365 days) in a worker
    that starts with an empty cache: the start-up (the app's lifespan, which with the warm-up on
    waits until the default dashboard is computed) and the first visit, with the warm-up off and
    on; then, with it on, a visit once the background refresh has run after another writer
    recorded an event. Each round starts a new app; the matching index warm-up stays off."""
    from fastapi.testclient import TestClient

    from trellis.config import Settings
    from trellis.web.app import create_app

    out: dict[str, list[tuple[float, float]]] = {}

    def visit(client: TestClient, name: str) -> None:
        w, c = time.perf_counter(), time.process_time()
        response = client.get("/hr/analytics", headers=headers)
        assert response.status_code == 200, response.text[:500]
        out.setdefault(name, []).append((time.perf_counter() - w, time.process_time() - c))

    def settled(timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while (len(cache._ENTRIES) < 7 or cache._FLIGHTS) and time.monotonic() < deadline:
            time.sleep(0.05)

    refresh = 5
    for warm in (False, True):
        for _ in range(repeat):
            cache.clear()
            settings = Settings(database_url=url, data_dir=tmp, secret_key="bench", match_warm_on_start=False,
                                analytics_warm_on_start=warm, analytics_refresh_seconds=refresh)
            app = create_app(settings)
            w, c = time.perf_counter(), time.process_time()
            with TestClient(app) as client:  # the lifespan: with the warm-up on, serving starts once warm
                out.setdefault(f"worker start: start-up, warm-up {'on' if warm else 'off'}", []).append(
                    (time.perf_counter() - w, time.process_time() - c))
                if not warm:
                    visit(client, "worker start: first visit, warm-up off (cold)")
                    continue
                visit(client, "worker start: first visit, warm-up on")
                record_event(url)
                time.sleep(refresh * 2.2)
                settled()
                visit(client, "worker start: after a new event and a refresh")
            app.state.engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="database URL of an existing organisation")
    ap.add_argument("--synthetic", type=int, help="build a bench-only organisation of N employees")
    ap.add_argument("--path", default="var/bench_analytics.db", help="SQLite file for --synthetic")
    ap.add_argument("--period", default="2025-01-01..2025-12-31")
    ap.add_argument("--events", type=int, default=0, help="add N shown events (+ funnel) if there are none")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", help="time only the calls whose name contains this text (and the baseline)")
    ap.add_argument("--pages", action="store_true",
                    help="also time the /hr/analytics and /hr/fairness pages (TestClient, HR admin API token), "
                         "cold and warm")
    ap.add_argument("--views", action="store_true",
                    help="also time other dashboard views (periods, a department) after the warm-up")
    args = ap.parse_args()
    period = Period.parse(args.period)
    if args.synthetic:
        from synthetic_org import build

        url = build(args.synthetic, Path(args.path), period=period)
    elif args.db:
        url = args.db
    else:
        ap.error("give --db URL or --synthetic N")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        if args.events and not session.scalar(select(func.count()).select_from(RecommendationEvent)):
            t0 = time.perf_counter()
            added = add_events(session, args.events, period)
            session.commit()
            print(f"added {added:,} recommendation events in {time.perf_counter() - t0:.1f} s")
        counts = {name: session.scalar(text(f"SELECT count(*) FROM {name}")) for name in (
            "employees", "job_history", "employee_skills", "opportunities", "applications",
            "recommendation_events", "protected_attributes")}
        print("data:", ", ".join(f"{k}={v:,}" for k, v in counts.items()))
        dept = session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_not(None)).order_by(OrgUnit.id))
        calls: dict[str, Callable[[], Any]] = {
            "baseline: scan employee_skills": lambda: session.execute(
                text("SELECT count(*), sum(proficiency) FROM employee_skills")).all(),
            "mobility_metrics (whole org)": lambda: mobility_metrics(session, period=period),
            "mobility_metrics (one department)": lambda: mobility_metrics(session, period=period, org_unit_id=dept),
            "mobility_metrics (year before, retention)": lambda: mobility_metrics(session, period=period.previous()),
            "mobility_trend": lambda: mobility_trend(session, period=period),
            "skills_supply_demand": lambda: skills_supply_demand(session),
            "skill_gaps_by_unit": lambda: skill_gaps_by_unit(session),
            "skills_heatmap": lambda: skills_heatmap(session),
            "emerging_skills": lambda: emerging_skills(session, period=period),
            "talent_flows (department)": lambda: talent_flows(session, period=period),
            "talent_flows (family)": lambda: talent_flows(session, period=period, by="family"),
            "hoarding_indicators": lambda: hoarding_indicators(session, period=period),
            "audit_bias": lambda: audit_bias(session, period=period),
            "mobility_report (all of the above, html)": lambda: mobility_report(session, period=period),
        }
        forget = (lambda: cache.forget(session)) if cache else (lambda: None)
        results = {name: timed(fn, args.repeat, before=forget) for name, fn in calls.items()
                   if not args.only or args.only in name or name.startswith("baseline")}
    if args.pages:
        results.update(time_pages(url, period, args.repeat))
    if args.views:
        results.update(time_views(url, args.repeat))
    base = statistics.median(t[0] for t in results["baseline: scan employee_skills"])
    print(f"\n{'call':44} {'wall p50 s':>10} {'wall max s':>10} {'CPU p50 s':>9} {'× baseline':>10}")
    for name, times in results.items():
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        print(f"{name:44} {wall:10.3f} {max(t[0] for t in times):10.3f} {cpu:9.3f} {wall / base:10.1f}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    engine.dispose()


if __name__ == "__main__":
    main()
