"""Record audit events and search them. Events are only ever inserted: the model refuses
updates and deletes, and database triggers refuse them too, so nothing here (or anywhere in the
product) can change the trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trellis.accounts.permissions import Actor
from trellis.applications.service import hidden_applications
from trellis.audit.schemas import AuditEventOut, AuditPage, AuditQuery
from trellis.errors import Invalid
from trellis.models import Application, AuditEvent, Employee, TimeRelease, User


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str | None = None,
    entity_id: str | int | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (who, what, on which entity, why) to the trail."""
    if not actor or not action:
        raise Invalid("an audit event needs an actor and an action")
    event = AuditEvent(actor=actor, action=action, entity_type=entity_type,
                       entity_id=None if entity_id is None else str(entity_id), reason=reason, data=data or {})
    session.add(event)
    session.flush()
    return event


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.actor:
        where.append(AuditEvent.actor == query.actor)
    if query.action:
        action = query.action.rstrip(".*")
        where.append(or_(AuditEvent.action == action,
                         AuditEvent.action.startswith(action + ".", autoescape=True)))
    if query.entity:
        kind, _, ident = query.entity.partition(":")
        where.append(AuditEvent.entity_type == kind)
        if ident:
            where.append(AuditEvent.entity_id == ident)
    if query.since:
        where.append(AuditEvent.at >= _aware(query.since))
    if query.until:
        where.append(AuditEvent.at < _aware(query.until))
    if query.text:
        pattern = _like(query.text)
        fields = (AuditEvent.actor, AuditEvent.action, AuditEvent.entity_id, AuditEvent.reason,
                  cast(AuditEvent.data, String))
        where.append(or_(*(func.lower(f).like(pattern, escape="\\") for f in fields)))
    return where


def _about_hidden_applications(viewer: Actor) -> ColumnElement[bool]:
    """Events that would tell ``viewer`` of an application they may not see (the confidential
    rule, ``hidden_applications``): on the application itself (submitted, viewed, moved,
    withdrawn), its time release, and the applicant lists read of an opening that has one."""
    hidden = hidden_applications(actor=viewer).subquery()
    as_text = cast(hidden.c.id, String)
    releases = select(cast(TimeRelease.id, String)).where(TimeRelease.application_id.in_(select(hidden.c.id)))
    openings = (select(cast(Application.opportunity_id, String))
                .where(Application.id.in_(select(hidden.c.id))))
    about = select(AuditEvent.id).where(or_(
        and_(AuditEvent.entity_type == "application", AuditEvent.entity_id.in_(select(as_text))),
        and_(AuditEvent.entity_type == "time_release", AuditEvent.entity_id.in_(releases)),
        and_(AuditEvent.entity_type == "opportunity", AuditEvent.action.startswith("application."),
             AuditEvent.entity_id.in_(openings))))
    return AuditEvent.id.not_in(about)


def search(session: Session, *, query: AuditQuery, viewer: Actor | None = None) -> AuditPage:
    """Events matching ``query``, newest first, with the total number of matches. With a
    ``viewer``, events about applications hidden from them are left out (as if they did not
    exist); without one (the CLI, run by whoever holds the database) nothing is."""
    if query.since and query.until and _aware(query.since) >= _aware(query.until):
        raise Invalid("since must be before until")
    where = and_(True, *_conditions(query), *([] if viewer is None else [_about_hidden_applications(viewer)]))
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(where)) or 0
    rows = session.scalars(select(AuditEvent).where(where).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                           .limit(query.limit).offset(query.offset)).all()
    return AuditPage(items=[AuditEventOut.model_validate(r) for r in rows], total=total,
                     limit=query.limit, offset=query.offset)


def actor_names(session: Session, *, actors: list[str]) -> dict[str, str]:
    """A readable name for each ``user:N`` actor: the person's name (and e-mail), else the
    account's e-mail; other actors (``system``, ``cli``) are left as they are."""
    ids = {int(a[5:]) for a in actors if a.startswith("user:") and a[5:].isdigit()}
    if not ids:
        return {}
    stmt = (select(User.id, User.email, Employee.name).outerjoin(Employee, Employee.id == User.employee_id)
            .where(User.id.in_(sorted(ids))))
    rows = session.execute(stmt).all()
    return {f"user:{uid}": f"{name} ({email})" if name else email for uid, email, name in rows}
