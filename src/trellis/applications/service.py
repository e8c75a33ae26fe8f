"""Applications: apply with a note (confidential by default), move through stages with a reason
for every decision, withdraw, and time release for gigs. Optimistic locking on
``Application.version``: a decision made on a stale view is refused, never lost.

Confidential mode: the applicant's current manager neither sees the application nor hears of
it until it reaches the offer stage (see ``accounts.permissions``). Nothing here rejects or
advances anybody on its own; every move is a person's decision with a reason."""

from __future__ import annotations

from itertools import product

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.elements import ColumnElement

from trellis.accounts.permissions import (
    CLOSED_STAGES,
    STAGES,
    Actor,
    ApplicationFacts,
    can_manage_opportunity,
    can_move_application,
    can_view_application,
    manager_is_told,
)
from trellis.applications.schemas import ApplicationOut, ApplyIn, MoveIn, TimeReleaseDecision, TimeReleaseOut
from trellis.errors import Conflict, Forbidden, Invalid, NotFound
from trellis.models import Application, AuditEvent, Employee, Opportunity, RecommendationEvent, TimeRelease
from trellis.models.base import utcnow
from trellis.notifications.service import notify

RELEASE_TYPES = ("gig", "project")
_KNOWN_STATUSES = (*STAGES, "rejected", "withdrawn")
_OTHER_STATUS = "?"  # stands for any status not in _KNOWN_STATUSES


def _facts(app: Application, opp: Opportunity, applicant: Employee) -> ApplicationFacts:
    return ApplicationFacts(applicant_id=applicant.id, applicant_manager_id=applicant.manager_id,
                            hiring_manager_id=opp.hiring_manager_id, status=app.status,
                            confidential=app.confidential)


def hidden_applications(*, actor: Actor) -> Select[int]:
    """The ids of every application ``actor`` may not see, as a query to leave them out of
    lists, flags, counts and the audit trail. It is ``can_view_application`` itself, asked once
    for each kind of application there is (the actor's relation to it: applicant, owner of the
    opening, current manager of the applicant; stage; confidential) and written as SQL, so the
    confidentiality rule stays in one place."""
    me = actor.employee_id
    relations = (Application.employee_id, Opportunity.hiring_manager_id, Employee.manager_id)
    terms: list[ColumnElement[bool]] = []
    for flags in product((False, True), repeat=len(relations)):
        if me is None and any(flags):
            continue
        ids = [me if flag and me is not None else -1 - i for i, flag in enumerate(flags)]  # -1, -2, -3: nobody
        for confidential in (False, True):
            hidden = [status for status in (*_KNOWN_STATUSES, _OTHER_STATUS) if not can_view_application(
                actor, ApplicationFacts(applicant_id=ids[0], hiring_manager_id=ids[1], applicant_manager_id=ids[2],
                                        status=status, confidential=confidential))]
            if not hidden:
                continue
            stage = [Application.status.in_([s for s in hidden if s != _OTHER_STATUS])]
            if _OTHER_STATUS in hidden:
                stage.append(Application.status.not_in(_KNOWN_STATUSES))
            related = [] if me is None else [column == me if flag else column.is_distinct_from(me)
                                             for column, flag in zip(relations, flags, strict=True)]
            terms.append(and_(*related, Application.confidential == confidential, or_(*stage)))
    return (select(Application.id).join(Opportunity, Opportunity.id == Application.opportunity_id)
            .join(Employee, Employee.id == Application.employee_id).where(or_(false(), *terms)))


def hidden_application_ids(session: Session, *, actor: Actor) -> frozenset[int]:
    """``hidden_applications`` as a set: for HR, the few confidential applications of their own
    reports (what analytics counts leave out for them)."""
    return frozenset(session.scalars(hidden_applications(actor=actor)))


def visible_applicants(session: Session, *, actor: Actor, opportunity_id: int) -> set[int]:
    """The employees whose application to the opening ``actor`` may see."""
    return set(session.scalars(select(Application.employee_id).where(
        Application.opportunity_id == opportunity_id, Application.id.not_in(hidden_applications(actor=actor)))))


