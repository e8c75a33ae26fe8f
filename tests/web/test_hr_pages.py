"""HR analytics and fairness pages: who may see them, what they show, CSP-safe markup, and the
audit event for viewing demographic outcomes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from trellis.db import make_engine, make_session_factory
from trellis.models import AuditEvent

INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle\s*=|<style|\son[a-z]+\s*=", re.IGNORECASE)


def test_hr_partner_sees_analytics_but_not_fairness(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("hr_partner")
    page = client.get("/hr/analytics")
    assert page.status_code == 200
    for text in ("Mobility analytics", "Headline metrics", "<svg", "Largest skill gaps", "Hoarding flags",
                 "/api/v1/analytics/mobility/trend.csv", "/api/v1/analytics/flows.csv",
                 "/api/v1/analytics/skills/heatmap.csv", 'href="/hr/analytics"'):
        assert text in page.text, text
    assert 'href="/hr/fairness"' not in page.text
    assert client.get("/hr/fairness").status_code == 403
    csv = client.get("/api/v1/analytics/mobility/trend.csv")  # the session cookie works on the API
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")


def test_hr_admin_sees_both_and_viewing_the_audit_is_recorded(
    as_role: Callable[[str], TestClient], portal_settings,  # type: ignore[no-untyped-def]
) -> None:
    client = as_role("hr_admin")
    assert client.get("/hr/analytics?period=2025").status_code == 200
    page = client.get("/hr/fairness")
    assert page.status_code == 200
    for text in ("Data source", "Method", "Period", "/api/v1/analytics/fairness.csv", 'href="/hr/fairness"'):
        assert text in page.text, text
    assert client.get("/api/v1/analytics/fairness.csv").status_code == 200
    engine = make_engine(portal_settings.database_url)
    try:
        with make_session_factory(engine)() as s:
            events = s.scalars(select(AuditEvent).where(AuditEvent.action == "fairness.view")).all()
            reads = s.scalars(select(AuditEvent.actor).where(AuditEvent.action == "demographics.read")).all()
    finally:
        engine.dispose()
    assert events and events[-1].actor.startswith("user:") and events[-1].at is not None
    # each read of demographics (the page, then the CSV download) names the person, not "system"
    assert reads[-2:] == [events[-1].actor] * 2


@pytest.mark.parametrize("role", ["employee", "manager", "sysadmin"])
def test_other_roles_get_403(role: str, as_role: Callable[[str], TestClient]) -> None:
    client = as_role(role)
    assert client.get("/hr/analytics").status_code == 403
    assert client.get("/hr/fairness").status_code == 403


def test_anonymous_is_sent_to_sign_in(anonymous: TestClient) -> None:
    for path in ("/hr/analytics", "/hr/fairness"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_pages_have_no_inline_scripts_or_styles(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("hr_admin")
    for path in ("/hr/analytics", "/hr/fairness"):
        html = client.get(path).text
        assert not INLINE.search(html), (path, INLINE.search(html))


def test_a_bad_period_is_a_clear_error_not_a_crash(as_role: Callable[[str], TestClient]) -> None:
    response = as_role("hr_partner").get("/hr/analytics?period=soon")
    assert response.status_code in (400, 422) and "period" in response.text
