"""Development plans: the owner creates and edits, their manager may view. Completing a course
adds its skills to the owner's profile as inferred and pending verification."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.errors import Forbidden, Invalid, NotFound
from trellis.models import (
    AuditEvent,
    DevelopmentPlan,
    DevelopmentPlanItem,
    Employee,
    EmployeeSkill,
    LearningResource,
    LearningSkill,
    Opportunity,
    Role,
    Skill,
)
from trellis.plans.schemas import CompletedOut, ItemIn, ItemOut, PlanIn, PlanOut, SkillAdded


def can_view_plan(actor: Employee | None, plan: DevelopmentPlan) -> bool:
    """The owner and the owner's manager may see a plan; ``None`` is a trusted system actor
    (CLI, HR tooling)."""
    if actor is None:
        return True
    return actor.id == plan.employee_id or (plan.owner is not None and plan.owner.manager_id == actor.id)


def can_edit_plan(actor: Employee | None, plan: DevelopmentPlan) -> bool:
    """Only the owner edits their plan (or a trusted system actor)."""
    return actor is None or actor.id == plan.employee_id


def _employee(session: Session, ref: str) -> Employee:
    emp = session.scalar(select(Employee).where(Employee.external_id == ref))
    if emp is None:
        raise NotFound(f'employee "{ref}" does not exist')
    return emp


def _plan(session: Session, plan_id: int) -> DevelopmentPlan:
    plan = session.get(DevelopmentPlan, plan_id)
    if plan is None:
        raise NotFound(f"development plan {plan_id} does not exist")
    return plan


def _item_out(session: Session, item: DevelopmentPlanItem) -> ItemOut:
    title, hours = item.description or item.kind, None
    if item.resource_id is not None:
        res = session.get(LearningResource, item.resource_id)
        if res is not None:
            title, hours = res.title, res.hours
    elif item.mentor_id is not None:
        mentor = session.get(Employee, item.mentor_id)
        title = f"Mentoring with {mentor.name}" if mentor else title
    return ItemOut(id=item.id, kind=item.kind, title=title, status=item.status, hours=hours,
                   due_date=item.due_date, completed_at=item.completed_at)


def plan_out(session: Session, plan: DevelopmentPlan) -> PlanOut:
    items = [_item_out(session, i) for i in plan.items]
    live = [i for i in items if i.status != "dropped"]
    weight = {i.id: (i.hours or 1.0) for i in live}
    total_w = sum(weight.values())
    done_w = sum(weight[i.id] for i in live if i.status == "done")
    role = session.get(Role, plan.target_role_id) if plan.target_role_id else None
    opp = session.get(Opportunity, plan.opportunity_id) if plan.opportunity_id else None
    return PlanOut(id=plan.id, owner=plan.owner.external_id, title=plan.title,
                   target_role=role.external_id if role else None, opportunity=opp.external_id if opp else None,
                   goals=plan.goals, target_date=plan.target_date, status=plan.status, items=items,
                   done=sum(1 for i in live if i.status == "done"), total=len(live),
                   progress=round(done_w / total_w, 4) if total_w else 0.0)


def create_plan(session: Session, *, owner: str, data: PlanIn, actor: Employee | None = None) -> PlanOut:
    emp = _employee(session, owner)
    if actor is not None and actor.id != emp.id:
        raise Forbidden("only the owner creates their development plan")
    role_id = opp_id = None
    if data.target_role:
        role = session.scalar(select(Role).where(Role.external_id == data.target_role))
        if role is None:
            raise Invalid(f'target_role "{data.target_role}" does not exist')
        role_id = role.id
    if data.opportunity:
        opp = session.scalar(select(Opportunity).where(Opportunity.external_id == data.opportunity))
        if opp is None:
            raise Invalid(f'opportunity "{data.opportunity}" does not exist')
        opp_id = opp.id
    plan = DevelopmentPlan(employee_id=emp.id, title=data.title, target_role_id=role_id, opportunity_id=opp_id,
                           goals=data.goals, target_date=data.target_date, status="active")
    session.add(plan)
    session.flush()
    return plan_out(session, plan)


def get_plan(session: Session, *, plan_id: int, actor: Employee | None = None) -> PlanOut:
    plan = _plan(session, plan_id)
    if not can_view_plan(actor, plan):
        raise Forbidden("only the owner and their manager may see this plan")
    return plan_out(session, plan)


def list_plans(session: Session, *, employee: str, actor: Employee | None = None) -> list[PlanOut]:
    emp = _employee(session, employee)
    plans = session.scalars(select(DevelopmentPlan).where(DevelopmentPlan.employee_id == emp.id)
                            .order_by(DevelopmentPlan.id)).all()
    return [plan_out(session, p) for p in plans if can_view_plan(actor, p)]


def add_item(session: Session, *, plan_id: int, data: ItemIn, actor: Employee | None = None) -> PlanOut:
    plan = _plan(session, plan_id)
    if not can_edit_plan(actor, plan):
        raise Forbidden("only the owner edits their development plan")
    item = DevelopmentPlanItem(plan_id=plan.id, kind=data.kind, description=data.description,
                               due_date=data.due_date, position=len(plan.items), status="todo")
    if data.kind == "course":
        res = session.scalar(select(LearningResource).where(LearningResource.external_id == (data.resource or "")))
        if res is None:
            raise Invalid(f'resource "{data.resource}" does not exist (a course item needs a learning resource)')
        item.resource_id = res.id
    elif data.kind == "mentor":
        mentor = session.scalar(select(Employee).where(Employee.external_id == (data.mentor or "")))
        if mentor is None:
            raise Invalid(f'mentor "{data.mentor}" does not exist (a mentor item needs an employee)')
        if mentor.id == plan.employee_id:
            raise Invalid("a person cannot be their own mentor")
        item.mentor_id = mentor.id
    elif not data.description:
        raise Invalid("a custom goal needs a description")
    plan.items.append(item)
    session.flush()
    return plan_out(session, plan)


def complete_item(session: Session, *, item_id: int, actor: Employee | None = None,
                  at: datetime | None = None) -> CompletedOut:
    """Mark an item done. A completed course adds each skill it teaches to the owner's profile as
    ``source="inferred", status="pending"`` at the course's level, unless the person already
    holds the skill at that level or above (their own entry is never overwritten)."""
    item = session.get(DevelopmentPlanItem, item_id)
    if item is None:
        raise NotFound(f"plan item {item_id} does not exist")
    plan = item.plan
    if not can_edit_plan(actor, plan):
        raise Forbidden("only the owner edits their development plan")
    if item.status == "done":
        raise Invalid(f"plan item {item_id} is already done")
    item.status, item.completed_at = "done", at or datetime.now(UTC)
    added: list[SkillAdded] = []
    held: list[str] = []
    if item.resource_id is not None:
        existing = {s.skill_id: s for s in session.scalars(
            select(EmployeeSkill).where(EmployeeSkill.employee_id == plan.employee_id))}
        taught = session.execute(select(LearningSkill.skill_id, LearningSkill.level, Skill.preferred_label)
                                 .join(Skill, Skill.id == LearningSkill.skill_id)
                                 .where(LearningSkill.resource_id == item.resource_id)
                                 .order_by(Skill.preferred_label)).all()
        res = session.get(LearningResource, item.resource_id)
        evidence = f"completed course: {res.title if res else item.resource_id}"
        for skill_id, level, label in taught:
            row = existing.get(skill_id)
            if row is None:
                session.add(EmployeeSkill(employee_id=plan.employee_id, skill_id=skill_id, proficiency=level,
                                          suggested_level=level, source="inferred", status="pending",
                                          evidence=evidence))
            elif row.source == "inferred" and row.status == "pending" and row.proficiency < level:
                row.proficiency, row.suggested_level, row.evidence = level, level, evidence
            else:
                held.append(label)
                continue
            added.append(SkillAdded(skill_id=skill_id, label=label, level=level, source="inferred", status="pending"))
    if all(i.status in ("done", "dropped") for i in plan.items):
        plan.status = "completed"
    session.add(AuditEvent(actor=str(actor.external_id) if actor else "system", action="plan.item_completed",
                           entity_type="development_plan_item", entity_id=str(item.id),
                           data={"plan_id": plan.id, "skills_added": [a.skill_id for a in added]}))
    session.flush()
    return CompletedOut(plan=plan_out(session, plan), skills_added=added, skills_already_held=held)
