""""For you" recommendations and hiring shortlists from the matching engine, with the portal's
rules on top: a person who opted out of automated recommendations gets none (and is left out
of shortlists); a profile set to private is shown in shortlists to HR only. What was shown is
logged (``recommendation_events``) for the fairness audits, by ``record_shown`` after the response."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from trellis.accounts.permissions import Actor, can_manage_opportunity
from trellis.applications import service as applications
from trellis.config import Settings
from trellis.errors import Forbidden, Invalid, NotFound
from trellis.matching import service as matching
from trellis.matching.schemas import MatchList, MatchOut, SkillOut
from trellis.models import Employee, Opportunity, Preferences, RecommendationEvent
from trellis.recommendations.schemas import ForYou, Recommended, ShortlistEntry

RAISE_BY = 3


def _raise_by(match: MatchOut) -> list[SkillOut]:
    gains = [s for s in match.skills if s.status != "matched" and s.score_if_added is not None
             and s.score_if_added > match.score]
    return sorted(gains, key=lambda s: -(s.score_if_added or 0.0))[:RAISE_BY]


def for_you(session: Session, *, settings: Settings, actor: Actor, k: int = 20) -> ForYou:
    """The actor's best open opportunities with the engine's explanation and what would raise each."""
    if actor.employee_id is None:
        raise Invalid("this account is not linked to an employee, so it has no recommendations")
    person = session.get(Employee, actor.employee_id)
    assert person is not None
    if session.scalar(select(Preferences.ai_opt_out).where(Preferences.employee_id == person.id)):
        return ForYou(opted_out=True, model_version=None, items=[])
    try:
        found = matching.recommend(session, settings=settings, employee=person.external_id, k=k)
    except NotFound:
        return ForYou(opted_out=False, model_version=None, items=[])
    ids = dict(session.execute(select(Opportunity.external_id, Opportunity.id).where(
        Opportunity.external_id.in_([m.opportunity for m in found.results]))).all())
    items = [Recommended(opportunity_id=ids[m.opportunity], match=m, raise_by=_raise_by(m))
             for m in found.results if m.opportunity in ids]
    return ForYou(opted_out=False, model_version=found.model_version, items=items)


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
        match = matching.explain(session, settings=settings, employee=person.external_id, opportunity=opp.external_id)
    except NotFound:
        return None
    return Recommended(opportunity_id=opp.id, match=match, raise_by=_raise_by(match))


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
        session.add_all([RecommendationEvent(
            employee_id=emp, opportunity_id=opp, kind="shown", source=source, rank=rank, score=m.score,
            actor=f"user:{actor.user_id}", components={c.name: c.points for c in m.components},
            model_version=(model_version or "")[:64]) for rank, (emp, opp, m) in enumerate(shown, start=1)])
        session.commit()
