"""The demo's mentoring data: mentor profiles, mentee requests and development plans, built into a
database that `mentoring assign` and the plans service can use at once."""

from __future__ import annotations

from collections import Counter

from demo_builds import Tables
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.demo.generate import streams
from trellis.demo.service import build_demo, organisation_tables
from trellis.mentoring.service import assign_mentors
from trellis.models import DevelopmentPlan, DevelopmentPlanItem, Employee, MentorProfile
from trellis.plans.service import list_plans

MENTORING = ["mentor_profiles", "mentor_skills", "mentee_requests", "mentee_goals", "development_plans",
             "development_plan_items"]


def test_the_mentoring_stream_leaves_the_other_streams_as_they_were() -> None:
    import numpy as np

    before = [np.random.default_rng(s).random() for s in np.random.SeedSequence(9).spawn(6)]
    after = [g.random() for name, g in streams(9).items() if name != "mentoring"]
    assert before == after


def test_mentors_teach_their_strong_skills_and_mentees_ask_for_what_their_target_role_needs(small: Tables) -> None:
    employees = {e["id"]: e for e in small["employees"]}
    held = {(s["employee_id"], s["skill_id"]): s["proficiency"] for s in small["employee_skills"]}
    prefs = {p["employee_id"]: p for p in small["preferences"]}
    assert small["mentor_profiles"] and small["mentee_requests"]
    for profile in small["mentor_profiles"]:
        emp = employees[profile["employee_id"]]
        assert emp["level"] >= 4 and emp["status"] != "terminated"
        assert prefs[emp["id"]]["open_to_mentoring"]
        assert 1 <= profile["capacity"] <= 3 and profile["languages"] == emp["languages"] and profile["timezone"]
    for skill in small["mentor_skills"]:
        profile = next(p for p in small["mentor_profiles"] if p["id"] == skill["profile_id"])
        assert skill["level"] == held[(profile["employee_id"], skill["skill_id"])] >= 4
    targets = {t["employee_id"] for t in small["target_roles"]}
    goals = Counter(g["request_id"] for g in small["mentee_goals"])
    for request in small["mentee_requests"]:
        emp = employees[request["employee_id"]]
        assert emp["level"] <= 3 and emp["id"] in targets and 1 <= goals[request["id"]] <= 4
        assert request["languages"] == emp["languages"] and request["status"] == "open"


def test_mentoring_and_plans_are_wiped_by_replace() -> None:
    wiped = organisation_tables()
    assert set(MENTORING) <= set(wiped)
    assert wiped.index("mentor_skills") < wiped.index("mentor_profiles") < wiped.index("employees")
    assert wiped.index("development_plan_items") < wiped.index("development_plans")


def test_mentoring_assign_on_the_demo_pairs_people_within_capacity_and_a_shared_language(session: Session) -> None:
    build_demo(session, employees=400, seed=4)
    result = assign_mentors(session, actor="test")
    assert result.mentors > 0 and result.mentees > 0 and result.assigned > 0
    capacity = {e: c for e, c in session.execute(select(Employee.external_id, MentorProfile.capacity)
                                                 .join(MentorProfile, MentorProfile.employee_id == Employee.id))}
    languages = {e: set(langs) for e, langs in session.execute(select(Employee.external_id, Employee.languages))}
    load = Counter(p.mentor for p in result.pairs)
    assert all(load[m] <= capacity[m] for m in load)
    assert len({p.mentee for p in result.pairs}) == len(result.pairs)
    for pair in result.pairs:
        assert pair.shared_skills and pair.languages and 0 < pair.fit <= 1
        assert set(pair.languages) <= languages[pair.mentor] & languages[pair.mentee]


def test_the_demo_has_development_plans_with_courses_that_cover_the_gap(session: Session) -> None:
    build_demo(session, employees=300, seed=6)
    plans = session.scalar(select(func.count()).select_from(DevelopmentPlan)) or 0
    assert plans > 0
    owner = session.scalar(select(Employee.external_id)
                           .join(DevelopmentPlan, DevelopmentPlan.employee_id == Employee.id)
                           .order_by(DevelopmentPlan.id).limit(1))
    assert owner is not None
    (plan,) = list_plans(session, employee=owner)[:1]
    assert plan.target_role and plan.target_date is not None and plan.items
    kinds = Counter(k for (k,) in session.execute(select(DevelopmentPlanItem.kind)))
    assert kinds["course"] > plans and kinds["goal"] == plans
    done = session.scalar(select(func.count()).select_from(DevelopmentPlanItem)
                          .where(DevelopmentPlanItem.status == "done", DevelopmentPlanItem.completed_at.is_not(None)))
    assert done
