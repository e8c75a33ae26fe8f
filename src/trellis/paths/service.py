"""Career paths: load the career graph from the database in bulk, and answer paths, next moves
and gap analysis (with a learning plan) for a person."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from trellis.core.learning import CatalogueItem, LearningPlan, learning_plan
from trellis.core.paths import CareerGraph, GapItem, Move, Requirement, Step, coverage_score, skill_gap
from trellis.core.similarity import RoleSimilarity
from trellis.errors import Invalid, NotFound
from trellis.models import (
    Employee,
    EmployeeSkill,
    JobHistory,
    LearningResource,
    LearningSkill,
    Opportunity,
    OpportunitySkill,
    Role,
    RoleSkill,
    Skill,
)
from trellis.paths.schemas import (
    CoverageOut,
    EvalOut,
    GapOut,
    GapSkill,
    LearningItemOut,
    LearningPlanOut,
    NextMovesOut,
    PathOut,
    PathsOut,
    RoleRef,
    StepOut,
)
from trellis.similarity.service import DEFAULT_WEIGHTS, load_profiles

log = logging.getLogger(__name__)
MOVE_KINDS = ("promotion", "lateral", "demotion")


@dataclass
class HistoryMove:
    employee_id: int
    history_id: int  # the destination row
    move: Move


@dataclass
class LoadedGraph:
    graph: CareerGraph
    roles: dict[int, RoleRef]


def months_between(a: date, b: date) -> float:
    return round((b - a).days / 30.4375, 1)


def load_moves(session: Session) -> list[HistoryMove]:
    """Every move between two known roles in the job histories, in order per person."""
    rows = session.execute(
        select(JobHistory.id, JobHistory.employee_id, JobHistory.role_id, JobHistory.start_date, JobHistory.move_type)
        .where(JobHistory.role_id.is_not(None))
        .order_by(JobHistory.employee_id, JobHistory.start_date, JobHistory.id)
    ).all()
    out: list[HistoryMove] = []
    prev = None
    for row in rows:
        if prev is not None and prev.employee_id == row.employee_id and prev.role_id != row.role_id:
            kind = row.move_type if row.move_type in MOVE_KINDS else None
            out.append(HistoryMove(row.employee_id, row.id,
                                   Move(prev.role_id, row.role_id, months_between(prev.start_date, row.start_date),
                                        kind)))
        prev = row
    return out


def load_requirements(session: Session) -> dict[int, list[Requirement]]:
    reqs: dict[int, list[Requirement]] = defaultdict(list)
    for rs in session.scalars(select(RoleSkill)):
        reqs[rs.role_id].append(Requirement(rs.skill_id, rs.min_proficiency, rs.weight, rs.required))
    return dict(reqs)


def requirement_similarity(role_ids: Sequence[int], requirements: dict[int, list[Requirement]]) -> NDArray[np.float64]:
    """Content similarity of roles: cosine of their requirement vectors (weight × level, preferred
    skills at half). A stand-in for the taxonomy work's role similarity; ``load_graph`` takes any
    role × role matrix."""
    skills = sorted({r.skill_id for reqs in requirements.values() for r in reqs})
    col = {s: i for i, s in enumerate(skills)}
    mat = np.zeros((len(role_ids), len(skills)))
    for i, rid in enumerate(role_ids):
        for r in requirements.get(rid, ()):
            mat[i, col[r.skill_id]] = r.weight * r.level * (1.0 if r.required else 0.5)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    unit = np.divide(mat, norms, out=np.zeros_like(mat), where=norms > 0)
    sim: NDArray[np.float64] = unit @ unit.T
    return sim


Z_SCALE = 4.0


def facet_similarity(session: Session, role_ids: Sequence[int]) -> NDArray[np.float64]:
    """Content similarity of the company's roles from the taxonomy work (``trellis.similarity``):
    its blend of per-role z-scored facet similarities (skills TF-IDF, title words, job family,
    level), mapped to 0–1 as ``z / Z_SCALE`` clipped (a role 4 standard deviations more similar
    than average counts as 1). On the O*NET development split this mapping gives the graph's
    content edges Recall@10 0.478 against 0.427 for the raw facet mean (BENCHMARKS.md)."""
    found = load_profiles(session, kind="company")
    if not found.ids:
        return np.zeros((len(role_ids), len(role_ids)))
    model = RoleSimilarity(weights=DEFAULT_WEIGHTS["company"]).fit(found.facets)
    ext = dict(session.execute(select(Role.id, Role.external_id).where(Role.id.in_(role_ids))).all())
    pos = {e: i for i, e in enumerate(found.ids)}
    order = np.array([pos[ext[r]] for r in role_ids], dtype=np.int64)
    z = model.similarity_[np.ix_(order, order)].astype(np.float64)
    out: NDArray[np.float64] = np.clip(z / Z_SCALE, 0.0, 1.0)
    return out


SIMILARITIES = ("facets", "requirements")


def load_graph(
    session: Session, *, similarity: NDArray[np.float64] | str = "facets", prior_strength: float = 5.0,
    exclude_history_ids: set[int] | None = None,
) -> LoadedGraph:
    """The career graph, fitted from the whole database in a few bulk queries. ``similarity`` is
    a role × role matrix in role-id order, or the name of one computed here: ``facets`` (the
    taxonomy work's role similarity, default) or ``requirements`` (cosine of requirement
    vectors)."""
    roles = session.execute(select(Role.id, Role.external_id, Role.title, Role.level).order_by(Role.id)).all()
    role_ids = [r.id for r in roles]
    requirements = load_requirements(session)
    if isinstance(similarity, str):
        if similarity not in SIMILARITIES:
            raise Invalid(f"similarity must be one of {', '.join(SIMILARITIES)}, not {similarity!r}")
        similarity = (facet_similarity(session, role_ids) if similarity == "facets"
                      else requirement_similarity(role_ids, requirements))
    skip = exclude_history_ids or set()
    moves = [m.move for m in load_moves(session) if m.history_id not in skip]
    graph = CareerGraph(prior_strength=prior_strength).fit(
        role_ids, [r.level for r in roles], moves, similarity, requirements
    )
    refs = {r.id: RoleRef(id=r.id, external_id=r.external_id, title=r.title, level=r.level) for r in roles}
    return LoadedGraph(graph, refs)


_CACHE: dict[tuple[str, tuple[Any, ...]], tuple[float, LoadedGraph]] = {}
_REFRESHING: set[tuple[str, tuple[Any, ...]]] = set()
_LOCK = threading.Lock()
CACHE_SECONDS = 300.0


def graph_version(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of what the graph is built from (counts, max ids, sums, the latest
    role change); a changed fingerprint means the cached graph is stale."""
    jh = session.execute(select(func.count(), func.max(JobHistory.id), func.sum(JobHistory.role_id),
                                func.sum(JobHistory.employee_id))).one()
    rs = session.execute(select(func.count(), func.max(RoleSkill.id), func.sum(RoleSkill.skill_id),
                                func.sum(RoleSkill.min_proficiency))).one()
    ro = session.execute(select(func.count(), func.max(Role.id), func.max(Role.updated_at))).one()
    return (*jh, *rs, *ro)