def _triple(session: Session, application_id: int) -> tuple[Application, Opportunity, Employee]:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound(f"application {application_id} does not exist")
    opp, person = session.get(Opportunity, app.opportunity_id), session.get(Employee, app.employee_id)
    assert opp is not None and person is not None
    return app, opp, person


def _releases(session: Session, application_ids: list[int]) -> dict[int, str]:
    """Time-release status by application, in one query for a whole list."""
    if not application_ids:
        return {}
    return {a: s for a, s in session.execute(select(TimeRelease.application_id, TimeRelease.status)
                                             .where(TimeRelease.application_id.in_(application_ids)))}


def _out(session: Session, app: Application, opp: Opportunity, person: Employee,
         releases: dict[int, str] | None = None) -> ApplicationOut:
    release = (releases.get(app.id) if releases is not None else
               session.scalar(select(TimeRelease.status).where(TimeRelease.application_id == app.id)))
    return ApplicationOut(
        id=app.id, opportunity_id=opp.id, opportunity_title=opp.title, opportunity_type=opp.type,
        employee_id=person.id, applicant=person.name, status=app.status, confidential=app.confidential,
        note=app.note, decision_reason=app.decision_reason, submitted_at=app.submitted_at, version=app.version,
        time_release=release)


def _audit(session: Session, actor: Actor, action: str, app: Application, reason: str | None = None,
           **data: object) -> None:
    session.add(AuditEvent(actor=f"user:{actor.user_id}", action=action, entity_type="application",
                           entity_id=str(app.id), reason=reason or None, data=dict(data)))


def _flush(session: Session, *new: Application) -> None:
    """Flush (adding ``new`` inside a savepoint, so a refused row leaves nothing behind)."""
    try:
        with session.begin_nested():
            session.add_all(new)
            session.flush()
    except StaleDataError as err:
        raise Conflict("someone else changed this application meanwhile; reload and decide again") from err
    except IntegrityError as err:  # two submissions racing past the duplicate check
        raise Conflict("you have already applied to this opportunity") from err


def apply(session: Session, *, actor: Actor, opportunity_id: int, data: ApplyIn) -> ApplicationOut:
    if actor.employee_id is None:
        raise Invalid("your account is not linked to an employee, so it cannot apply")
    opp = session.get(Opportunity, opportunity_id)
    if opp is None or opp.status != "open":
        raise NotFound(f"opportunity {opportunity_id} is not open")
    if opp.hiring_manager_id == actor.employee_id:
        raise Invalid("you cannot apply to your own opening")
    earlier = session.scalar(select(Application).where(Application.opportunity_id == opp.id,
                                                       Application.employee_id == actor.employee_id))
    if earlier is not None and earlier.status != "withdrawn":
        raise Conflict("you have already applied to this opportunity")
    app = earlier or Application(opportunity_id=opp.id, employee_id=actor.employee_id)
    app.note, app.confidential, app.status = data.note.strip() or None, data.confidential, "submitted"
    app.submitted_at, app.decided_by_id, app.decision_reason = utcnow(), None, None  # a withdrawal, re-applied
    _flush(session, *([] if earlier else [app]))
    person = session.get(Employee, actor.employee_id)
    assert person is not None
    _audit(session, actor, "application.submit", app, confidential=app.confidential, reapplied=earlier is not None)
    session.add(RecommendationEvent(employee_id=person.id, opportunity_id=opp.id, kind="applied", source="search",
                                    actor=f"user:{actor.user_id}"))
    if opp.hiring_manager_id:
        notify(session, employee_id=opp.hiring_manager_id, kind="application.new",
               subject=f"New applicant for {opp.title}", link=f"/manage/opportunities/{opp.id}/applicants")
    if person.manager_id and manager_is_told(_facts(app, opp, person)) and person.manager_id != opp.hiring_manager_id:
        notify(session, employee_id=person.manager_id, kind="application.report_applied",
               subject=f"{person.name} applied to {opp.title}", link=f"/applications/{app.id}")
    return _out(session, app, opp, person)


