"""Mentoring: mentors declare what they teach; mentees state goals; a global assignment
(optimal, under capacity, language, pins and forbids) proposes pairs with explanations."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from trellis.core.mentoring import Mentee, Mentor, assign, explain, fit_matrix
from trellis.errors import Invalid, NotFound
from trellis.mentoring.schemas import AssignmentOut, ConstraintOut, MentorIn, PairOut, RequestIn, SharedSkill
from trellis.models import (
    AuditEvent,
    Employee,
    Location,
    MenteeGoal,
    MenteeRequest,
    MentoringConstraint,
    MentoringPair,
    MentorProfile,
    MentorSkill,
    Skill,
)


def utc_offset(tz: str | None, at: datetime | None = None) -> float | None:
    """Hours east of UTC for an IANA time-zone name (None when unknown)."""
    if not tz:
        return None
    try:
        off = (at or datetime.now(UTC)).astimezone(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return None if off is None else off.total_seconds() / 3600


def _employee(session: Session, ref: str) -> Employee:
    emp = session.scalar(select(Employee).where(Employee.external_id == ref))
    if emp is None:
        raise NotFound(f'employee "{ref}" does not exist')
    return emp


def _skill_ids(session: Session, refs: dict[str, float] | dict[str, int], field: str) -> dict[int, float]:
    out: dict[int, float] = {}
    missing = []
    for ref, value in refs.items():
        skill = session.scalar(select(Skill).where(or_(Skill.external_id == ref, Skill.preferred_label == ref))
                               .order_by(Skill.id).limit(1))
        if skill is None:
            missing.append(f'{field}: skill "{ref}" does not exist')
        else:
            out[skill.id] = float(value)
    if missing:
        raise Invalid("unknown skills", details=missing)
    return out


def _check_timezone(tz: str | None) -> None:
    if tz and utc_offset(tz) is None:
        raise Invalid(f'timezone "{tz}" is not an IANA time-zone name (e.g. Europe/Berlin)')


def save_mentor(session: Session, *, employee: str, data: MentorIn) -> int:
    """Create or replace a person's mentor profile; returns its id."""
    emp = _employee(session, employee)
    _check_timezone(data.timezone)
    skills = _skill_ids(session, data.skills, "skills")
    if any(not 1 <= lvl <= 5 for lvl in skills.values()):
        raise Invalid("skills: levels must be between 1 and 5")
    profile = session.scalar(select(MentorProfile).where(MentorProfile.employee_id == emp.id))
    if profile is None:
        profile = MentorProfile(employee_id=emp.id)
        session.add(profile)
    profile.capacity, profile.languages = data.capacity, list(data.languages)
    profile.timezone, profile.active = data.timezone, data.active
    if profile.skills:  # drop the old rows first: the new ones reuse their (profile, skill) keys
        profile.skills = []
        session.flush()
    profile.skills = [MentorSkill(skill_id=s, level=int(lvl)) for s, lvl in skills.items()]
    session.flush()
    return profile.id


def request_mentor(session: Session, *, employee: str, data: RequestIn) -> int:
    """Open a mentee request (closing any earlier open one); returns its id."""
    emp = _employee(session, employee)
    _check_timezone(data.timezone)
    goals = _skill_ids(session, data.goals, "goals")
    if not goals:
        raise Invalid("goals: name at least one skill")
    for old in session.scalars(select(MenteeRequest).where(MenteeRequest.employee_id == emp.id,
                                                           MenteeRequest.status == "open")):
        old.status = "closed"
    req = MenteeRequest(employee_id=emp.id, topics=data.topics, languages=list(data.languages),
                        timezone=data.timezone, status="open",
                        goals=[MenteeGoal(skill_id=s, weight=w) for s, w in goals.items()])
    session.add(req)
    session.flush()
    return req.id


def set_constraint(session: Session, *, mentor: str, mentee: str, kind: str, reason: str | None = None,
                   actor: str = "system") -> ConstraintOut:
    """Pin (must pair) or forbid (never pair) a mentor and a mentee; replaces an earlier one."""
    if kind not in ("pin", "forbid", "clear"):
        raise Invalid(f'kind must be pin, forbid or clear, not "{kind}"')
    mo, me = _employee(session, mentor), _employee(session, mentee)
    if mo.id == me.id:
        raise Invalid("a person cannot mentor themselves")
    session.execute(delete(MentoringConstraint).where(MentoringConstraint.mentor_id == mo.id,
                                                      MentoringConstraint.mentee_id == me.id))
    if kind != "clear":
        session.add(MentoringConstraint(mentor_id=mo.id, mentee_id=me.id, kind=kind, reason=reason,
                                        created_by=actor))
    session.add(AuditEvent(actor=actor, action=f"mentoring.{kind}", entity_type="mentoring_constraint",
                           entity_id=f"{mo.external_id}:{me.external_id}", reason=reason))
    session.flush()
    return ConstraintOut(mentor=mo.external_id, mentee=me.external_id, kind=kind, reason=reason)


def _offsets(session: Session, employee_ids: set[int]) -> dict[int, str | None]:
    rows = session.execute(select(Employee.id, Location.timezone).join(Location, Location.id == Employee.location_id)
                           .where(Employee.id.in_(employee_ids))).all()
    return {r.id: r.timezone for r in rows}


