"""Profile editing (skills via autocomplete, preferences, visibility), HR and admin pages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from portal_world import World


def test_skill_autocomplete_finds_labels_and_aliases_by_prefix(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("employee")
    assert [h["label"] for h in client.get("/api/v1/skills", params={"q": "kub"}).json()] == ["Kubernetes"]
    alias = client.get("/api/v1/skills", params={"q": "k8"}).json()
    assert alias == [{"id": alias[0]["id"], "label": "Kubernetes", "matched": "k8s"}]
    assert client.get("/api/v1/skills", params={"q": ""}).json() == []


def test_an_employee_adds_changes_and_removes_skills_on_their_profile(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    client = as_role("employee")
    csrf = client.headers["x-csrf-token"]
    added = client.post("/profile/skills", data={"skill": "postgres", "proficiency": "4", "csrf_token": csrf},
                        follow_redirects=False)
    assert added.status_code == 303
    skills = {s["label"]: s["proficiency"] for s in client.get("/api/v1/profile").json()["skills"]}
    assert skills["PostgreSQL"] == 4
    assert client.post("/profile/skills", data={"skill": "Cobol wizardry", "csrf_token": csrf}).status_code == 422
    assert client.post("/api/v1/profile/skills", json={"skill_id": world.python, "proficiency": 5}).json()[
        "proficiency"] == 5
    assert client.delete(f"/api/v1/profile/skills/{world.python}").status_code == 204
    assert client.delete(f"/api/v1/profile/skills/{world.python}").status_code == 404
    assert "PostgreSQL" in client.get("/profile").text


def test_preferences_and_visibility_are_saved_from_the_form(as_role: Callable[[str], TestClient], world: World) -> None:
    client = as_role("employee")
    saved = client.post("/profile/preferences", data={
        "csrf_token": client.headers["x-csrf-token"], "target_role_ids": str(world.role), "interests": "data, ml",
        "open_to_gigs": "on", "remote": "remote", "gig_hours_per_week": "6", "visibility": "managers"},
        follow_redirects=False)
    assert saved.status_code == 303
    prefs = client.get("/api/v1/profile").json()["preferences"]
    assert prefs["target_role_ids"] == [world.role] and prefs["interests"] == ["data", "ml"]
    assert prefs["open_to_jobs"] is False and prefs["open_to_gigs"] is True and prefs["visibility"] == "managers"
    bad = client.put("/api/v1/profile/preferences", json={"visibility": "everyone"})
    assert bad.status_code == 422


def test_every_page_of_each_role_renders(as_role: Callable[[str], TestClient], world: World) -> None:
    pages = {
        "employee": ["/", "/profile", "/marketplace", f"/opportunities/{world.gig}", "/applications"],
        "manager": ["/manage/opportunities", "/manage/opportunities/new", "/manage/time-releases"],
        "hr_partner": ["/hr/approvals", f"/manage/opportunities/{world.draft}",
                       f"/manage/opportunities/{world.gig}/applicants"],
        "hr_admin": ["/hr/audit", "/hr/audit?action=user", "/hr/architecture", "/admin/tokens"],
        "sysadmin": ["/admin/users", "/admin/tokens", "/hr/audit"],
    }
    for role, paths in pages.items():
        for path in paths:
            response = as_role(role).get(path)
            assert response.status_code == 200, (role, path, response.text[:200])
            assert '<a class="skip" href="#main">' in response.text


def test_hr_admin_manages_job_families_and_roles(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("hr_admin")
    csrf = client.headers["x-csrf-token"]
    client.post("/hr/architecture/families", data={"name": "Research", "csrf_token": csrf})
    assert client.post("/api/v1/families", json={"name": "research"}).status_code == 409
    fam = next(f for f in client.get("/api/v1/families").json() if f["name"] == "Research")
    client.post("/hr/architecture/roles", data={"title": "Researcher", "family_id": fam["id"], "level": 2,
                                                "csrf_token": csrf})
    assert next(f for f in client.get("/api/v1/families").json() if f["name"] == "Research")["roles"] == 1


def test_sysadmin_creates_and_deactivates_accounts(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("sysadmin")
    created = client.post("/api/v1/users", json={"email": "New.Person@Example.com", "role": "manager",
                                                 "password": "long enough password"})
    assert created.status_code == 201 and created.json()["email"] == "new.person@example.com"
    assert client.post("/api/v1/users", json={"email": "new.person@example.com"}).status_code == 409
    assert client.post("/api/v1/users", json={"email": "x@example.com", "role": "king"}).status_code == 422
    off = client.post(f"/admin/users/{created.json()['id']}/active",
                      data={"active": "0", "csrf_token": client.headers["x-csrf-token"]}, follow_redirects=False)
    assert off.status_code == 303
    assert not next(u for u in client.get("/api/v1/users").json() if u["id"] == created.json()["id"])["active"]


def test_tokens_page_shows_a_new_token_once(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("sysadmin")
    page = client.post("/admin/tokens", data={"name": "ci", "scopes": ["read"],
                                              "csrf_token": client.headers["x-csrf-token"]})
    assert page.status_code == 200 and "trl_" in page.text
    assert "trl_" not in client.get("/admin/tokens").text.replace("<code>trl_", "")


def test_notifications_can_be_marked_read(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("manager")
    client.post("/api/v1/notifications/read")
    assert all(n["read_at"] for n in client.get("/api/v1/notifications").json())


def test_the_api_is_documented_and_served_offline(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("employee")
    schema = client.get("/openapi.json").json()
    assert "/api/v1/opportunities" in schema["paths"]
    assert "/api/v1/applications/{application_id}/move" in schema["paths"]
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/health").json()["status"] == "ok"


def test_a_cv_upload_suggests_skills_that_the_person_accepts_or_rejects(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    client = as_role("hr_partner")  # a profile with no skills yet
    csrf = client.headers["x-csrf-token"]
    cv = b"Senior engineer. Eight years of Python and PostgreSQL; ran Kubernetes clusters in production."
    sent = client.post("/profile/cv", data={"csrf_token": csrf}, files={"cv": ("cv.txt", cv, "text/plain")},
                       follow_redirects=False)
    assert sent.status_code == 303
    pending = {p["label"]: p for p in client.get("/api/v1/profile/suggestions").json()}
    assert set(pending) == {"Python", "PostgreSQL", "Kubernetes"}
    assert all(p["status"] == "pending" for p in pending.values())
    # kept apart: nothing is on the profile (or counts in matching) until it is accepted
    assert client.get("/api/v1/profile").json()["skills"] == []
    assert "Accept Python" in client.get("/profile").text
    accepted = client.post(f"/profile/suggestions/{world.python}",
                           data={"decision": "accept", "proficiency": "4", "csrf_token": csrf}, follow_redirects=False)
    assert accepted.status_code == 303
    rejected = client.post(f"/api/v1/profile/suggestions/{world.kubernetes}", json={"accept": False})
    assert rejected.json()["status"] == "rejected"
    skills = {s["label"]: s for s in client.get("/api/v1/profile").json()["skills"]}
    assert skills["Python"]["proficiency"] == 4 and skills["Python"]["status"] == "accepted"
    assert set(skills) == {"Python"}  # the rejected and the undecided suggestions are not on the profile
    assert [p["label"] for p in client.get("/api/v1/profile/suggestions").json()] == ["PostgreSQL"]


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    as_role: Callable[[str], TestClient],
) -> None:
    client = as_role("hr_admin")
    before = client.get("/api/v1/profile/suggestions").json()
    bad = client.post("/api/v1/profile/cv", files={"cv": ("cv.pdf", b"just text, not a PDF", "application/pdf")})
    assert bad.status_code == 422 and "PDF" in bad.json()["detail"]
    assert client.get("/api/v1/profile/suggestions").json() == before


def test_skills_are_suggested_from_a_job_description_for_the_poster_to_edit(
    as_role: Callable[[str], TestClient],
) -> None:
    manager = as_role("manager")
    found = manager.post("/api/v1/opportunities/suggest-skills", json={"text": "We need k8s and some Python."})
    assert {s["label"] for s in found.json()} == {"Kubernetes", "Python"}
    form = {"title": "Suggest me", "type": "project", "description": "Operate k8s clusters with Python tooling.",
            "remote": "remote", "skill_0": "Python", "level_0": "3", "required_0": "on",
            "csrf_token": manager.headers["x-csrf-token"]}
    created = manager.post("/manage/opportunities", data=form, follow_redirects=False)
    page = manager.get(created.headers["location"]).text
    assert 'value="Kubernetes" aria-describedby="suggested-help evidence_1"' in page
    assert "Found in the description: “Operate k8s clusters with Python tooling.”" in page  # evidence beside it
    assert page.count(">suggested</span>") == 1


def test_an_unknown_skill_is_reported_beside_the_form_on_the_profile_page_with_what_was_typed(
    as_role: Callable[[str], TestClient],
) -> None:
    client = as_role("employee")
    page = client.post("/profile/skills", data={"skill": "Kubernetez", "proficiency": "4",
                                                "csrf_token": client.headers["x-csrf-token"]})
    assert page.status_code == 422
    html = page.text
    assert "<h1>Eve Employee</h1>" in html and 'id="skill-error"' in html  # the profile, not an error page
    assert "no skill called “Kubernetez”" in html and "Did you mean Kubernetes?" in html
    assert 'value="Kubernetez"' in html and 'aria-invalid="true"' in html
    assert 'action="/profile/preferences"' in html  # the rest of the page is still there


def test_a_cv_suggestion_keeps_the_level_its_words_give_or_none_and_never_a_made_up_one(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    from builders import make_skill
    from trellis.db import make_engine, make_session_factory
    from trellis.models import Skill

    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        python = s.get(Skill, world.python)
        assert python is not None
        spanish = make_skill(s, "Spanish", taxonomy_id=python.taxonomy_id).id
        s.commit()
    engine.dispose()
    client = as_role("manager")  # a profile with no skills yet
    csrf = client.headers["x-csrf-token"]
    cv = b"Languages: Spanish (native).\nSkills: advanced Python."
    client.post("/profile/cv", data={"csrf_token": csrf}, files={"cv": ("cv.txt", cv, "text/plain")})
    pending = {p["label"]: p for p in client.get("/api/v1/profile/suggestions").json()}
    assert pending["Spanish"]["suggested_level"] in (None, 5)  # "native" is not "beginner"
    assert pending["Python"]["suggested_level"] == 4 and "advanced Python" in pending["Python"]["evidence"]
    html = client.get("/profile").text
    assert "Found in: “Skills: advanced Python.”" in html
    if pending["Spanish"]["suggested_level"] is None:
        assert "Choose a level" in html
        # accepting without a level asks for one, beside that suggestion, and adds nothing
        asked = client.post(f"/profile/suggestions/{spanish}", data={"decision": "accept", "csrf_token": csrf})
        assert asked.status_code == 422 and f'id="sugg-error-{spanish}"' in asked.text
        assert "choose your level in Spanish" in asked.text
        assert not client.get("/api/v1/profile").json()["skills"]
    client.post(f"/profile/suggestions/{spanish}", data={"decision": "accept", "proficiency": "5", "csrf_token": csrf})
    skills = {s["label"]: s["proficiency"] for s in client.get("/api/v1/profile").json()["skills"]}
    assert skills == {"Spanish": 5}


def test_bad_preferences_are_reported_beside_that_form_and_nothing_is_saved(
    as_role: Callable[[str], TestClient],
) -> None:
    client = as_role("employee")
    before = client.get("/api/v1/profile").json()["preferences"]
    page = client.post("/profile/preferences", data={"gig_hours_per_week": "99", "remote": "any",
                                                     "csrf_token": client.headers["x-csrf-token"]})
    assert page.status_code == 422 and 'id="prefs-error"' in page.text and "gig_hours_per_week" in page.text
    assert "<h1>Eve Employee</h1>" in page.text
    assert client.get("/api/v1/profile").json()["preferences"] == before
