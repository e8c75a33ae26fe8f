"""The matching service: answers recommend / candidates / explain from the index (built and
kept fresh by ``matching.index``) and records what was shown.

Configuration: the weights, rules and skill credit come from the Settings overlaid with the
company's matching settings (``governance.matching_settings``, one query per call). The model
version is a hash of that effective configuration and part of the index cache key, so a change
made by HR builds a new index on the next request in every worker."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.core.types import Filters, Match
from trellis.errors import Invalid, NotFound
from trellis.governance import service as governance
from trellis.governance.schemas import MatchingConfigOut
from trellis.matching.index import (
    ENGINE_VERSION,
    MatchIndex,
    build_index,
    current_version,
    effective_settings,
    fingerprint,
    get_index,
    make_matcher,
    mark_changed,
    model_version,
    reset_cache,
    warm,
)
from trellis.matching.schemas import ComponentOut, HiddenOut, MatchList, MatchOut, RuleOut, SkillOut
from trellis.models import Employee, Opportunity, RecommendationEvent

__all__ = ["ENGINE_VERSION", "build_index", "candidates", "configure", "current_version",
           "describe_config", "effective_settings", "explain", "fingerprint", "get_index",
           "make_matcher", "mark_changed", "model_version", "recommend", "recommend_with_hidden", "record_event",
           "record_shown", "reset_cache", "warm"]


def describe_config(session: Session, *, settings: Settings) -> MatchingConfigOut:
    """Every matching knob (value in effect, default, bounds, last change), the normalised
    weights and the model version recommendations are logged with."""
    effective = effective_settings(session, settings=settings)
    return MatchingConfigOut(model_version=model_version(effective),
                             settings=governance.list_settings(session, settings=settings, prefix=governance.MATCHING),
                             weights=governance.matching_weights(effective))


def configure(session: Session, *, settings: Settings, changes: Mapping[str, object], actor: str,
              reason: str) -> MatchingConfigOut:
    """Change matching knobs, all or nothing (``None`` resets one to its default), each change
    audited; every worker's next query runs with the new configuration."""
    governance.set_settings(session, changes=changes, actor=actor, reason=reason, settings=settings,
                            prefix=governance.MATCHING)
    return describe_config(session, settings=settings)


def _employee(index: MatchIndex, external_id: str) -> int:
    eid = index.employee_ids.get(external_id)
    if eid is None or eid not in index.matcher.person_index_ or \
            not index.matcher.person_active_[index.matcher.person_index_[eid]]:
        raise NotFound(f"employee {external_id!r} is not active or does not exist")
    return eid


def _opportunity(index: MatchIndex, external_id: str) -> int:
    oid = index.opportunity_ids.get(external_id)
    if oid is None or oid not in index.matcher.opp_index_ or \
            not index.matcher.opp_active_[index.matcher.opp_index_[oid]]:
        raise NotFound(f"opportunity {external_id!r} is not open or does not exist")
    return oid


def _out(index: MatchIndex, m: Match, employee_id: int, opportunity_id: int) -> MatchOut:
    snap = index.snapshot
    skill = snap.labels["skill"]
    opp = index.matcher.opportunities_[index.matcher.opp_index_[opportunity_id]]
    return MatchOut(
        employee=snap.employee_ext[employee_id], employee_name=snap.employee_names.get(employee_id, ""),
        opportunity=snap.opportunity_ext[opportunity_id], opportunity_title=snap.opportunity_titles[opportunity_id],
        opportunity_type=opp.type, score=m.score, eligible=m.eligible,
        components=[ComponentOut(name=c.name, label=c.label, value=c.value, weight=c.weight, points=c.points,
                                 text=c.text) for c in m.components],
        skills=[SkillOut(skill=skill.get(s.skill, str(s.skill)), required_level=s.required_level,
                         required=s.required, have_level=s.have_level, status=s.status,
                         via=None if s.via is None else skill.get(s.via, str(s.via)),
                         score_if_added=s.score_if_added, text=s.text) for s in m.skills],
        reasons=list(m.reasons), excluded_by=[RuleOut(rule=h.rule, text=h.text) for h in m.excluded_by])


def recommend(session: Session, *, settings: Settings, employee: str, k: int = 20,
              filters: Filters | None = None) -> MatchList:
    """The k best open opportunities for an employee (by external id), with explanations; none,
    with the reason, when recommendations are off company-wide or the person opted out."""
    return _recommend(session, settings=settings, employee=employee, k=k, filters=filters, hidden=False)[0]


def recommend_with_hidden(session: Session, *, settings: Settings, employee: str, k: int = 20,
                          filters: Filters | None = None) -> tuple[MatchList, list[HiddenOut]]:
    """`recommend` and `hidden` from one look at the index (what "For you" shows); no rules
    when there are no recommendations to give."""
    return _recommend(session, settings=settings, employee=employee, k=k, filters=filters, hidden=True)