def list_mine(session: Session, *, actor: Actor, opportunity_id: int | None = None) -> list[ApplicationOut]:
    """The actor's own applications, newest first (only the one to ``opportunity_id``, if given)."""
    if actor.employee_id is None:
        return []
    stmt = (select(Application, Opportunity).join(Opportunity).where(Application.employee_id == actor.employee_id)
            .order_by(Application.id.desc()))
    if opportunity_id is not None:
        stmt = stmt.where(Application.opportunity_id == opportunity_id)
    rows = session.execute(stmt).all()
    person = session.get(Employee, actor.employee_id)
    assert person is not None
    releases = _releases(session, [app.id for app, _opp in rows])
    return [_out(session, app, opp, person, releases) for app, opp in rows]


def list_for_opportunity(session: Session, *, actor: Actor, opportunity_id: int) -> list[ApplicationOut]:
    """The applicants the actor may see: all of them for the hiring manager; for HR, all except
    confidential ones of their own reports before the offer stage."""
    opp = session.get(Opportunity, opportunity_id)
    if opp is None:
        raise NotFound(f"opportunity {opportunity_id} does not exist")
    if not can_manage_opportunity(actor, opp.hiring_manager_id):
        raise Forbidden("only the hiring manager or HR see the applicants")
    rows = session.execute(select(Application, Employee).join(Employee, Employee.id == Application.employee_id)
                           .where(Application.opportunity_id == opp.id).order_by(Application.id)).all()
    releases = _releases(session, [app.id for app, _person in rows])
    shown = [_out(session, app, opp, person, releases) for app, person in rows
             if can_view_application(actor, _facts(app, opp, person))]
    if shown:  # reading other people's applications is audited (who read whose, when)
        session.add(AuditEvent(actor=f"user:{actor.user_id}", action="application.list", entity_type="opportunity",
                               entity_id=str(opp.id), data={"applications": [a.id for a in shown]}))
    return shown


def get_application(session: Session, *, actor: Actor, application_id: int) -> ApplicationOut:
    """One application, if the actor may see it; otherwise 'does not exist' (a confidential
    application's existence is itself confidential)."""
    app, opp, person = _triple(session, application_id)
    if not can_view_application(actor, _facts(app, opp, person)):
        raise NotFound(f"application {application_id} does not exist")
    if actor.employee_id != person.id:  # someone else's application: audited
        _audit(session, actor, "application.view", app, applicant=person.id)
    return _out(session, app, opp, person)


def move(session: Session, *, actor: Actor, application_id: int, data: MoveIn) -> ApplicationOut:
    """A person's decision: move the application to another stage (or reject it) with a reason."""
    app, opp, person = _triple(session, application_id)
    facts = _facts(app, opp, person)
    if not can_view_application(actor, facts):
        raise NotFound(f"application {application_id} does not exist")
    if not can_move_application(actor, facts):
        raise Forbidden("only the hiring manager or HR decide on applications")
    if data.version != app.version:
        raise Conflict(f"application {app.id} changed since you saw it (version {data.version}, now {app.version})")
    if app.status in CLOSED_STAGES:
        raise Conflict(f"a {app.status} application cannot move")
    if data.to == app.status:
        raise Invalid(f"to: the application is already {app.status}")
    was_told = manager_is_told(facts)
    before = app.status
    app.status, app.decision_reason, app.decided_by_id = data.to, data.reason.strip(), actor.employee_id
    _flush(session)
    _audit(session, actor, "application.move", app, reason=data.reason, **{"from": before, "to": data.to})
    if data.to in ("shortlisted", "selected", "rejected"):
        session.add(RecommendationEvent(employee_id=person.id, opportunity_id=opp.id, kind=data.to, source="search",
                                        actor=f"user:{actor.user_id}"))
    notify(session, employee_id=person.id, kind="application.moved",
           subject=f"Your application for {opp.title}: {data.to}", body=data.reason, link="/applications")
    offer_reached = data.to in STAGES and STAGES.index(data.to) >= STAGES.index("offer")
    manager_id = person.manager_id
    if offer_reached and manager_id and manager_id != opp.hiring_manager_id:
        if not was_told:
            notify(session, employee_id=manager_id, kind="application.report_offer",
                   subject=f"{person.name} has an offer for {opp.title}", link=f"/applications/{app.id}")
        _request_release(session, app, opp, person, manager_id)
    return _out(session, app, opp, person)


