"""The marketplace end to end through the API and the pages: post → submit → approve → search →
apply confidentially → the current manager cannot see it → stages with reasons → offer → the
manager is told and asked for time release. Optimistic locking refuses stale decisions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from portal_world import World


def _post_opening(client: TestClient, world: World, **kw: object) -> dict:  # type: ignore[type-arg]
    body = {"type": "gig", "title": "Kubernetes migration", "description": "Move services to k8s",
            "role_id": world.role, "location_id": world.location, "remote": "hybrid", "hours_per_week": 6,
            "skills": [{"skill_id": world.kubernetes, "min_proficiency": 3, "required": True},
                       {"skill_id": world.python, "min_proficiency": 2, "required": False}], **kw}
    response = client.post("/api/v1/opportunities", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_posting_goes_from_draft_through_hr_approval_into_the_marketplace(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    manager, hr = as_role("manager"), as_role("hr_partner")
    opp = _post_opening(manager, world)
    assert opp["status"] == "draft" and [s["label"] for s in opp["skills"]] == ["Kubernetes", "Python"]
    assert as_role("employee").get(f"/api/v1/opportunities/{opp['id']}").status_code == 404  # drafts are private
    assert manager.post(f"/api/v1/opportunities/{opp['id']}/approve").status_code == 403  # managers don't approve
    assert manager.post(f"/api/v1/opportunities/{opp['id']}/submit").json()["status"] == "pending_approval"
    assert "Kubernetes migration" in hr.get("/hr/approvals").text
    assert hr.post(f"/api/v1/opportunities/{opp['id']}/approve").json()["status"] == "open"
    found = as_role("employee").get("/api/v1/opportunities", params={"q": "kubernetes", "type": "gig",
                                                                     "family_id": world.family, "max_hours": 6})
    assert [o["id"] for o in found.json()["items"]] == [opp["id"]]
    none = as_role("employee").get("/api/v1/opportunities", params={"q": "kubernetes", "max_hours": 5})
    assert none.json()["total"] == 0


def test_hr_can_send_a_posting_back_with_a_reason(as_role: Callable[[str], TestClient], world: World) -> None:
    manager, hr = as_role("manager"), as_role("hr_admin")
    opp = _post_opening(manager, world, title="Needs work")
    manager.post(f"/api/v1/opportunities/{opp['id']}/submit")
    sent = hr.post(f"/api/v1/opportunities/{opp['id']}/return", json={"reason": "Add the hours"})
    assert sent.json()["status"] == "draft"
    assert any("returned" in n["subject"] for n in manager.get("/api/v1/notifications").json())


def test_search_paginates(as_role: Callable[[str], TestClient], world: World) -> None:
    manager, hr = as_role("manager"), as_role("hr_partner")
    for i in range(3):
        opp = _post_opening(manager, world, title=f"Paged gig {i}")
        manager.post(f"/api/v1/opportunities/{opp['id']}/submit")
        hr.post(f"/api/v1/opportunities/{opp['id']}/approve")
    page = as_role("employee").get("/api/v1/opportunities", params={"q": "paged gig", "per_page": 2, "page": 2})
    body = page.json()
    assert body["total"] == 3 and len(body["items"]) == 1 and body["page"] == 2
    html = as_role("employee").get("/marketplace", params={"q": "paged gig"}).text
    assert html.count('class="result"') == 3


def test_a_confidential_application_stays_hidden_from_the_current_manager_until_the_offer(
    as_role: Callable[[str], TestClient], world: World, portal_settings,  # type: ignore[no-untyped-def]
) -> None:
    from portal_world import app_for, login

    eve, mona = as_role("employee"), as_role("manager")
    hugo = login(app_for(portal_settings), "hugo@example.com")
    app = eve.post(f"/api/v1/opportunities/{world.gig}/applications",
                   json={"note": "I built our ETL", "confidential": True})
    assert app.status_code == 201, app.text
    app_id, version = app.json()["id"], app.json()["version"]
    assert eve.post(f"/api/v1/opportunities/{world.gig}/applications", json={}).status_code == 409

    # the current manager sees nothing and hears nothing
    assert mona.get(f"/api/v1/applications/{app_id}").status_code == 404
    assert mona.get(f"/applications/{app_id}").status_code == 404
    assert not [n for n in mona.get("/api/v1/notifications").json() if "Eve" in n["subject"]]
    # the hiring manager does, and is notified
    assert [a["applicant"] for a in hugo.get(f"/api/v1/opportunities/{world.gig}/applications").json()] \
        == ["Eve Employee"]
    assert "Eve Employee" in hugo.get(f"/manage/opportunities/{world.gig}/applicants").text
    assert any("New applicant" in n["subject"] for n in hugo.get("/api/v1/notifications").json())
    # the applicant cannot decide on their own application, and nobody moves without a reason
    assert eve.post(f"/api/v1/applications/{app_id}/move",
                    json={"to": "offer", "reason": "me", "version": version}).status_code == 403
    assert hugo.post(f"/api/v1/applications/{app_id}/move",
                     json={"to": "reviewing", "reason": "", "version": version}).status_code == 422

    moved = hugo.post(f"/api/v1/applications/{app_id}/move",
                      json={"to": "interview", "reason": "Strong ETL background", "version": version})
    assert moved.status_code == 200 and moved.json()["status"] == "interview"
    stale = hugo.post(f"/api/v1/applications/{app_id}/move",
                      json={"to": "rejected", "reason": "stale view", "version": version})
    assert stale.status_code == 409
    assert mona.get(f"/api/v1/applications/{app_id}").status_code == 404

    offer = hugo.post(f"/api/v1/applications/{app_id}/move",
                      json={"to": "offer", "reason": "Best fit", "version": moved.json()["version"]})
    assert offer.json()["status"] == "offer" and offer.json()["time_release"] == "pending"
    assert mona.get(f"/api/v1/applications/{app_id}").status_code == 200
    subjects = [n["subject"] for n in mona.get("/api/v1/notifications").json()]
    assert any("has an offer" in s for s in subjects) and any("Time release" in s for s in subjects)

    releases = mona.get("/api/v1/time-releases").json()
    assert [r["status"] for r in releases] == ["pending"]
    decided = mona.post(f"/api/v1/time-releases/{releases[0]['id']}", json={"approve": True, "reason": "Fine by me"})
    assert decided.json()["status"] == "approved"
    assert "Audit" not in eve.get("/").text
    events = as_role("hr_admin").get("/api/v1/audit", params={"action": "application."}).json()["items"]
    assert {e["action"] for e in events} >= {"application.submit", "application.move"}
    hugo.close()


def test_an_open_application_can_be_withdrawn_by_the_applicant_only(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    manager, hr, eve = as_role("manager"), as_role("hr_partner"), as_role("employee")
    opp = _post_opening(manager, world, title="Withdrawable")
    manager.post(f"/api/v1/opportunities/{opp['id']}/submit")
    hr.post(f"/api/v1/opportunities/{opp['id']}/approve")
    app = eve.post(f"/api/v1/opportunities/{opp['id']}/applications", json={"confidential": False}).json()
    # not confidential: the current manager (also the hiring manager here) sees it
    assert manager.get(f"/api/v1/applications/{app['id']}").status_code == 200
    assert as_role("sysadmin").post(f"/api/v1/applications/{app['id']}/withdraw",
                                    json={"version": app["version"]}).status_code == 403
    done = eve.post(f"/api/v1/applications/{app['id']}/withdraw", json={"version": app["version"], "reason": "timing"})
    assert done.json()["status"] == "withdrawn"


def test_the_pages_walk_through_apply_and_move_with_forms(as_role: Callable[[str], TestClient], world: World) -> None:
    manager, hr, eve = as_role("manager"), as_role("hr_partner"), as_role("employee")
    form = {"title": "Form posted gig", "type": "gig", "description": "x", "remote": "remote", "hours_per_week": "4",
            "skill_0": "k8s", "level_0": "2", "required_0": "on", "skill_1": "Python", "level_1": "3",
            "csrf_token": manager.headers["x-csrf-token"]}
    created = manager.post("/manage/opportunities", data=form, follow_redirects=False)
    assert created.status_code == 303
    opp_id = int(created.headers["location"].rsplit("/", 1)[1])
    page = manager.get(f"/manage/opportunities/{opp_id}").text
    assert 'value="Kubernetes"' in page and 'value="Python"' in page
    bad = dict(form, skill_2="No such skill at all")
    assert manager.post(f"/manage/opportunities/{opp_id}", data=bad).status_code == 422
    manager.post(f"/manage/opportunities/{opp_id}/submit", data={"csrf_token": form["csrf_token"]})
    hr.post(f"/hr/opportunities/{opp_id}/approve", data={"csrf_token": hr.headers["x-csrf-token"]})
    assert "Form posted gig" in eve.get("/marketplace", params={"type": "gig", "remote": "remote"}).text
    assert "Keep this confidential" in eve.get(f"/opportunities/{opp_id}").text
    sent = eve.post(f"/opportunities/{opp_id}/apply", data={"note": "keen", "confidential": "on",
                                                            "csrf_token": eve.headers["x-csrf-token"]},
                    follow_redirects=False)
    assert sent.status_code == 303
    assert "Form posted gig" in eve.get("/applications").text
    apps = manager.get(f"/api/v1/opportunities/{opp_id}/applications").json()
    moved = manager.post(f"/manage/applications/{apps[0]['id']}/move",
                         data={"to": "shortlisted", "reason": "Good match", "version": apps[0]["version"],
                               "csrf_token": form["csrf_token"]}, follow_redirects=False)
    assert moved.status_code == 303
    assert "shortlisted" in eve.get("/applications").text
    closed = manager.post(f"/manage/opportunities/{opp_id}/close", data={"csrf_token": form["csrf_token"]},
                          follow_redirects=False)
    assert closed.status_code == 303
    # closing never rejects anyone: the application keeps its stage
    assert manager.get(f"/api/v1/applications/{apps[0]['id']}").json()["status"] == "shortlisted"


def test_the_search_form_with_every_field_left_blank_lists_everything(as_role: Callable[[str], TestClient]) -> None:
    response = as_role("employee").get("/marketplace?q=&type=&family_id=&location_id=&remote=&max_hours=")
    assert response.status_code == 200 and "Data pipeline gig" in response.text
