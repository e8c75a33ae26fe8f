"""The matching service: builds the index from the database, keeps it fresh, answers
recommend / candidates / explain, runs the batch, and records what was shown.

Freshness: writers call ``mark_changed`` (one row in ``matching_changes``); every query compares
the highest change id with the one its index has applied and refreshes only the changed rows, so
every web worker converges on the same state. Bulk writes that forget to mark changes are caught
by a cheap fingerprint (row counts and last update times) checked every few seconds, which
triggers a full rebuild.

Configuration: the weights, rules and skill credit come from the Settings overlaid with the
company's matching settings (``governance.matching_settings``, one query per call). The model
version is a hash of that effective configuration and part of the cache key, so a change made
by HR builds a new index on the next request in every worker."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.core.matching import Matcher
from trellis.core.rules import Rules
from trellis.core.scoring import Trust, Weights
from trellis.core.types import Filters, Match
from trellis.errors import Invalid, NotFound
from trellis.governance import service as governance
from trellis.governance.schemas import MatchingConfigOut
from trellis.matching.encoders import get_encoder
from trellis.matching.loader import (
    Context,
    Snapshot,
    load_opportunities,
    load_people,
    load_skill_graph,
    load_transitions,
)
from trellis.matching.schemas import ComponentOut, MatchList, MatchOut, RuleOut, SkillOut
from trellis.models import (
    Employee,
    EmployeeSkill,
    MatchingChange,
    Opportunity,
    OpportunitySkill,
    Preferences,
    RecommendationEvent,
)

ENGINE_VERSION = "trellis-match/1"
FINGERPRINT_EVERY = 5.0  # seconds between fingerprint checks


def model_version(settings: Settings) -> str:
    """Engine version, encoder and a hash of every matching setting (weights, rules...) of
    ``settings``; pass the effective settings (``effective_settings``)."""
    knobs = {k: v for k, v in settings.model_dump().items() if k.startswith("match_")}
    digest = hashlib.sha1(repr(sorted(knobs.items())).encode()).hexdigest()[:10]
    return f"{ENGINE_VERSION} {settings.match_text_encoder} {digest}"


def effective_settings(session: Session, *, settings: Settings) -> Settings:
    """The settings matching runs with: ``settings`` overlaid with the company's matching values."""
    return governance.matching_settings(session, settings=settings)


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


def make_matcher(settings: Settings) -> Matcher:
    weights = Weights(required_skills=settings.match_weight_required_skills,
                      preferred_skills=settings.match_weight_preferred_skills,
                      semantic=settings.match_weight_semantic, aspiration=settings.match_weight_aspiration,
                      career_move=settings.match_weight_career_move, level=settings.match_weight_level,
                      logistics=settings.match_weight_logistics)
    rules = Rules(min_months_in_role=settings.match_min_months_in_role, max_levels_up=settings.match_max_levels_up,
                  max_levels_down=settings.match_max_levels_down, exclude_own_team=settings.match_exclude_own_team,
                  exclude_open_performance_plan=settings.match_exclude_performance_plan,
                  enforce_visibility=settings.match_enforce_visibility)
    trust = Trust(self_declared=settings.match_trust_self_declared, inferred=settings.match_trust_inferred)
    return Matcher(weights, rules, trust, related_credit=settings.match_related_credit,
                   similarity_threshold=settings.match_similarity_threshold)


@dataclass
class MatchIndex:
    matcher: Matcher
    snapshot: Snapshot
    version: int
    fingerprint: tuple[Any, ...]
    checked_at: float
    model_version: str
    employee_ids: dict[str, int]
    opportunity_ids: dict[str, int]


_CACHE: OrderedDict[tuple[str, str], MatchIndex] = OrderedDict()
_LOCK = threading.Lock()
KEEP_PER_DATABASE = 2  # indexes kept per database: the configuration in effect and the one before


def reset_cache() -> None:
    """Forget every cached index (tests; after restoring a backup)."""
    with _LOCK:
        _CACHE.clear()


def current_version(session: Session) -> int:
    return int(session.scalar(select(func.max(MatchingChange.id))) or 0)


def fingerprint(session: Session) -> tuple[Any, ...]:
    row = []
    for model in (Employee, EmployeeSkill, Opportunity, Preferences):
        row += list(session.execute(select(func.count(), func.max(model.updated_at))).one())
    row.append(session.scalar(select(func.count()).select_from(OpportunitySkill)))
    return tuple(str(x) for x in row)


def mark_changed(session: Session, *, employee_ids: list[int] = (), opportunity_ids: list[int] = (),  # type: ignore[assignment]
                 everything: bool = False) -> int:
    """Tell every matching index that these rows changed; returns the new version."""
    rows = [MatchingChange(entity="employee", entity_id=i) for i in employee_ids]
    rows += [MatchingChange(entity="opportunity", entity_id=i) for i in opportunity_ids]
    if everything or not rows:
        rows.append(MatchingChange(entity="all", entity_id=None))
    session.add_all(rows)
    session.flush()
    return current_version(session)


