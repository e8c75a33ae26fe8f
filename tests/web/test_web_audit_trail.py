"""The audit trail through the portal: reading someone else's application and every decision
are recorded with who, what, when and why; HR admins search it on /hr/audit and /api/v1/audit;
no route of the product can change it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from portal_world import World


def test_reading_and_deciding_on_someone_elses_application_is_audited_and_searchable(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    eve, hugo, ada = as_role("employee"), as_role("hugo@example.com"), as_role("hr_admin")
    hugo_id = hugo.get("/api/v1/me").json()["id"]
    opp = hugo.post("/api/v1/opportunities", json={"type": "gig", "title": "Audit trail gig", "hours_per_week": 2})
    opp_id = opp.json()["id"]
    hugo.post(f"/api/v1/opportunities/{opp_id}/submit")
    ada.post(f"/api/v1/opportunities/{opp_id}/approve")
    app = eve.post(f"/api/v1/opportunities/{opp_id}/applications", json={"note": "keen", "confidential": True}).json()
    eve.get(f"/api/v1/applications/{app['id']}")  # one's own application: not an audited read

    assert hugo.get(f"/manage/opportunities/{opp_id}/applicants").status_code == 200
    assert hugo.get(f"/api/v1/applications/{app['id']}").status_code == 200
    moved = hugo.post(f"/api/v1/applications/{app['id']}/move",
                      json={"to": "shortlisted", "reason": "strong pipeline work", "version": app["version"]})
    assert moved.status_code == 200, moved.text

    found = ada.get("/api/v1/audit", params={"actor": f"user:{hugo_id}", "action": "application"}).json()
    actions = [e["action"] for e in found["items"]]
    assert actions == ["application.move", "application.view", "application.list"]
    move = found["items"][0]
    assert (move["entity_type"], move["entity_id"], move["reason"]) == ("application", str(app["id"]),
                                                                         "strong pipeline work")
    assert move["data"] == {"from": "submitted", "to": "shortlisted"} and move["at"]
    by_record = ada.get("/api/v1/audit", params={"entity": f"application:{app['id']}"}).json()["items"]
    assert {e["actor"] for e in by_record} >= {f"user:{hugo_id}"}
    eve_actor = f"user:{eve.get('/api/v1/me').json()['id']}"
    assert not [e for e in by_record if e["action"] == "application.view" and e["actor"] == eve_actor]

    page = ada.get("/hr/audit", params={"actor": f"user:{hugo_id}", "text": "pipeline", "since": "2000-01-01",
                                        "until": ""})
    assert page.status_code == 200 and "strong pipeline work" in page.text and "application.move" in page.text
    assert "application.list" not in page.text  # filtered by text


def test_the_audit_search_refuses_bad_filters_with_a_clear_message(as_role: Callable[[str], TestClient]) -> None:
    ada = as_role("hr_admin")
    assert ada.get("/api/v1/audit", params={"since": "yesterday"}).status_code == 422
    page = ada.get("/hr/audit", params={"since": "2025-02-01", "until": "2025-01-01"})
    assert page.status_code == 422 and "since must be before until" in page.text


def test_no_route_of_the_product_can_change_the_audit_trail(as_role: Callable[[str], TestClient]) -> None:
    app = as_role("hr_admin").app
    audit_routes = [(ctx.path, ctx.route.methods) for ctx in iter_route_contexts(app.router.routes)  # type: ignore[attr-defined]
                    if isinstance(ctx.route, APIRoute) and "audit" in ctx.path]
    assert audit_routes and all(methods <= {"GET", "HEAD"} for _, methods in audit_routes), audit_routes
    ada = as_role("hr_admin")
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert ada.request(method, "/api/v1/audit").status_code == 405
