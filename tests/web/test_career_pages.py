"""The career explorer and mentoring pages: the signed-in person's own data only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from builders import make_employee, make_history, make_resource, make_role
from portal_world import World, build_world
from trellis.db import make_engine, make_session_factory
from trellis.mentoring.schemas import MentorIn, RequestIn
from trellis.mentoring.service import request_mentor, save_mentor
from trellis.models import Employee, MenteeRequest, MentoringPair, Role, Skill


@pytest.fixture(scope="module")
def world(world_url: str) -> World:
    """The portal world plus a Tech Lead role someone reached from Software Engineer, a course,
    and Mona's own mentee request and mentor profile (which Eve must never see)."""
    w = build_world(world_url)
    engine = make_engine(world_url)
    with make_session_factory(engine)() as s:
        python, k8s = s.get(Skill, w.python), s.get(Skill, w.kubernetes)
        assert python is not None and k8s is not None
        se = s.get(Role, w.role)
        assert se is not None
        lead = make_role(s, title="Tech Lead", external_id="R-LEAD", family_id=w.family, level=3,
                         skills={python: 4, k8s: 2})
        tom = make_employee(s, name="Tom Trailblazer", role_id=lead.id, skills={python: 5, k8s: 3})
        make_history(s, tom, se, date(2019, 1, 1), end_date=date(2021, 1, 1))
        make_history(s, tom, lead, date(2021, 1, 1), "promotion")
        make_resource(s, title="Kubernetes in practice", skills={k8s: 2, python: 4}, hours=12)
        mona = s.get(Employee, w.mona)
        assert mona is not None
        request_mentor(s, employee=mona.external_id, data=RequestIn(goals={"Kubernetes": 1.0}, topics="MONA-SECRET"))
        save_mentor(s, employee=mona.external_id, data=MentorIn(skills={"Python": 4}, languages=["en"]))
        s.commit()
    engine.dispose()
    return w


def test_an_employee_sees_next_moves_and_paths_to_a_target_role_with_gaps_and_learning(
    as_role: Callable[[str], TestClient],
) -> None:
    client = as_role("employee")
    page = client.get("/career")
    assert page.status_code == 200
    assert "Next moves from Software Engineer" in page.text and "Tech Lead" in page.text
    assert "1 person took this step" in page.text and 'href="/career"' in page.text
    page = client.get("/career", params={"target": "R-LEAD"})
    assert page.status_code == 200
    assert "Paths to Tech Lead" in page.text and "Software Engineer → Tech Lead" in page.text
    assert "Kubernetes" in page.text and "Levels to gain" in page.text
    assert "Kubernetes in practice" in page.text and "12 h" in page.text


def test_an_unknown_target_role_is_explained_not_crashed(as_role: Callable[[str], TestClient]) -> None:
    page = as_role("employee").get("/career", params={"target": "R-NOPE"})
    assert page.status_code == 200 and "does not exist" in page.text


def test_a_person_without_a_role_is_told_so(as_role: Callable[[str], TestClient]) -> None:
    page = as_role("manager").get("/career")
    assert page.status_code == 200 and "no role in the job architecture" in page.text


def test_a_mentee_request_is_saved_and_shown_and_others_data_never_is(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    client = as_role("employee")
    page = client.get("/mentoring")
    assert page.status_code == 200 and "not asked for a mentor yet" in page.text
    assert "MONA-SECRET" not in page.text and "Your mentor profile" not in page.text
    token = client.headers["x-csrf-token"]
    refused = client.post("/mentoring", data={"goal_labels": "Kubernetes"}, headers={"x-csrf-token": ""},
                          follow_redirects=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    done = client.post("/mentoring", data={"goal_labels": "Kubernetes, Python", "languages": "en, de",
                                           "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get("/mentoring")
    assert "Kubernetes" in page.text and "en, de" in page.text and "MONA-SECRET" not in page.text
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        reqs = s.scalars(select(MenteeRequest).where(MenteeRequest.employee_id == world.eve)).all()
        assert len(reqs) == 1 and len(reqs[0].goals) == 2 and reqs[0].languages == ["en", "de"]
    engine.dispose()
    bad = client.post("/mentoring", data={"goal_labels": "Underwater basket weaving", "csrf_token": token},
                      follow_redirects=False)
    assert bad.status_code == 422


def test_mona_sees_her_own_request_profile_and_an_assigned_pair_with_its_explanation(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        s.add(MentoringPair(mentor_id=world.mona, mentee_id=world.eve, status="proposed", fit=0.8,
                            explanation={"mentor_name": "Mona Manager", "mentee_name": "Eve Employee", "fit": 0.8,
                                         "pinned": False, "languages": ["en"], "hours_apart": 0,
                                         "shared_skills": [{"skill_id": world.python, "label": "Python",
                                                            "mentor_level": 4}]}))
        s.commit()
    engine.dispose()
    mona = as_role("manager").get("/mentoring").text
    assert "MONA-SECRET" not in mona  # topics are not shown, but the goal is
    assert "Your mentor profile" in mona and "Mentee: <strong>Eve Employee" in mona
    eve = as_role("employee").get("/mentoring").text
    assert "Mentor: <strong>Mona Manager" in eve and "Python (mentor level 4)" in eve
    hr = as_role("hr_admin").get("/mentoring").text
    assert "Eve Employee" not in hr and "Mona Manager" not in hr