def cached_graph(session: Session) -> LoadedGraph:
    """``load_graph(session)`` kept per process while the data it is built from is unchanged,
    and rebuilt every ``CACHE_SECONDS`` as a safety net. That periodic rebuild (seconds for
    100,000 people) runs in the background while the cached graph keeps answering; only a changed
    fingerprint (or a test session bound to one connection) rebuilds on the request."""
    key = (str(session.get_bind().engine.url), graph_version(session))
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit is not None:
        if now - hit[0] >= CACHE_SECONDS:
            bind = session.get_bind()
            if not isinstance(bind, Engine):
                return _store(key, load_graph(session))
            with _LOCK:
                start = key not in _REFRESHING
                _REFRESHING.add(key)
            if start:
                threading.Thread(target=_refresh, args=(bind, key), name="refresh-career-graph", daemon=True).start()
        return hit[1]
    return _store(key, load_graph(session))


def _store(key: tuple[str, tuple[Any, ...]], loaded: LoadedGraph) -> LoadedGraph:
    if len(_CACHE) >= 8:
        _CACHE.clear()
    _CACHE[key] = (time.monotonic(), loaded)
    return loaded


def _refresh(engine: Engine, key: tuple[str, tuple[Any, ...]]) -> None:
    try:
        with Session(engine) as session:
            _store(key, load_graph(session))
    except Exception:  # the cached graph stays; the next expired hit tries again
        log.exception("refreshing the career graph failed")
    finally:
        with _LOCK:
            _REFRESHING.discard(key)


