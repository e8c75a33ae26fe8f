"""The web tier under contention: many people apply to one opening at the same moment (each
twice, as a double click would) while the hiring manager, HR and the applicants read pages that
log what they showed (audited reads, recommendation events, token use). Served by uvicorn on a
loopback port against a file database (SQLite, or PostgreSQL in CI): no request may fail with a
503 or 500, no row may be lost or written twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from builders import make_employee
from portal_world import World, build_world
from reliability.served import serving
from reliability.together import all_at_once
from trellis.accounts.permissions import Actor
from trellis.accounts.service import create_api_token, create_user
from trellis.applications import service as applications
from trellis.applications.schemas import ApplyIn
from trellis.db import make_engine, make_session_factory, session_scope
from trellis.models import ApiToken, Application, AuditEvent, RecommendationEvent, Skill, User

APPLICANTS = 20
EARLIER = 3  # applications already there, so every audited list shows someone
HUGO = "hugo-api@example.com"  # the gig's hiring manager


def _token(session: Any, *, email: str, role: str, employee_id: int | None = None) -> dict[str, str]:
    user = create_user(session, email=email, role=role, employee_id=employee_id)
    raw, _ = create_api_token(session, user=user, name="contention", scopes=["read", "write"])
    return {"Authorization": f"Bearer {raw}"}


def _people(url: str, world: World) -> tuple[list[dict[str, str]], dict[str, str], dict[str, str]]:
    """Bearer headers for the applicants, the gig's hiring manager and an HR admin."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as s:
        for n in range(EARLIER):
            early = make_employee(s, name=f"Early {n}")
            applications.apply(s, actor=Actor(user_id=0, role="employee", employee_id=early.id),
                               opportunity_id=world.gig, data=ApplyIn(note="early"))
        python = s.get(Skill, world.python)
        assert python is not None
        applicants = [_token(s, email=f"applicant{n}@example.com", role="employee",
                             employee_id=make_employee(s, name=f"Applicant {n}", skills={python: 3}).id)
                      for n in range(APPLICANTS)]
        hugo = _token(s, email=HUGO, role="manager", employee_id=world.hugo)
        hr = _token(s, email="hr-api@example.com", role="hr_admin")
    engine.dispose()
    return applicants, hugo, hr


Call = Callable[[httpx.Client], httpx.Response]


def _calls(gig: int, applicants: list[dict[str, str]], hugo: dict[str, str],
           hr: dict[str, str]) -> list[tuple[str, Call]]:
    """What everyone does at the same moment, each with what kind of call it is."""
    calls: list[tuple[str, Call]] = []
    for headers in applicants:  # each applicant submits twice at once: one 201, one 409
        calls += [("apply", lambda c, h=headers: c.post(f"/api/v1/opportunities/{gig}/applications",
                                                        json={"note": "hello"}, headers=h))] * 2
    for headers in applicants[:4]:
        calls.append(("for_you", lambda c, h=headers: c.get("/api/v1/recommendations", headers=h)))
    for _ in range(3):
        calls.append(("list", lambda c: c.get(f"/api/v1/opportunities/{gig}/applications", headers=hugo)))
        calls.append(("page", lambda c: c.get(f"/manage/opportunities/{gig}/applicants", headers=hugo)))
        calls.append(("shortlist", lambda c: c.get(f"/api/v1/opportunities/{gig}/shortlist", headers=hr)))
    calls.append(("fairness_page", lambda c: c.get("/hr/fairness", headers=hr)))
    calls.append(("fairness_api", lambda c: c.get("/api/v1/analytics/fairness", headers=hr)))
    return calls


def test_many_applications_and_logged_reads_at_once_neither_fail_nor_lose_or_double_rows(
    fresh_db_url: str, tmp_path: Path,
) -> None:
    url = fresh_db_url
    world = build_world(url)
    applicants, hugo, hr = _people(url, world)
    calls = _calls(world.gig, applicants, hugo, hr)
    with serving(url, tmp_path) as base, httpx.Client(base_url=base, timeout=60) as client:
        results = all_at_once([partial(call, client) for _, call in calls])

    answers = Counter((kind, r.status_code if isinstance(r, httpx.Response) else repr(r))
                      for (kind, _), r in zip(calls, results, strict=True))
    expected = Counter({("apply", 201): APPLICANTS, ("apply", 409): APPLICANTS, ("for_you", 200): 4,
                        ("list", 200): 3, ("page", 200): 3, ("shortlist", 200): 3,
                        ("fairness_page", 200): 1, ("fairness_api", 200): 1})
    odd = {r.text[:200] for r in results if isinstance(r, httpx.Response) and r.status_code >= 500}
    assert answers == expected, odd
    by_kind = {kind: [r for (k, _), r in zip(calls, results, strict=True) if k == kind] for kind, _ in calls}
    shown = sum(len(r.json()) for r in by_kind["shortlist"]) + sum(
        len(r.json()["items"]) for r in by_kind["for_you"])

    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        def count(stmt: Any) -> int:
            return s.scalar(stmt) or 0

        rows = count(select(func.count()).select_from(Application).where(Application.opportunity_id == world.gig))
        people = count(select(func.count(func.distinct(Application.employee_id)))
                       .where(Application.opportunity_id == world.gig))
        audits = Counter(dict(s.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all()))
        pages = f"user:{s.scalar(select(User.id).where(User.email == HUGO))}"  # HTML: counted apart
        shown_rows = select(func.count()).select_from(RecommendationEvent).where(RecommendationEvent.kind == "shown")
        events = count(shown_rows.where(RecommendationEvent.actor != pages))
        page_events = count(shown_rows.where(RecommendationEvent.actor == pages))
        untouched = count(select(func.count()).select_from(ApiToken).where(ApiToken.last_used_at.is_(None)))
    engine.dispose()
    assert rows == people == APPLICANTS + EARLIER
    assert audits["application.submit"] == APPLICANTS + EARLIER
    assert audits["application.list"] == 6  # the three API lists and the three applicant pages
    assert audits["fairness.view"] == 1
    assert audits["demographics.read"] == 2  # the page and the API each read demographics once
    assert events == shown > 0
    assert page_events > 0 and page_events % 3 == 0  # three applicant pages, each logs its shortlist
    assert untouched == 0  # every token's last use was recorded