def _request_release(session: Session, app: Application, opp: Opportunity, person: Employee, manager_id: int) -> None:
    if opp.type not in RELEASE_TYPES:
        return
    if session.scalar(select(TimeRelease.id).where(TimeRelease.application_id == app.id)):
        return
    session.add(TimeRelease(application_id=app.id, manager_id=manager_id, hours_per_week=opp.hours_per_week))
    notify(session, employee_id=manager_id, kind="time_release.requested",
           subject=f"Time release for {person.name}: {opp.title}", link="/manage/time-releases")


def withdraw(session: Session, *, actor: Actor, application_id: int, version: int, reason: str = "") -> ApplicationOut:
    app, opp, person = _triple(session, application_id)
    if actor.employee_id != person.id:
        raise NotFound(f"application {application_id} does not exist")
    if version != app.version:
        raise Conflict(f"application {app.id} changed since you saw it")
    if app.status in CLOSED_STAGES:
        raise Conflict(f"a {app.status} application cannot be withdrawn")
    app.status, app.decision_reason = "withdrawn", reason.strip() or None
    _flush(session)
    _audit(session, actor, "application.withdraw", app, reason=reason)
    session.add(RecommendationEvent(employee_id=person.id, opportunity_id=opp.id, kind="withdrawn", source="search",
                                    actor=f"user:{actor.user_id}"))
    if opp.hiring_manager_id:
        notify(session, employee_id=opp.hiring_manager_id, kind="application.withdrawn",
               subject=f"An applicant withdrew from {opp.title}", link=f"/manage/opportunities/{opp.id}/applicants")
    return _out(session, app, opp, person)


def list_time_releases(session: Session, *, actor: Actor) -> list[TimeReleaseOut]:
    """Time-release requests addressed to the actor as someone's current manager."""
    if actor.employee_id is None:
        return []
    rows = session.execute(
        select(TimeRelease, Application, Opportunity, Employee)
        .join(Application, Application.id == TimeRelease.application_id)
        .join(Opportunity, Opportunity.id == Application.opportunity_id)
        .join(Employee, Employee.id == Application.employee_id)
        .where(TimeRelease.manager_id == actor.employee_id).order_by(TimeRelease.id.desc())).all()
    return [TimeReleaseOut(id=r.id, application_id=a.id, applicant=e.name, opportunity_title=o.title,
                           hours_per_week=r.hours_per_week, status=r.status, reason=r.reason)
            for r, a, o, e in rows]


def decide_time_release(
    session: Session, *, actor: Actor, release_id: int, data: TimeReleaseDecision,
) -> TimeReleaseOut:
    release = session.get(TimeRelease, release_id)
    if release is None or release.manager_id != actor.employee_id:
        raise NotFound(f"time release {release_id} does not exist")
    if release.status != "pending":
        raise Conflict(f"this time release was already {release.status}")
    release.status = "approved" if data.approve else "declined"
    release.reason, release.decided_at = data.reason.strip(), utcnow()
    app, opp, person = _triple(session, release.application_id)
    session.add(AuditEvent(actor=f"user:{actor.user_id}", action=f"time_release.{release.status}",
                           entity_type="time_release", entity_id=str(release.id), reason=data.reason))
    for who in {person.id, opp.hiring_manager_id}:
        if who:
            notify(session, employee_id=who, kind="time_release.decided",
                   subject=f"Time release for {opp.title}: {release.status}", body=data.reason)
    return TimeReleaseOut(id=release.id, application_id=app.id, applicant=person.name, opportunity_title=opp.title,
                          hours_per_week=release.hours_per_week, status=release.status, reason=release.reason)