# ---- lookups ---------------------------------------------------------------------------------
def get_employee(session: Session, ref: str) -> Employee:
    emp = session.scalar(select(Employee).where(Employee.external_id == ref))
    if emp is None:
        raise NotFound(f'employee "{ref}" does not exist')
    return emp


def get_role(session: Session, ref: str) -> Role:
    role = session.scalar(select(Role).where(Role.external_id == ref))
    if role is None:
        raise NotFound(f'role "{ref}" does not exist')
    return role


def person_skills(session: Session, employee_id: int) -> dict[int, int]:
    rows = session.execute(
        select(EmployeeSkill.skill_id, EmployeeSkill.proficiency)
        .where(EmployeeSkill.employee_id == employee_id, EmployeeSkill.status != "rejected")
    ).all()
    return {r.skill_id: r.proficiency for r in rows}


def _labels(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r[0]: r[1] for r in session.execute(select(Skill.id, Skill.preferred_label).where(Skill.id.in_(ids)))}


def _gap_out(gap: Sequence[GapItem], labels: dict[int, str]) -> list[GapSkill]:
    return [GapSkill(skill_id=g.skill_id, label=labels.get(g.skill_id, str(g.skill_id)),
                     required_level=g.required_level, current_level=g.current_level,
                     levels_missing=g.levels_missing, required=g.required, priority=g.priority) for g in gap]


def step_reason(step: Step, source: RoleRef, target: RoleRef) -> str:
    """Why this step is on offer, in words."""
    e = step.edge
    if e.observed_count:
        who = "1 person" if e.observed_count == 1 else f"{e.observed_count} people"
        text = (f"{who} moved from {source.title} to {target.title} ({e.observed_share:.0%} of moves out of "
                f"{source.title})")
        text += f", after a median {e.median_months:.0f} months" if e.median_months is not None else ""
    else:
        text = f"Nobody has made this move yet; {target.title} asks for similar skills ({e.content_similarity:.2f})"
    missing = sum(g.levels_missing for g in step.gap if g.required)
    return text + (f"; {missing} skill levels to gain." if missing else "; you meet the required skills.")


def _steps_out(session: Session, loaded: LoadedGraph, steps: Sequence[Step]) -> list[StepOut]:
    labels = _labels(session, {g.skill_id for s in steps for g in s.gap})
    out = []
    for s in steps:
        src, dst = loaded.roles[s.edge.source], loaded.roles[s.edge.target]
        out.append(StepOut(source=src, target=dst, move_type=s.edge.move_type,
                           probability=round(s.edge.probability, 4), people=s.edge.observed_count,
                           share=round(s.edge.observed_share, 4), similarity=round(s.edge.content_similarity, 4),
                           months=s.months, months_basis=s.months_basis, gap=_gap_out(s.gap, labels),
                           reason=step_reason(s, src, dst)))
    return out


def move_probabilities(session: Session) -> tuple[list[int], NDArray[np.float64]]:
    """Role ids and the career graph's move-probability matrix (row: from, column: to), for other
    areas (e.g. matching's career-move plausibility). Cached like ``cached_graph``."""
    graph = cached_graph(session).graph
    return list(graph.role_ids_), graph.probability_


def _current_role(employee: Employee, loaded: LoadedGraph) -> RoleRef:
    if employee.role_id is None or employee.role_id not in loaded.roles:
        raise NotFound(f'employee "{employee.external_id}" has no role in the job architecture')
    return loaded.roles[employee.role_id]