def build_index(session: Session, *, settings: Settings) -> MatchIndex:
    """Read everything matching needs in a few bulk queries and fit the matcher."""
    version, fp = current_version(session), fingerprint(session)
    encoder = get_encoder(settings.match_text_encoder)
    ctx = Context(session)
    people, emp_ext, names = load_people(session, ctx, settings=settings, encoder=encoder)
    opps, opp_ext, titles = load_opportunities(session, ctx, encoder=encoder)
    skill_ids = sorted({s.skill for p in people for s in p.skills} | {r.skill for o in opps for r in o.requirements}
                       | {i for p in people for i in p.interests})
    links, vectors, skill_labels = load_skill_graph(session, skill_ids, encoder)
    transitions = load_transitions(session) if settings.match_use_history_transitions else None
    labels = {"skill": skill_labels, "role": ctx.role_title, "family": ctx.family_names,
              "location": ctx.location_names}
    snap = Snapshot(people=people, opportunities=opps, skills=skill_ids, skill_vectors=vectors, links=links,
                    transitions=transitions, labels=labels, employee_ext=emp_ext, employee_names=names,
                    opportunity_ext=opp_ext, opportunity_titles=titles)
    matcher = make_matcher(settings).fit(opps, people, skills=skill_ids, skill_links=links, skill_vectors=vectors,
                                         transitions=transitions, labels=labels)
    return MatchIndex(matcher=matcher, snapshot=snap, version=version, fingerprint=fp, checked_at=time.monotonic(),
                      model_version=model_version(settings), employee_ids={v: k for k, v in emp_ext.items()},
                      opportunity_ids={v: k for k, v in opp_ext.items()})


def _remember(key: tuple[str, str], index: MatchIndex) -> MatchIndex:
    """Cache ``index``; older configurations of the same database beyond the last few are dropped."""
    _CACHE[key] = index
    _CACHE.move_to_end(key)
    same_db = [k for k in _CACHE if k[0] == key[0]]
    for old in same_db[:-KEEP_PER_DATABASE]:
        del _CACHE[old]
    return index


def get_index(session: Session, *, settings: Settings) -> MatchIndex:
    """The cached index for this database and its effective matching configuration, refreshed to
    the latest version. ``settings`` are the deployment's; the company's values are applied here."""
    settings = effective_settings(session, settings=settings)
    key = (settings.database_url, model_version(settings))
    with _LOCK:
        index = _CACHE.get(key)
        if index is None:
            return _remember(key, build_index(session, settings=settings))
        _CACHE.move_to_end(key)
        version = current_version(session)
        stale = False
        if time.monotonic() - index.checked_at > FINGERPRINT_EVERY or version != index.version:
            index.checked_at = time.monotonic()
            fp = fingerprint(session)
            if version == index.version:
                stale = fp != index.fingerprint
            elif not _apply_changes(session, index, settings, version):
                stale = True
            index.fingerprint = fp
        if stale:
            index = _remember(key, build_index(session, settings=settings))
        return index


def _apply_changes(session: Session, index: MatchIndex, settings: Settings, version: int) -> bool:
    """Refresh the changed rows in place; False when only a rebuild will do."""
    changes = session.execute(select(MatchingChange.entity, MatchingChange.entity_id)
                              .where(MatchingChange.id > index.version, MatchingChange.id <= version)).all()
    if len(changes) > 500 or any(entity == "all" for entity, _ in changes):
        return False
    employees = sorted({i for e, i in changes if e == "employee" and i is not None})
    opportunities = sorted({i for e, i in changes if e == "opportunity" and i is not None})
    encoder, ctx, m, snap = get_encoder(settings.match_text_encoder), Context(session), index.matcher, index.snapshot
    if employees:
        people, ext, names = load_people(session, ctx, settings=settings, encoder=encoder, ids=employees)
        for p in people:
            if not m.update_person(p):
                return False
        for i in set(employees) - {p.id for p in people}:
            m.remove_person(i)
        snap.employee_ext.update(ext)
        snap.employee_names.update(names)
        index.employee_ids.update({v: k for k, v in ext.items()})
    if opportunities:
        opps, ext, titles = load_opportunities(session, ctx, encoder=encoder, ids=opportunities)
        for o in opps:
            if not m.update_opportunity(o):
                return False
        for i in set(opportunities) - {o.id for o in opps}:
            m.remove_opportunity(i)
        snap.opportunity_ext.update(ext)
        snap.opportunity_titles.update(titles)
        index.opportunity_ids.update({v: k for k, v in ext.items()})
    index.version = version
    return True


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
    person = session.scalar(select(Employee.id).where(Employee.external_id == employee))
    status = governance.person_ai_status(session, employee_id=person) if person is not None \
        else governance.company_ai_status(session)
    if not status.allowed:
        version = model_version(effective_settings(session, settings=settings))
        return MatchList(subject=employee, model_version=version, results=[], notice=status.reason)
    index = get_index(session, settings=settings)
    eid = _employee(index, employee)
    matches = index.matcher.recommend(eid, k, filters)
    return MatchList(subject=employee, model_version=index.model_version,
                     results=[_out(index, m, eid, m.id) for m in matches])


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
    matches = [m for m in index.matcher.candidates(oid, k + len(opted_out), filters) if m.id not in opted_out][:k]
    return MatchList(subject=opportunity, model_version=index.model_version,
                     results=[_out(index, m, m.id, oid) for m in matches])


def explain(session: Session, *, settings: Settings, employee: str, opportunity: str) -> MatchOut:
    """One pair in full: every component, every skill with re-scored gaps, every excluding rule."""
    index = get_index(session, settings=settings)
    eid, oid = _employee(index, employee), _opportunity(index, opportunity)
    return _out(index, index.matcher.explain(eid, oid), eid, oid)


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
