"""Hostile text in every text field of the portal's forms and API: script tags, attribute
break-outs and SQL fragments are stored verbatim, come back verbatim as JSON, are escaped in
every page that shows them (stored and reflected), and never change what a query returns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from portal_world import World
from trellis.config import Settings
from trellis.db import make_engine
from trellis.models import Application, JobFamily, Opportunity, Preferences

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
SQLI = "' OR 1=1 --"
PAYLOADS = (SCRIPT, BREAKOUT, SQLI)
HOSTILE = f"Hostile {SCRIPT} {BREAKOUT} {SQLI}"


def assert_escaped(html: str, *, shown: bool = True) -> None:
    """No payload appears raw; where the text is shown, it appears escaped."""
    for payload in (SCRIPT, BREAKOUT):
        assert payload not in html, payload
    assert "<img src=x" not in html
    if shown:
        assert str(escape(SCRIPT)) in html


def stored(world: World, stmt: object) -> object:
    engine = make_engine(world.url)
    with engine.connect() as conn:
        value = conn.execute(stmt).scalar()  # type: ignore[call-overload]
    engine.dispose()
    return value


@pytest.fixture(scope="module")
def hugo(as_role: Callable[[str], TestClient]) -> TestClient:
    return as_role("hugo@example.com")


@pytest.fixture(scope="module")
def opening(hugo: TestClient, as_role: Callable[[str], TestClient], world: World) -> int:
    """An opening whose title and description are hostile, posted through the HTML form and
    taken through HR approval into the marketplace."""
    response = hugo.post("/manage/opportunities", data={
        "type": "gig", "title": HOSTILE, "description": f"Describe {SCRIPT} {BREAKOUT} {SQLI}",
        "remote": "remote", "hours_per_week": "4", "skill_0": "Python", "level_0": "3", "required_0": "on",
    }, follow_redirects=False)
    assert response.status_code == 303, response.text
    opp_id = int(response.headers["location"].rstrip("/").split("/")[-1])
    assert hugo.post(f"/api/v1/opportunities/{opp_id}/submit").status_code == 200
    assert as_role("hr_partner").post(f"/api/v1/opportunities/{opp_id}/approve").json()["status"] == "open"
    return opp_id


def test_a_hostile_opening_is_stored_verbatim_and_escaped_on_every_page(
    opening: int, hugo: TestClient, as_role: Callable[[str], TestClient], world: World,
) -> None:
    assert stored(world, select(Opportunity.title).where(Opportunity.id == opening)) == HOSTILE
    eve = as_role("employee")
    for client, path in ((hugo, "/manage/opportunities"), (hugo, f"/manage/opportunities/{opening}"),
                         (eve, "/marketplace"), (eve, f"/opportunities/{opening}")):
        page = client.get(path)
        assert page.status_code == 200, path
        assert_escaped(page.text)
    body = eve.get(f"/api/v1/opportunities/{opening}")
    assert body.headers["content-type"].startswith("application/json")
    assert body.json()["title"] == HOSTILE


def test_a_hostile_application_note_and_decision_reason_are_escaped_for_each_reader(
    opening: int, hugo: TestClient, as_role: Callable[[str], TestClient], world: World,
) -> None:
    eve = as_role("employee")
    applied = eve.post(f"/opportunities/{opening}/apply", data={"note": HOSTILE}, follow_redirects=False)
    assert applied.status_code == 303, applied.text
    app_id = stored(world, select(Application.id).where(Application.opportunity_id == opening))
    assert stored(world, select(Application.note).where(Application.id == app_id)) == HOSTILE
    assert_escaped(hugo.get(f"/manage/opportunities/{opening}/applicants").text)
    version = hugo.get(f"/api/v1/opportunities/{opening}/applications").json()[0]["version"]
    moved = hugo.post(f"/manage/applications/{app_id}/move",
                      data={"to": "reviewing", "reason": HOSTILE, "version": str(version)}, follow_redirects=False)
    assert moved.status_code == 303, moved.text
    assert_escaped(eve.get("/applications").text)
    assert_escaped(eve.get(f"/applications/{app_id}").text)
    assert eve.get(f"/api/v1/applications/{app_id}").json()["decision_reason"] == HOSTILE


def test_hostile_job_architecture_and_preferences_are_escaped(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    hr, eve = as_role("hr_admin"), as_role("employee")
    assert hr.post("/hr/architecture/families", data={"name": HOSTILE, "description": HOSTILE},
                   follow_redirects=False).status_code == 303
    assert stored(world, select(JobFamily.description).where(JobFamily.name == HOSTILE)) == HOSTILE
    assert_escaped(hr.get("/hr/architecture").text)
    saved = eve.post("/profile/preferences", data={"interests": HOSTILE.replace(",", " "), "remote": "any",
                                                   "visibility": "company"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert stored(world, select(Preferences.interests).where(Preferences.employee_id == world.eve)) == [
        HOSTILE.replace(",", " ")]
    assert_escaped(eve.get("/profile").text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_reflected_input_is_escaped_in_search_forms_and_error_pages(
    payload: str, as_role: Callable[[str], TestClient],
) -> None:
    eve, hr = as_role("employee"), as_role("hr_admin")
    pages = [eve.get("/marketplace", params={"q": payload}), hr.get("/hr/audit", params={"action": payload}),
             eve.post("/profile/skills", data={"skill": payload, "proficiency": "3"})]
    for page in pages:
        assert page.status_code < 500, page.text
        assert_escaped(page.text, shown=False)
        if payload != SQLI:
            assert str(escape(payload)) in page.text or payload not in page.text


def test_sql_fragments_are_just_text_to_search(
    opening: int, as_role: Callable[[str], TestClient], world: World,
) -> None:
    eve = as_role("employee")
    for q in (SQLI, "x' OR '1'='1", "%", "_", "'; DROP TABLE opportunities; --"):
        found = eve.get("/api/v1/opportunities", params={"q": q})
        assert found.status_code == 200, (q, found.text)
        titles = [o["title"] for o in found.json()["items"]]
        assert "Data pipeline gig" not in titles, q  # a fragment never widens the search
    assert [o["id"] for o in eve.get("/api/v1/opportunities", params={"q": SQLI}).json()["items"]] == [opening]
    assert stored(world, select(Opportunity.id).where(Opportunity.id == world.gig)) == world.gig  # table intact


@pytest.mark.parametrize("filename", ["../../../../tmp/trellis-pwned.txt", "..\\..\\trellis-pwned.txt",
                                      "/tmp/trellis-pwned.txt", "cv/../../trellis-pwned.txt"])
def test_an_upload_name_with_a_path_is_only_ever_a_name(
    filename: str, as_role: Callable[[str], TestClient], portal_settings: Settings, tmp_path: Path,
) -> None:
    eve = as_role("employee")
    before = {p for p in Path("/tmp").glob("trellis-pwned*")}
    response = eve.post("/profile/cv", files={"cv": (filename, b"Python, PostgreSQL and Kubernetes.", "text/plain")},
                        follow_redirects=False)
    assert response.status_code == 303, response.text
    assert {p for p in Path("/tmp").glob("trellis-pwned*")} == before
    written = [p for p in portal_settings.data_dir.rglob("*") if "pwned" in p.name] \
        if portal_settings.data_dir.exists() else []
    assert written == []


def test_a_hostile_upload_name_is_escaped_in_the_error_page(as_role: Callable[[str], TestClient]) -> None:
    page = as_role("employee").post("/profile/cv", files={"cv": (f"{BREAKOUT}{SCRIPT}.exe", b"MZ\x90\x00", "x/y")})
    assert page.status_code == 422
    assert_escaped(page.text, shown=False)
