""""For you" recommendations and hiring shortlists from the matching engine, with the portal's
rules on top: a person who opted out of automated recommendations gets none (and is left out
of shortlists); a profile set to private is shown in shortlists to HR only. What was shown is
logged (``recommendation_events``) for the fairness audits, by ``record_shown`` after the response."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from trellis.accounts.permissions import Actor, can_manage_opportunity
from trellis.applications import service as applications
from trellis.config import Settings
from trellis.core.types import Filters
from trellis.errors import Forbidden, Invalid, NotFound
from trellis.matching import service as matching
from trellis.matching.schemas import MatchList, MatchOut, SkillOut
from trellis.models import (
    Employee,
    EmployeeSkill,
    Opportunity,
    Preferences,
    RecommendationEvent,
    Skill,
    TargetRole,
)
from trellis.recommendations.schemas import Applicant, ApplicantSkill, ForYou, Recommended, ShortlistEntry

RAISE_BY = 3


def _raise_by(match: MatchOut) -> list[SkillOut]:
    gains = [s for s in match.skills if s.status != "matched" and s.score_if_added is not None
             and s.score_if_added > match.score]
    return sorted(gains, key=lambda s: -(s.score_if_added or 0.0))[:RAISE_BY]


def for_you(session: Session, *, settings: Settings, actor: Actor, k: int = 20) -> ForYou:
    """The actor's best open opportunities that reach the score floor, with the engine's
    explanation and what would raise each; which rules keep other openings out and how many;
    and, when nothing is good enough yet, the closest opening and what would help."""
    if actor.employee_id is None:
        raise Invalid("this account is not linked to an employee, so it has no recommendations")
    person = session.get(Employee, actor.employee_id)
    assert person is not None
    floor = settings.recommend_min_score
    if session.scalar(select(Preferences.ai_opt_out).where(Preferences.employee_id == person.id)):
        return ForYou(opted_out=True, model_version=None, items=[], floor=floor)
    try:
        found, hidden = matching.recommend_with_hidden(session, settings=settings, employee=person.external_id, k=k,
                                                       filters=Filters(min_score=floor))
        nearest = [] if found.results or found.notice else matching.recommend(
            session, settings=settings, employee=person.external_id, k=1).results
    except NotFound:
        return ForYou(opted_out=False, model_version=None, items=[], floor=floor)
    items = _recommended(session, [*found.results, *nearest])
    closest = items.pop() if nearest and items else None
    return ForYou(opted_out=False, model_version=found.model_version, items=items, floor=floor, hidden=hidden,
                  closest=closest, tips=_tips(session, employee_id=person.id) if not items else [])


def _recommended(session: Session, found: list[MatchOut]) -> list[Recommended]:
    ids = dict(session.execute(select(Opportunity.external_id, Opportunity.id).where(
        Opportunity.external_id.in_([m.opportunity for m in found]))).all())
    return [Recommended(opportunity_id=ids[m.opportunity], match=m, raise_by=_raise_by(m))
            for m in found if m.opportunity in ids]


def _tips(session: Session, *, employee_id: int) -> list[str]:
    """What would give the person better suggestions, from what their profile lacks."""
    skills = session.scalar(select(func.count()).select_from(EmployeeSkill).where(
        EmployeeSkill.employee_id == employee_id, EmployeeSkill.status == "accepted")) or 0
    targets = session.scalar(select(func.count()).select_from(TargetRole).where(
        TargetRole.employee_id == employee_id)) or 0
    tips = []
    if skills < 5:
        tips.append(f"Add the skills you use at work to your profile, with their levels: it lists {skills} "
                    f"so far, and skills count most in every match.")
    if not targets:
        tips.append("Say which roles you would like next, so openings on that path rank higher.")
    tips.append("Upload your CV on your profile: it suggests skills for you to accept or reject.")
    return tips


def explain_for(session: Session, *, settings: Settings, actor: Actor, opportunity_id: int) -> Recommended | None:
    """Why one open opportunity fits (or not) the actor; None if they opted out or it is not open."""
    if actor.employee_id is None:
        return None
    person, opp = session.get(Employee, actor.employee_id), session.get(Opportunity, opportunity_id)
    if person is None or opp is None or opp.status != "open":
        return None
    if session.scalar(select(Preferences.ai_opt_out).where(Preferences.employee_id == person.id)):
        return None
    try:
        match = matching.explain(session, settings=settings, employee=person.external_id,
                                 opportunity=opp.external_id, you=True)
    except NotFound:
        return None
    return Recommended(opportunity_id=opp.id, match=match, raise_by=_raise_by(match))


def applicants(session: Session, *, settings: Settings, actor: Actor, opportunity_id: int,
               skills: int = 12) -> list[Applicant]:
    """The applications the actor may see (``applications.list_for_opportunity`` applies the
    confidentiality rules), each with the applicant's match to the posting, explained in words
    about them, and their skills (unless their profile is private and the actor is not HR)."""
    apps = applications.list_for_opportunity(session, actor=actor, opportunity_id=opportunity_id)
    if not apps:
        return []
    opp = session.get(Opportunity, opportunity_id)
    assert opp is not None
    ids = [a.employee_id for a in apps]
    people = {i: (ext, title, opted, vis) for i, ext, title, opted, vis in session.execute(
        select(Employee.id, Employee.external_id, Employee.job_title, Preferences.ai_opt_out, Preferences.visibility)
        .outerjoin(Preferences, Preferences.employee_id == Employee.id).where(Employee.id.in_(ids)))}
    held: dict[int, list[ApplicantSkill]] = {i: [] for i in ids}
    for emp, label, level, verified in session.execute(
            select(EmployeeSkill.employee_id, Skill.preferred_label, EmployeeSkill.proficiency,
                   EmployeeSkill.verified_at).join(Skill, Skill.id == EmployeeSkill.skill_id)
            .where(EmployeeSkill.employee_id.in_(ids), EmployeeSkill.status == "accepted")
            .order_by(EmployeeSkill.proficiency.desc(), Skill.preferred_label)):
        held[emp].append(ApplicantSkill(label=label, proficiency=level, verified=verified is not None))
    out = []
    for app in apps:
        ext, title, opted_out, visibility = people[app.employee_id]
        match, why = None, None
        if opted_out:
            why = "They switched off automated matching, so no score is worked out for them."
        elif opp.status != "open":
            why = "The match is worked out while the opening is open."
        else:
            try:
                match = matching.explain(session, settings=settings, employee=ext, opportunity=opp.external_id)
            except NotFound:
                why = "They are not an active employee, so no match is worked out."
        private = visibility == "private" and not actor.is_hr
        out.append(Applicant(application=app, job_title=title, match=match, no_match_reason=why,
                             skills=[] if private else held[app.employee_id][:skills], profile_private=private))
    return out


def shortlist(session: Session, *, settings: Settings, actor: Actor, opportunity_id: int,
              k: int = 20) -> list[ShortlistEntry]:
    """Internal candidates for an open opening, best first, for its hiring manager or HR."""
    opp = session.get(Opportunity, opportunity_id)
    if opp is None:
        raise NotFound(f"opportunity {opportunity_id} does not exist")
    if not can_manage_opportunity(actor, opp.hiring_manager_id):
        raise Forbidden("only the hiring manager or HR see the shortlist")
    if opp.status != "open":
        return []
    try:
        found: MatchList = matching.candidates(session, settings=settings, opportunity=opp.external_id, k=k * 2)
    except NotFound:
        return []
    people = {ext: (i, opted, vis) for ext, i, opted, vis in session.execute(
        select(Employee.external_id, Employee.id, Preferences.ai_opt_out, Preferences.visibility)
        .outerjoin(Preferences, Preferences.employee_id == Employee.id)
        .where(Employee.external_id.in_([m.employee for m in found.results]))).all()}
    applied = applications.visible_applicants(session, actor=actor, opportunity_id=opp.id)  # confidential rule
    out: list[ShortlistEntry] = []
    for m in found.results:
        emp_id, opted_out, visibility = people.get(m.employee, (None, False, "company"))
        if emp_id is None or opted_out or emp_id == actor.employee_id:
            continue
        if visibility == "private" and not actor.is_hr:
            continue
        out.append(ShortlistEntry(employee_id=emp_id, applied=emp_id in applied, match=m))
    return out[:k]


def record_shown(factory: sessionmaker[Session], *, shown: list[tuple[int, int, MatchOut]],
                 model_version: str | None, source: str, actor: Actor) -> None:
    """Log what was shown, (employee id, opportunity id, match) in rank order, in its own
    transaction that starts with the inserts: the web tier runs it after the response, and on
    SQLite a transaction that read first cannot take the write lock once another has written."""
    if not shown:
        return
    with factory() as session:
        # one bulk INSERT of plain rows, no ORM objects: it runs beside the next requests
        session.execute(insert(RecommendationEvent), [dict(
            employee_id=emp, opportunity_id=opp, kind="shown", source=source, rank=rank, score=m.score,
            actor=f"user:{actor.user_id}", components={c.name: c.points for c in m.components},
            model_version=(model_version or "")[:64]) for rank, (emp, opp, m) in enumerate(shown, start=1)])
        session.commit()
