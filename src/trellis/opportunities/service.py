"""Opportunities: post (draft), edit, submit for HR approval, approve or return, close; search
and filter the open marketplace with pagination. Ownership: the hiring manager or HR."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from trellis.accounts.permissions import Actor, can_manage_opportunity
from trellis.errors import Conflict, Forbidden, Invalid, NotFound
from trellis.matching.service import mark_changed
from trellis.models import (
    AuditEvent,
    Employee,
    JobFamily,
    Location,
    Opportunity,
    OpportunitySkill,
    OrgUnit,
    Role,
    Skill,
    User,
)
from trellis.notifications.service import notify
from trellis.opportunities.schemas import (
    CloseIn,
    OpportunityIn,
    OpportunityOut,
    SearchFilters,
    SkillRequirementOut,
)
from trellis.pagination import Page, clamp, count_of

EDITABLE = ("draft", "pending_approval", "open")
PUBLIC_STATUSES = ("open", "closed", "filled")


def _audit(session: Session, actor: Actor, action: str, opp: Opportunity, reason: str | None = None,
           **data: object) -> None:
    session.add(AuditEvent(actor=f"user:{actor.user_id}", action=action, entity_type="opportunity",
                           entity_id=str(opp.id), reason=reason or None, data=dict(data)))
    mark_changed(session, opportunity_ids=[opp.id])  # every audited change may change what matches


def _load(session: Session, opportunity_id: int) -> Opportunity:
    opp = session.get(Opportunity, opportunity_id, options=[selectinload(Opportunity.skills)])
    if opp is None:
        raise NotFound(f"opportunity {opportunity_id} does not exist")
    return opp


def _visible(actor: Actor, opp: Opportunity) -> bool:
    return opp.status in PUBLIC_STATUSES or can_manage_opportunity(actor, opp.hiring_manager_id)


def _owned(session: Session, actor: Actor, opportunity_id: int) -> Opportunity:
    opp = _load(session, opportunity_id)
    if not _visible(actor, opp):
        raise NotFound(f"opportunity {opportunity_id} does not exist")
    if not can_manage_opportunity(actor, opp.hiring_manager_id):
        raise Forbidden("only the hiring manager or HR may change this opportunity")
    return opp


def to_out(session: Session, opp: Opportunity) -> OpportunityOut:
    return to_out_many(session, [opp])[0]


def to_out_many(session: Session, opps: list[Opportunity]) -> list[OpportunityOut]:
    """Output models for several opportunities, with every lookup done in bulk."""
    def names(model: Any, column: Any, ids: set[int | None]) -> dict[int, str]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        return {i: n for i, n in session.execute(select(model.id, column).where(model.id.in_(wanted)))}

    role_rows = {r.id: r for r in session.scalars(select(Role).where(
        Role.id.in_({o.role_id for o in opps if o.role_id})))} if any(o.role_id for o in opps) else {}
    families = names(JobFamily, JobFamily.name, {r.family_id for r in role_rows.values()})
    locations = names(Location, Location.name, {o.location_id for o in opps})
    managers = names(Employee, Employee.name, {o.hiring_manager_id for o in opps})
    labels = names(Skill, Skill.preferred_label, {s.skill_id for o in opps for s in o.skills})
    out = []
    for opp in opps:
        role = role_rows.get(opp.role_id) if opp.role_id else None
        skills = [SkillRequirementOut(skill_id=s.skill_id, min_proficiency=s.min_proficiency, required=s.required,
                                      label=labels.get(s.skill_id, "?")) for s in opp.skills]
        out.append(OpportunityOut(
            id=opp.id, external_id=opp.external_id, type=opp.type, title=opp.title, description=opp.description,
            status=opp.status, role_id=opp.role_id, role_title=role.title if role else None,
            family=families.get(role.family_id) if role and role.family_id else None,
            location_id=opp.location_id, location=locations.get(opp.location_id) if opp.location_id else None,
            org_unit_id=opp.org_unit_id, remote=opp.remote,
            hours_per_week=opp.hours_per_week, duration_weeks=opp.duration_weeks,
            hiring_manager_id=opp.hiring_manager_id,
            hiring_manager=managers.get(opp.hiring_manager_id) if opp.hiring_manager_id else None,
            posted_on=opp.posted_on, closes_on=opp.closes_on, skills=skills))
    return out


def _check_refs(session: Session, data: OpportunityIn) -> None:
    for field, model, value in (("role_id", Role, data.role_id), ("location_id", Location, data.location_id),
                                ("org_unit_id", OrgUnit, data.org_unit_id),
                                ("hiring_manager_id", Employee, data.hiring_manager_id)):
        if value is not None and session.get(model, value) is None:
            raise Invalid(f"{field}: {value} does not exist")
    ids = [s.skill_id for s in data.skills]
    if len(ids) != len(set(ids)):
        raise Invalid("skills: a skill is listed twice")
    known = set(session.scalars(select(Skill.id).where(Skill.id.in_(ids)))) if ids else set()
    missing = [i for i in ids if i not in known]
    if missing:
        raise Invalid(f"skills: unknown skill ids {missing}")


def _apply(opp: Opportunity, data: OpportunityIn) -> None:
    for field in ("type", "title", "description", "role_id", "org_unit_id", "location_id", "remote",
                  "hours_per_week", "duration_weeks", "closes_on"):
        setattr(opp, field, getattr(data, field))
    # kept skills are updated in place: replacing the rows would insert a (opening, skill) pair
    # before deleting the old one, which the unique constraint refuses
    old = {s.skill_id: s for s in opp.skills}
    rows = []
    for s in data.skills:
        row = old.get(s.skill_id) or OpportunitySkill(skill_id=s.skill_id)
        row.min_proficiency, row.required = s.min_proficiency, s.required
        rows.append(row)
    opp.skills = rows


def create_opportunity(session: Session, *, actor: Actor, data: OpportunityIn) -> Opportunity:
    """A new draft owned by the actor (HR may name another hiring manager)."""
    _check_refs(session, data)
    manager_id = data.hiring_manager_id if (actor.is_hr and data.hiring_manager_id) else actor.employee_id
    if manager_id is None:
        raise Invalid("hiring_manager_id: your account is not linked to an employee; name a hiring manager")
    opp = Opportunity(external_id=f"P-{secrets.token_hex(6)}", status="draft", hiring_manager_id=manager_id)
    _apply(opp, data)
    session.add(opp)
    session.flush()
    _audit(session, actor, "opportunity.create", opp, title=opp.title)
    return opp


def update_opportunity(session: Session, *, actor: Actor, opportunity_id: int, data: OpportunityIn) -> Opportunity:
    opp = _owned(session, actor, opportunity_id)
    if opp.status not in EDITABLE:
        raise Conflict(f"a {opp.status} opportunity cannot be edited")
    _check_refs(session, data)
    _apply(opp, data)
    session.flush()
    _audit(session, actor, "opportunity.update", opp)
    return opp


def submit_for_approval(session: Session, *, actor: Actor, opportunity_id: int) -> Opportunity:
    opp = _owned(session, actor, opportunity_id)
    if opp.status != "draft":
        raise Conflict(f"only drafts can be submitted; this one is {opp.status}")
    opp.status = "pending_approval"
    _audit(session, actor, "opportunity.submit", opp)
    hr = session.scalars(select(User.employee_id).where(User.role.in_(("hr_partner", "hr_admin")),
                                                        User.active.is_(True), User.employee_id.is_not(None)))
    for employee_id in set(hr):
        if employee_id is not None:
            notify(session, employee_id=employee_id, kind="opportunity.pending",
                   subject=f"Posting waiting for approval: {opp.title}", link="/hr/approvals")
    return opp


def approve_opportunity(session: Session, *, actor: Actor, opportunity_id: int) -> Opportunity:
    opp = _load(session, opportunity_id)
    if opp.status != "pending_approval":
        raise Conflict(f"only postings waiting for approval can be approved; this one is {opp.status}")
    if actor.employee_id is not None and actor.employee_id == opp.hiring_manager_id:
        raise Forbidden("you cannot approve your own posting")
    opp.status, opp.posted_on = "open", date.today()
    _audit(session, actor, "opportunity.approve", opp)
    if opp.hiring_manager_id:
        notify(session, employee_id=opp.hiring_manager_id, kind="opportunity.approved",
               subject=f"Your posting is open: {opp.title}", link=f"/opportunities/{opp.id}")
    from trellis.searches.service import alert_searches  # here: saved searches build on this module

    alert_searches(session, opportunity=opp)
    return opp


def return_opportunity(session: Session, *, actor: Actor, opportunity_id: int, reason: str) -> Opportunity:
    """HR sends a posting back to its owner as a draft, with the reason."""
    opp = _load(session, opportunity_id)
    if opp.status != "pending_approval":
        raise Conflict(f"only postings waiting for approval can be returned; this one is {opp.status}")
    if not reason.strip():
        raise Invalid("reason: say why the posting goes back")
    opp.status = "draft"
    _audit(session, actor, "opportunity.return", opp, reason=reason)
    if opp.hiring_manager_id:
        notify(session, employee_id=opp.hiring_manager_id, kind="opportunity.returned",
               subject=f"Posting returned: {opp.title}", body=reason, link=f"/manage/opportunities/{opp.id}")
    return opp


def close_opportunity(session: Session, *, actor: Actor, opportunity_id: int, data: CloseIn) -> Opportunity:
    """Close an opening (or mark it filled). Open applications keep their status: closing never
    rejects anyone; the hiring manager decides each one."""
    opp = _owned(session, actor, opportunity_id)
    if opp.status in ("closed", "filled"):
        raise Conflict(f"this opportunity is already {opp.status}")
    if data.filled:
        if data.filled_by_id is not None and session.get(Employee, data.filled_by_id) is None:
            raise Invalid(f"filled_by_id: {data.filled_by_id} does not exist")
        opp.status, opp.filled_on, opp.filled_by_id = "filled", date.today(), data.filled_by_id
        opp.filled_internally = data.filled_by_id is not None
    else:
        opp.status = "closed"
    _audit(session, actor, "opportunity.close", opp, reason=data.reason, filled=data.filled)
    return opp


def get_managed(session: Session, *, actor: Actor, opportunity_id: int) -> Opportunity:
    """An opening the actor may change (its hiring manager, or HR): the edit form's, refused
    like the save is (403) for anyone else who can see it."""
    return _owned(session, actor, opportunity_id)


def get_opportunity(session: Session, *, actor: Actor, opportunity_id: int) -> Opportunity:
    opp = _load(session, opportunity_id)
    if not _visible(actor, opp):
        raise NotFound(f"opportunity {opportunity_id} does not exist")
    return opp


def search_statement(filters: SearchFilters) -> Select[Any]:
    """The ids of the open opportunities matching every given filter (saved searches reuse it)."""
    return _search_stmt(filters)


def matches_filters(session: Session, *, opportunity_id: int, filters: SearchFilters) -> bool:
    return session.scalar(_search_stmt(filters).where(Opportunity.id == opportunity_id)) is not None


def _search_stmt(filters: SearchFilters) -> Select[Any]:
    stmt = select(Opportunity.id).where(Opportunity.status == "open")
    if filters.q:
        q = filters.q.strip()  # literal text: % and _ are not wildcards
        stmt = stmt.where(or_(Opportunity.title.icontains(q, autoescape=True),
                              Opportunity.description.icontains(q, autoescape=True)))
    if filters.type:
        stmt = stmt.where(Opportunity.type == filters.type)
    if filters.family_id:
        stmt = stmt.where(Opportunity.role_id.in_(select(Role.id).where(Role.family_id == filters.family_id)))
    if filters.location_id:
        stmt = stmt.where(Opportunity.location_id == filters.location_id)
    if filters.remote:
        stmt = stmt.where(Opportunity.remote == filters.remote)
    if filters.max_hours is not None:
        stmt = stmt.where(or_(Opportunity.hours_per_week.is_(None), Opportunity.hours_per_week <= filters.max_hours))
    return stmt


def search_opportunities(
    session: Session, *, filters: SearchFilters, page: int = 1, per_page: int = 20,
) -> Page[OpportunityOut]:
    """Open opportunities matching every given filter, newest first."""
    page, per_page = clamp(page, per_page)
    stmt = _search_stmt(filters)
    total = count_of(session, stmt)
    ids = list(session.scalars(stmt.order_by(Opportunity.posted_on.desc(), Opportunity.id.desc())
                               .offset((page - 1) * per_page).limit(per_page)))
    opps = {o.id: o for o in session.scalars(select(Opportunity).where(Opportunity.id.in_(ids))
                                             .options(selectinload(Opportunity.skills)))}
    return Page(items=to_out_many(session, [opps[i] for i in ids]), total=total, page=page, per_page=per_page)


def list_managed(session: Session, *, actor: Actor) -> list[Opportunity]:
    """The actor's own openings (as hiring manager), newest first."""
    if actor.employee_id is None:
        return []
    return list(session.scalars(select(Opportunity).where(Opportunity.hiring_manager_id == actor.employee_id)
                                .order_by(Opportunity.id.desc()).limit(200)))


def list_pending_approval(session: Session) -> list[Opportunity]:
    """Postings waiting for HR, oldest first, with their skills (one query for all of them)."""
    return list(session.scalars(select(Opportunity).where(Opportunity.status == "pending_approval")
                                .options(selectinload(Opportunity.skills)).order_by(Opportunity.id)))


def filter_choices(session: Session, *, roles: bool = True) -> dict[str, list[tuple[int, str]]]:
    """Job families and locations for the marketplace filters (and roles and teams for the forms)."""
    def pairs(stmt: Any) -> list[tuple[int, str]]:
        return [(i, n) for i, n in session.execute(stmt)]

    return {"families": pairs(select(JobFamily.id, JobFamily.name).order_by(JobFamily.name)),
            "locations": pairs(select(Location.id, Location.name).order_by(Location.name)),
            "roles": pairs(select(Role.id, Role.title).order_by(Role.title).limit(2000)) if roles else [],
            "org_units": pairs(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.name).limit(2000)) if roles else []}
