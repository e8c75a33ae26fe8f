"""Development plans, offering oneself as a mentor, HR's mentor matches and the succession bench
as pages (web/pages/growth.py): each person's own data only, HR's views for HR."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from builders import make_employee, make_role
from portal_world import World, build_world, csrf_of
from trellis.db import make_engine, make_session_factory
from trellis.mentoring.schemas import RequestIn
from trellis.mentoring.service import request_mentor
from trellis.models import DevelopmentPlanItem, Employee, MentoringPair, MentorProfile, Role, Skill


@pytest.fixture(scope="module")
def world(world_url: str) -> World:
    """The portal world plus a critical Platform Lead role that Zoe nearly fits, and Mona's open
    mentee request for Python (Eve's offer to mentor can meet it)."""
    w = build_world(world_url)
    engine = make_engine(world_url)
    with make_session_factory(engine)() as s:
        python = s.get(Skill, w.python)
        assert python is not None
        lead = make_role(s, title="Platform Lead", external_id="R-PLEAD", family_id=w.family, level=3,
                         is_critical=True, skills={python: 4})
        make_employee(s, name="Zoe Ready", level=3, skills={python: 4})
        assert lead.is_critical
        mona = s.get(Employee, w.mona)
        assert mona is not None
        request_mentor(s, employee=mona.external_id, data=RequestIn(goals={"Python": 1.0}, languages=["en"]))
        s.commit()
    engine.dispose()
    return w


def _post(client: TestClient, path: str, data: dict[str, str], page: str = "/") -> int:
    response = client.post(path, data={**data, "csrf_token": csrf_of(client, page)}, follow_redirects=False)
    return response.status_code


def test_an_employee_starts_a_plan_adds_a_goal_and_marks_it_done(as_role: Callable[[str], TestClient]) -> None:
    eve = as_role("employee")
    assert "You have no development plan yet" in eve.get("/plans").text
    assert _post(eve, "/plans", {"title": "Towards Platform Lead", "target_role": "R-PLEAD",
                                 "goals": "Own the deploy pipeline"}, "/plans") == 303
    page = eve.get("/plans").text
    assert "Towards Platform Lead" in page and "Towards Platform Lead" in page and "0 of 0 done" in page
    plan_id = int(page.split('id="plan-')[1].split('"')[0])
    assert _post(eve, f"/plans/{plan_id}/items", {"description": "Pair on a release"}, "/plans") == 303
    page = eve.get("/plans").text
    assert "Pair on a release" in page and "0 of 1 done" in page
    item_id = int(page.split('action="/plans/items/')[1].split("/")[0])
    assert _post(eve, f"/plans/items/{item_id}/done", {}, "/plans") == 303
    assert "1 of 1 done" in eve.get("/plans").text


def test_nobody_marks_another_persons_plan_item_done(as_role: Callable[[str], TestClient], world: World) -> None:
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        item = s.scalar(select(DevelopmentPlanItem.id).limit(1))
    engine.dispose()
    assert item is not None  # Eve's, from the test above (the module shares one database)
    mona = as_role("manager")
    assert _post(mona, f"/plans/items/{item}/done", {}, "/plans") in (403, 404)
    assert "Pair on a release" not in mona.get("/plans").text


def test_offering_to_mentor_saves_a_profile_that_a_second_offer_updates(
        as_role: Callable[[str], TestClient], world: World) -> None:
    eve = as_role("employee")
    assert "Offer to mentor" in eve.get("/mentoring").text
    assert _post(eve, "/mentoring/offer", {"skills": "Python 4, Kubernetes", "capacity": "2", "languages": "en",
                                           "active": "on"}, "/mentoring") == 303
    page = eve.get("/mentoring").text
    assert "Your mentor profile" in page and "Python (level 4)" in page and "Kubernetes (level 4)" in page
    assert _post(eve, "/mentoring/offer", {"skills": "Python 5", "capacity": "1", "languages": "en"},
                 "/mentoring") == 303
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        profile = s.scalar(select(MentorProfile).where(MentorProfile.employee_id == world.eve))
        assert profile is not None and profile.capacity == 1 and [k.level for k in profile.skills] == [5]
    engine.dispose()


def test_an_offer_without_skills_is_refused_with_a_message(as_role: Callable[[str], TestClient]) -> None:
    eve = as_role("employee")
    response = eve.post("/mentoring/offer", data={"skills": " , ", "csrf_token": csrf_of(eve, "/mentoring")})
    assert response.status_code == 422 and "name at least one skill" in response.text


def test_hr_previews_mentor_matches_and_proposing_them_saves_the_pairs(
        as_role: Callable[[str], TestClient], world: World) -> None:
    pat = as_role("hr_partner")
    page = pat.get("/hr/mentor-matches").text
    assert "Mona Manager" in page and "Eve Employee" in page and "Propose these 1 pairs" in page
    assert _post(pat, "/hr/mentor-matches", {}, "/hr/mentor-matches") == 303
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        pairs = s.execute(select(MentoringPair.mentor_id, MentoringPair.mentee_id, MentoringPair.status)).all()
    engine.dispose()
    assert [tuple(p) for p in pairs] == [(world.eve, world.mona, "proposed")]


def test_the_succession_page_shows_the_bench_of_each_critical_role(as_role: Callable[[str], TestClient]) -> None:
    page = as_role("hr_admin").get("/hr/succession").text
    assert "Platform Lead" in page and "Zoe Ready" in page and "ready now" in page
    one = as_role("hr_admin").get("/hr/succession", params={"role": "R-PLEAD"}).text
    assert one.count('id="role-h-') == 1
    assert as_role("hr_admin").get("/hr/succession", params={"role": "R-NOPE"}).status_code == 404
    assert as_role("employee").get("/hr/succession").status_code == 403


def test_critical_roles_exist_in_this_world(world: World) -> None:
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        assert s.scalar(select(Role.id).where(Role.is_critical.is_(True)))
    engine.dispose()


def test_a_search_saved_from_the_marketplace_is_listed_runs_again_and_can_be_deleted(
        as_role: Callable[[str], TestClient]) -> None:
    eve, mona = as_role("employee"), as_role("manager")
    assert 'action="/searches"' not in eve.get("/marketplace").text  # nothing to save without a filter
    assert 'action="/searches"' in eve.get("/marketplace", params={"q": "pipeline"}).text
    assert _post(eve, "/searches", {"name": "Pipelines", "q": "pipeline", "type": "gig", "alert": "on"},
                 "/marketplace?q=pipeline") == 303
    page = eve.get("/searches").text
    assert "Pipelines" in page and "1 open opening matches" in page and "alerts on" in page
    search_id = int(page.split('href="/searches/')[1].split('"')[0])
    run = eve.get(f"/searches/{search_id}", follow_redirects=False)
    assert run.status_code == 303 and run.headers["location"] == "/marketplace?q=pipeline&type=gig"
    assert "Pipelines" not in mona.get("/searches").text
    assert mona.get(f"/searches/{search_id}", follow_redirects=False).status_code == 404
    assert _post(eve, f"/searches/{search_id}/delete", {}, "/searches") == 303
    assert "No saved searches yet" in eve.get("/searches").text