# ---- the verbs ----------------------------------------------------------------------------------
def find_paths(session: Session, *, employee: str, role: str, k: int = 3, max_steps: int = 4,
               loaded: LoadedGraph | None = None) -> PathsOut:
    """The k most probable paths of at most ``max_steps`` moves from the person's role to ``role``."""
    emp, target = get_employee(session, employee), get_role(session, role)
    loaded = loaded or cached_graph(session)
    current = _current_role(emp, loaded)
    found = loaded.graph.paths(current.id, target.id, person_skills(session, emp.id), k=k, max_steps=max_steps)
    paths = [PathOut(roles=[loaded.roles[r] for r in p.roles], steps=_steps_out(session, loaded, p.steps),
                     probability=round(p.probability, 6), months=p.months) for p in found]
    return PathsOut(employee=emp.external_id, current_role=current, target_role=loaded.roles[target.id], paths=paths)


def past_roles(session: Session, employee_id: int) -> set[int]:
    rows = session.scalars(select(JobHistory.role_id).where(JobHistory.employee_id == employee_id,
                                                            JobHistory.role_id.is_not(None)))
    return {r for r in rows if r is not None}


def next_moves(session: Session, *, employee: str, k: int = 5, loaded: LoadedGraph | None = None) -> NextMovesOut:
    """The most plausible next roles (lateral and upward), leaving out roles the person held."""
    emp = get_employee(session, employee)
    loaded = loaded or cached_graph(session)
    current = _current_role(emp, loaded)
    steps = loaded.graph.next_moves(current.id, person_skills(session, emp.id), k=k,
                                    exclude=past_roles(session, emp.id))
    return NextMovesOut(employee=emp.external_id, current_role=current, moves=_steps_out(session, loaded, steps))


def plan_learning(session: Session, gap: Sequence[GapItem]) -> LearningPlanOut:
    """The fewest-hours catalogue cover of ``gap`` (greedy weighted set cover)."""
    skill_ids = {g.skill_id for g in gap}
    rows = session.execute(
        select(LearningSkill.resource_id, LearningSkill.skill_id, LearningSkill.level)
        .where(LearningSkill.resource_id.in_(
            select(LearningSkill.resource_id).where(LearningSkill.skill_id.in_(skill_ids))))
    ).all() if skill_ids else []
    teaches: dict[int, dict[int, int]] = defaultdict(dict)
    for r in rows:
        teaches[r.resource_id][r.skill_id] = r.level
    resources = {r.id: r for r in session.scalars(select(LearningResource).where(LearningResource.id.in_(teaches)))}
    plan: LearningPlan = learning_plan(gap, [CatalogueItem(rid, resources[rid].hours, sk) for rid, sk in
                                             sorted(teaches.items())])
    labels = _labels(session, skill_ids)
    items = [
        LearningItemOut(resource_id=p.item_id, external_id=resources[p.item_id].external_id,
                        title=resources[p.item_id].title, hours=p.hours,
                        covers=[CoverageOut(skill_id=c.skill_id, label=labels.get(c.skill_id, str(c.skill_id)),
                                            from_level=c.from_level, to_level=c.to_level,
                                            required_level=c.required_level) for c in p.covers])
        for p in plan.items
    ]
    return LearningPlanOut(items=items, hours=plan.hours, covered=[labels[s] for s in plan.covered],
                           partly_covered=[labels[s] for s in plan.partly_covered],
                           uncovered=[labels[s] for s in plan.uncovered])