def _recommend(session: Session, *, settings: Settings, employee: str, k: int, filters: Filters | None,
               hidden: bool) -> tuple[MatchList, list[HiddenOut]]:
    person = session.scalar(select(Employee.id).where(Employee.external_id == employee))
    status = governance.person_ai_status(session, employee_id=person) if person is not None \
        else governance.company_ai_status(session)
    if not status.allowed:
        version = model_version(effective_settings(session, settings=settings))
        return MatchList(subject=employee, model_version=version, results=[], notice=status.reason), []
    index = get_index(session, settings=settings)
    eid = _employee(index, employee)
    matches = index.matcher.recommend(eid, k, filters)
    found = MatchList(subject=employee, model_version=index.model_version,
                      results=[_out(index, m, eid, m.id) for m in matches])
    return found, _hidden(index, eid) if hidden else []


def _hidden(index: MatchIndex, employee_id: int) -> list[HiddenOut]:
    """Which eligibility rules keep open opportunities out of an employee's suggestions, and
    how many each keeps out (an opening two rules exclude counts under both)."""
    return [HiddenOut(rule=h.rule, text=h.text, count=n) for h, n in index.matcher.hidden(employee_id)]


def candidates(session: Session, *, settings: Settings, opportunity: str, k: int = 50,
               filters: Filters | None = None) -> MatchList:
    """The k best internal candidates for an open opportunity (by external id); none, with the
    reason, when recommendations are off company-wide. People who opted out never appear."""
    status = governance.company_ai_status(session)
    if not status.allowed:
        version = model_version(effective_settings(session, settings=settings))
        return MatchList(subject=opportunity, model_version=version, results=[], notice=status.reason)
    index = get_index(session, settings=settings)
    oid = _opportunity(index, opportunity)
    opted_out = governance.opted_out_employee_ids(session)  # at once, before the index refreshes
    # The index already leaves out everyone whose opt-out it has seen, so ask for k and widen only
    # if someone who opted out since is among them: explaining k + all opted-out people (thousands
    # at 100,000 employees) cost seconds per shortlist.
    fetch = k
    while True:
        found = index.matcher.candidates(oid, fetch, filters)
        matches = [m for m in found if m.id not in opted_out][:k]
        if len(matches) == k or len(found) < fetch:
            break
        fetch *= 2
    return MatchList(subject=opportunity, model_version=index.model_version,
                     results=[_out(index, m, m.id, oid) for m in matches])


def explain(session: Session, *, settings: Settings, employee: str, opportunity: str,
            you: bool = False) -> MatchOut:
    """One pair in full: every component, every skill with re-scored gaps, every excluding rule,
    in words about the person (for HR or a hiring manager) or, with ``you``, to the person."""
    index = get_index(session, settings=settings)
    eid, oid = _employee(index, employee), _opportunity(index, opportunity)
    return _out(index, index.matcher.explain(eid, oid, you=you), eid, oid)


def record_shown(session: Session, *, results: MatchList, source: str, actor: str | None = None) -> int:
    """Log each shown result (rank, score, components, model version) as a ``shown`` event."""
    ids = {e: i for e, i in session.execute(select(Employee.external_id, Employee.id).where(
        Employee.external_id.in_({r.employee for r in results.results})))}
    opps = {e: i for e, i in session.execute(select(Opportunity.external_id, Opportunity.id).where(
        Opportunity.external_id.in_({r.opportunity for r in results.results})))}
    rows = [RecommendationEvent(employee_id=ids[r.employee], opportunity_id=opps[r.opportunity], kind="shown",
                                source=source, rank=rank, score=r.score, actor=actor,
                                components={c.name: c.points for c in r.components},
                                model_version=results.model_version[:64])
            for rank, r in enumerate(results.results, start=1)]
    session.add_all(rows)
    session.flush()
    return len(rows)


def record_event(session: Session, *, settings: Settings, employee: str, opportunity: str, kind: str,
                 source: str = "recommend", actor: str | None = None) -> RecommendationEvent:
    """Log a later funnel step (opened, applied, shortlisted, selected, rejected, withdrawn) with
    the pair's score and components at that moment."""
    if kind not in ("shown", "opened", "applied", "shortlisted", "selected", "rejected", "withdrawn"):
        raise Invalid(f"unknown event kind {kind!r}")
    index = get_index(session, settings=settings)
    eid, oid = _employee(index, employee), _opportunity(index, opportunity)
    pair = index.matcher.explain(eid, oid)
    row = RecommendationEvent(employee_id=eid, opportunity_id=oid, kind=kind, source=source, score=pair.score,
                              actor=actor, components={c.name: c.points for c in pair.components},
                              model_version=index.model_version[:64])
    session.add(row)
    session.flush()
    return row
