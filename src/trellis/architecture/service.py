"""Job architecture basics (families, roles) and the audit log view, for HR."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.accounts.permissions import Actor
from trellis.architecture.schemas import AuditOut, FamilyIn, FamilyOut, RoleIn
from trellis.errors import Conflict, Invalid
from trellis.models import AuditEvent, Employee, JobFamily, Opportunity, OrgUnit, Role, Skill
from trellis.pagination import Page, clamp, count_of


def list_families(session: Session) -> list[FamilyOut]:
    counts = dict(session.execute(select(Role.family_id, func.count()).group_by(Role.family_id)).all())
    return [FamilyOut(id=f.id, name=f.name, roles=counts.get(f.id, 0))
            for f in session.scalars(select(JobFamily).order_by(JobFamily.name))]


def create_family(session: Session, *, actor: Actor, data: FamilyIn) -> JobFamily:
    if session.scalar(select(JobFamily.id).where(func.lower(JobFamily.name) == data.name.strip().lower())):
        raise Conflict(f"a job family called {data.name!r} exists")
    fam = JobFamily(external_id=f"F-{secrets.token_hex(5)}", name=data.name.strip(), description=data.description)
    session.add(fam)
    session.flush()
    session.add(AuditEvent(actor=f"user:{actor.user_id}", action="architecture.family.create",
                           entity_type="job_family", entity_id=str(fam.id), data={"name": fam.name}))
    return fam


def create_role(session: Session, *, actor: Actor, data: RoleIn) -> Role:
    if data.family_id is not None and session.get(JobFamily, data.family_id) is None:
        raise Invalid(f"family_id: {data.family_id} does not exist")
    role = Role(external_id=f"R-{secrets.token_hex(5)}", title=data.title.strip(), family_id=data.family_id,
                level=data.level, is_critical=data.is_critical)
    session.add(role)
    session.flush()
    session.add(AuditEvent(actor=f"user:{actor.user_id}", action="architecture.role.create",
                           entity_type="role", entity_id=str(role.id), data={"title": role.title}))
    return role


def list_audit(session: Session, *, action: str | None = None, page: int = 1, per_page: int = 50) -> Page[AuditOut]:
    """The audit log, newest first, optionally narrowed to actions starting with ``action``."""
    page, per_page = clamp(page, per_page)
    stmt = select(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action.like(f"{action.replace('%', '')}%"))
    total = count_of(session, stmt)
    rows = session.scalars(select(AuditEvent).where(AuditEvent.id.in_(
        stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)))
        .order_by(AuditEvent.id.desc()))
    items = [AuditOut(id=e.id, at=e.at.isoformat(timespec="seconds"), actor=e.actor, action=e.action,
                      entity_type=e.entity_type, entity_id=e.entity_id, reason=e.reason) for e in rows]
    return Page(items=items, total=total, page=page, per_page=per_page)


def organisation_counts(session: Session) -> dict[str, int]:
    """How big the organisation is (shown before sign-in and by /api/v1/counts)."""
    models = {"employees": Employee, "org_units": OrgUnit, "roles": Role, "skills": Skill,
              "opportunities": Opportunity}
    return {name: session.scalar(select(func.count()).select_from(m)) or 0 for name, m in models.items()}


def role_choices(session: Session, *, critical_only: bool = False) -> list[tuple[str, str]]:
    """(external id, title) of every role (or the critical ones), by title, for a form's choice list."""
    stmt = select(Role.external_id, Role.title).order_by(Role.title, Role.id)
    if critical_only:
        stmt = stmt.where(Role.is_critical.is_(True))
    return [(r[0], r[1]) for r in session.execute(stmt)]