def analyse_gap(session: Session, *, employee: str, role: str | None = None,
                opportunity: str | None = None) -> GapOut:
    """The prioritised gap between a person and a role or an opportunity, with a learning plan."""
    if (role is None) == (opportunity is None):
        raise Invalid("name exactly one target: a role or an opportunity")
    emp = get_employee(session, employee)
    if role is not None:
        r = get_role(session, role)
        reqs = [Requirement(x.skill_id, x.min_proficiency, x.weight, x.required)
                for x in session.scalars(select(RoleSkill).where(RoleSkill.role_id == r.id))]
        title, kind = r.title, "role"
    else:
        opp = session.scalar(select(Opportunity).where(Opportunity.external_id == opportunity))
        if opp is None:
            raise NotFound(f'opportunity "{opportunity}" does not exist')
        reqs = [Requirement(x.skill_id, x.min_proficiency, x.weight, x.required)
                for x in session.scalars(select(OpportunitySkill).where(OpportunitySkill.opportunity_id == opp.id))]
        title, kind = opp.title, "opportunity"
    have = person_skills(session, emp.id)
    gap = skill_gap(have, reqs)
    labels = _labels(session, {g.skill_id for g in gap})
    return GapOut(employee=emp.external_id, target=title, target_kind=kind, score=coverage_score(have, reqs),
                  gap=_gap_out(gap, labels), learning_plan=plan_learning(session, gap))


def evaluate_next_moves(session: Session, *, share: float = 0.2, seed: int = 0, k: int = 5,
                        similarity: str = "facets", history: float = 1.0) -> EvalOut:
    """Hold out the last move of a random ``share`` of the people who moved, refit the graph
    without those moves (keeping only a random ``history`` share of the other moves, to mimic a
    company with little history), and count how often the role they actually moved to is in
    their top-k next moves as the product shows them (lateral and upward, roles held before
    left out): hit@k and MRR@k, against the k most common destination roles (popularity), the
    graph from observed moves only, and the graph from content similarity only."""
    if not 0 < share <= 1 or not 0 < history <= 1:
        raise Invalid(f"share and history must be in (0, 1], got {share} and {history}")
    moves = load_moves(session)
    last = {m.employee_id: m for m in moves}
    movers = sorted(last)
    rng = random.Random(seed)
    held = [last[e] for e in sorted(rng.sample(movers, round(len(movers) * share)))]
    skip = {m.history_id for m in held}
    rest = [m for m in moves if m.history_id not in skip]
    kept = {m.history_id for m in rng.sample(rest, round(len(rest) * history))}
    skip |= {m.history_id for m in rest if m.history_id not in kept}
    blended = load_graph(session, exclude_history_ids=skip, similarity=similarity)
    sim = blended.graph.similarity_
    graphs = {
        "blended": blended.graph,
        "observed": load_graph(session, exclude_history_ids=skip, prior_strength=0.0,
                               similarity=np.zeros_like(sim)).graph,
        "content": load_graph(session, exclude_history_ids=skip, prior_strength=1e12, similarity=sim).graph,
    }
    ranked_popular = [r for r, _ in Counter(m.move.target for m in rest if m.history_id in kept).most_common()]
    held_roles: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for row in session.execute(select(JobHistory.employee_id, JobHistory.start_date, JobHistory.role_id)
                               .where(JobHistory.role_id.is_not(None),
                                      JobHistory.employee_id.in_([m.employee_id for m in held]))):
        held_roles[row.employee_id].append((row.start_date, row.role_id))
    hits: Counter[str] = Counter()
    rr: dict[str, float] = defaultdict(float)
    for m in held:
        source, actual = m.move.source, m.move.target
        start = max(d for d, r in held_roles[m.employee_id] if r == actual)
        exclude = {r for d, r in held_roles[m.employee_id] if d < start} - {source}
        options = {name: [s.edge.target for s in g.next_moves(source, {}, k=k, exclude=exclude)]
                   for name, g in graphs.items()}
        options["popular"] = [r for r in ranked_popular if r != source and r not in exclude][:k]
        for name, ranked in options.items():
            if actual in ranked:
                hits[name] += 1
                rr[name] += 1 / (ranked.index(actual) + 1)
    n = max(len(held), 1)
    return EvalOut(movers=len(movers), held_out=len(held), training_moves=len(kept), k=k, share=share, seed=seed,
                   similarity=similarity, history=history,
                   hit_at_k=round(hits["blended"] / n, 4), hit_at_k_observed_only=round(hits["observed"] / n, 4),
                   hit_at_k_content_only=round(hits["content"] / n, 4),
                   hit_at_k_popularity=round(hits["popular"] / n, 4), mrr=round(rr["blended"] / n, 4),
                   mrr_popularity=round(rr["popular"] / n, 4))