def assign_mentors(session: Session, *, dry_run: bool = False, actor: str = "system") -> AssignmentOut:
    """Re-run the global assignment: open requests × active mentors, minus capacity already
    used by active pairs, honouring the persisted pins and forbids. Replaces earlier proposals."""
    now = datetime.now(UTC)
    profiles = session.scalars(select(MentorProfile).options(selectinload(MentorProfile.skills))
                               .where(MentorProfile.active.is_(True))
                               .order_by(MentorProfile.employee_id)).all()
    requests = session.scalars(select(MenteeRequest).options(selectinload(MenteeRequest.goals))
                               .where(MenteeRequest.status == "open")
                               .order_by(MenteeRequest.employee_id, MenteeRequest.id)).all()
    active = session.execute(select(MentoringPair.mentor_id, MentoringPair.mentee_id)
                             .where(MentoringPair.status == "active")).all()
    busy_mentees = {a.mentee_id for a in active}
    used: dict[int, int] = {}
    for a in active:
        used[a.mentor_id] = used.get(a.mentor_id, 0) + 1
    requests = [r for r in requests if r.employee_id not in busy_mentees]
    people = {p.employee_id for p in profiles} | {r.employee_id for r in requests}
    emps = {e.id: e for e in session.scalars(select(Employee).where(Employee.id.in_(people)))}
    loc_tz = _offsets(session, people)
    mentors = [Mentor(p.employee_id, {s.skill_id: s.level for s in p.skills},
                      max(p.capacity - used.get(p.employee_id, 0), 0),
                      frozenset(p.languages or emps[p.employee_id].languages or []),
                      utc_offset(p.timezone or loc_tz.get(p.employee_id), now)) for p in profiles]
    mentees = [Mentee(r.employee_id, {g.skill_id: g.weight for g in r.goals},
                      frozenset(r.languages or emps[r.employee_id].languages or []),
                      utc_offset(r.timezone or loc_tz.get(r.employee_id), now)) for r in requests]
    mentor_ix = {m.person_id: j for j, m in enumerate(mentors)}
    mentee_ix = {m.person_id: i for i, m in enumerate(mentees)}
    pins: list[tuple[int, int]] = []
    forbids: list[tuple[int, int]] = []
    problems: list[str] = []
    constraints = session.scalars(select(MentoringConstraint).order_by(MentoringConstraint.id)).all()
    ext = {r[0]: r[1] for r in session.execute(select(Employee.id, Employee.external_id).where(
        Employee.id.in_({c.mentor_id for c in constraints} | {c.mentee_id for c in constraints})))}
    for c in constraints:
        i, j = mentee_ix.get(c.mentee_id), mentor_ix.get(c.mentor_id)
        if i is None or j is None:
            if c.kind == "pin" and c.mentee_id not in busy_mentees:
                problems.append(f"pin {ext[c.mentor_id]} → {ext[c.mentee_id]}: "
                                "the mentee has no open request or the mentor no active profile")
            continue
        (pins if c.kind == "pin" else forbids).append((i, j))
    if problems:
        raise Invalid("pinned pairs cannot be honoured", details=problems)
    fit, allowed = fit_matrix(mentees, mentors)
    try:
        pairs = assign(fit, allowed, [m.capacity for m in mentors], pins=pins, forbids=forbids)
    except ValueError as err:
        raise Invalid(f"mentoring constraints contradict each other: {err}") from err
    labels = {r[0]: r[1] for r in session.execute(select(Skill.id, Skill.preferred_label).where(
        Skill.id.in_({s for m in mentees for s in m.goals})))}
    out: list[PairOut] = []
    if not dry_run:
        session.execute(delete(MentoringPair).where(MentoringPair.status == "proposed"))
    for p in pairs:
        me, mo = mentees[p.mentee], mentors[p.mentor]
        ex = explain(me, mo, p.fit, pinned=p.pinned)
        po = PairOut(mentor=emps[mo.person_id].external_id, mentor_name=emps[mo.person_id].name,
                     mentee=emps[me.person_id].external_id, mentee_name=emps[me.person_id].name,
                     fit=ex.fit, pinned=p.pinned, languages=list(ex.languages), hours_apart=ex.hours_apart,
                     shared_skills=[SharedSkill(skill_id=s, label=labels.get(s, str(s)), mentor_level=lvl)
                                    for s, lvl in ex.shared_skills])
        out.append(po)
        if not dry_run:
            session.add(MentoringPair(mentor_id=mo.person_id, mentee_id=me.person_id,
                                      request_id=requests[p.mentee].id, status="proposed", fit=ex.fit,
                                      pinned=p.pinned, explanation=po.model_dump(mode="json")))
    matched = {p.mentee for p in pairs}
    if not dry_run:
        session.add(AuditEvent(actor=actor, action="mentoring.assign", entity_type="mentoring_pair",
                               data={"pairs": len(pairs), "mentees": len(mentees), "mentors": len(mentors)}))
        session.flush()
    return AssignmentOut(mentors=len(mentors), capacity=sum(m.capacity for m in mentors), mentees=len(mentees),
                         assigned=len(pairs), total_fit=round(sum(p.fit for p in pairs), 4), pairs=out,
                         unassigned=[emps[m.person_id].external_id for i, m in enumerate(mentees) if i not in matched],
                         dry_run=dry_run)
