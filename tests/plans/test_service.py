"""Development plans: ownership, manager view, progress, and courses feeding the profile."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from builders import make_employee, make_resource, make_role, make_skill
from trellis.errors import Forbidden, Invalid
from trellis.models import DevelopmentPlan, DevelopmentPlanItem, EmployeeSkill
from trellis.plans import service
from trellis.plans.schemas import ItemIn, PlanIn


def test_completing_a_course_adds_its_skills_as_inferred_and_pending_verification(session: Session) -> None:
    sql, viz, py = make_skill(session, "SQL"), make_skill(session, "Visualisation"), make_skill(session, "Python")
    person = make_employee(session, skills={py: 4})
    course = make_resource(session, skills={sql: 3, viz: 2, py: 2}, hours=8)
    plan = service.create_plan(session, owner=person.external_id, data=PlanIn(title="Towards analytics"))
    plan = service.add_item(session, plan_id=plan.id, data=ItemIn(kind="course", resource=course.external_id))
    out = service.complete_item(session, item_id=plan.items[0].id)
    rows = {r.skill_id: r for r in session.scalars(select(EmployeeSkill).where(EmployeeSkill.employee_id == person.id))}
    assert (rows[sql.id].source, rows[sql.id].status, rows[sql.id].proficiency) == ("inferred", "pending", 3)
    assert (rows[viz.id].source, rows[viz.id].status, rows[viz.id].proficiency) == ("inferred", "pending", 2)
    assert (rows[py.id].source, rows[py.id].status, rows[py.id].proficiency) == ("self", "accepted", 4)
    assert rows[sql.id].evidence and "completed course" in rows[sql.id].evidence
    assert {s.label for s in out.skills_added} == {"SQL", "Visualisation"}
    assert out.skills_already_held == ["Python"]
    assert out.plan.progress == 1.0 and out.plan.status == "completed"
    assert out.plan.items[0].completed_at is not None


def test_the_owner_and_their_manager_can_view_a_plan_but_only_the_owner_edits(session: Session) -> None:
    boss = make_employee(session)
    person = make_employee(session, manager_id=boss.id)
    stranger = make_employee(session)
    out = service.create_plan(session, owner=person.external_id, data=PlanIn(title="Grow"), actor=person)
    plan = session.get(DevelopmentPlan, out.id)
    assert plan is not None
    assert service.can_view_plan(person, plan) and service.can_view_plan(boss, plan)
    assert not service.can_view_plan(stranger, plan)
    assert service.get_plan(session, plan_id=out.id, actor=boss).title == "Grow"
    with pytest.raises(Forbidden):
        service.get_plan(session, plan_id=out.id, actor=stranger)
    with pytest.raises(Forbidden):
        service.add_item(session, plan_id=out.id, data=ItemIn(kind="goal", description="x"), actor=boss)
    with pytest.raises(Forbidden):
        service.create_plan(session, owner=person.external_id, data=PlanIn(title="Not mine"), actor=boss)
    assert service.list_plans(session, employee=person.external_id, actor=stranger) == []


def test_progress_weights_courses_by_hours_and_counts_goals_and_mentors(session: Session) -> None:
    skill = make_skill(session)
    mentor = make_employee(session)
    person = make_employee(session)
    course = make_resource(session, skills={skill: 2}, hours=9)
    role = make_role(session)
    plan = service.create_plan(session, owner=person.external_id,
                               data=PlanIn(title="Plan", target_role=role.external_id))
    service.add_item(session, plan_id=plan.id, data=ItemIn(kind="course", resource=course.external_id))
    service.add_item(session, plan_id=plan.id, data=ItemIn(kind="mentor", mentor=mentor.external_id))
    plan = service.add_item(session, plan_id=plan.id, data=ItemIn(kind="goal", description="Lead a retro"))
    assert plan.target_role == role.external_id and plan.total == 3
    assert plan.items[1].title.startswith("Mentoring with")
    out = service.complete_item(session, item_id=plan.items[2].id)
    assert out.plan.done == 1 and out.plan.progress == pytest.approx(1 / 11, abs=1e-4)
    assert out.skills_added == [] and out.plan.status == "active"
    with pytest.raises(Invalid, match="already done"):
        service.complete_item(session, item_id=plan.items[2].id)


def test_bad_items_are_refused_and_nothing_is_written(session: Session) -> None:
    person = make_employee(session)
    plan = service.create_plan(session, owner=person.external_id, data=PlanIn(title="Plan"))
    with pytest.raises(Invalid, match="resource"):
        service.add_item(session, plan_id=plan.id, data=ItemIn(kind="course", resource="L-none"))
    with pytest.raises(Invalid, match="own mentor"):
        service.add_item(session, plan_id=plan.id, data=ItemIn(kind="mentor", mentor=person.external_id))
    with pytest.raises(Invalid, match="description"):
        service.add_item(session, plan_id=plan.id, data=ItemIn(kind="goal"))
    with pytest.raises(Invalid, match="target_role"):
        service.create_plan(session, owner=person.external_id, data=PlanIn(title="x", target_role="R-none"))
    assert session.scalars(select(DevelopmentPlanItem).where(DevelopmentPlanItem.plan_id == plan.id)).all() == []
