"""Talent flows between departments and job families, net importers and exporters, and
indicators of talent hoarding.

Hoarding indicators, per manager: how many of their people were recommended in the period and
how many of those were released (moved out of the manager's unit); how many applications of
their own reports they turned down themselves (blocked moves); and the median days they took to
decide. The data model keeps only the *current* manager, so a person who moved away is
attributed to the head of the unit they left (the person most of that unit reports to).
A flag needs evidence (enough recommended reports, or enough decisions, most of them
refusals), and a manager is named only when their team is large enough not to point at
particular people; the others are counted, not listed."""

from __future__ import annotations

import statistics
from collections import Counter

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.analytics import frames
from trellis.analytics.cache import cacheable
from trellis.analytics.org import department_of_unit
from trellis.analytics.schemas import Flows, Hoarding, ManagerIndicator, Period, UnitFlow
from trellis.analytics.service import EVENT_STAGES, load_moves, load_org_tree
from trellis.core import analytics as core
from trellis.errors import Invalid
from trellis.models import Application, Employee, JobFamily

MIN_TEAM = 5  # direct reports a manager needs before the indicators name them
MIN_DECISIONS = 3  # decisions on their own reports' applications before blocking or delay can flag
MAX_BLOCKED = 3


HOARDING_METHOD = __doc__.split("\n\n", 1)[1].replace("\n", " ") if __doc__ else ""


@cacheable("job_history", "org_units", "roles", "job_families")
def talent_flows(session: Session, *, period: Period, by: str = "department") -> Flows:
    """A flow matrix of internal moves in the period (origin → destination) by department or
    job family, with each unit's inflow, outflow and net."""
    moves = load_moves(session, period=period)
    if by == "department":
        dept = department_of_unit(session)
        names = load_org_tree(session).names
        src = frames.lookup(dept, moves.prev_org_unit_id).tolist()
        dst = frames.lookup(dept, moves.org_unit_id).tolist()
    elif by == "family":
        family, _levels = frames.roles(session)
        names = {r[0]: r[1] for r in session.execute(select(JobFamily.id, JobFamily.name))}
        src = [f if f > 0 else -1 for f in frames.lookup(family, moves.prev_role_id, 0).tolist()]
        dst = [f if f > 0 else -1 for f in frames.lookup(family, moves.role_id, 0).tolist()]
    else:
        raise Invalid(f'flows by "{by}": expected "department" or "family"')
    keys = sorted(set(src) | set(dst), key=lambda k: (k < 0, names.get(k, "")))
    index = {k: i for i, k in enumerate(keys)}
    matrix = core.flow_matrix([index[s] for s in src], [index[d] for d in dst], len(keys))
    nf = core.net_flows(matrix)
    labels = [names.get(k, "(unknown)") if k >= 0 else "(unknown)" for k in keys]
    units = [UnitFlow(unit=labels[i], inflow=int(nf.inflow[i]), outflow=int(nf.outflow[i]), net=int(nf.net[i]),
                      role="importer" if nf.net[i] > 0 else "exporter" if nf.net[i] < 0 else "balanced")
             for i in range(len(keys))]
    units.sort(key=lambda u: -u.net)
    return Flows(period=period.label, by=by, labels=labels, matrix=matrix.tolist(), units=units,
                 total_moves=int(matrix.sum()))


@cacheable("employees", "job_history", "org_units", "recommendation_events", "applications")
def hoarding_indicators(
    session: Session, *, period: Period, min_recommended: int = 5, limit: int = 200,
    min_team: int = MIN_TEAM, min_decisions: int = MIN_DECISIONS,
) -> Hoarding:
    """Managers whose people are recommended but rarely released, who block moves, or who are
    slow to decide, each flag with its reason. Sorted flagged first, then by recommended."""
    lo, hi = period.bounds()
    p = frames.people(session)
    led = p.active & (p.manager >= 0) & (p.org_unit >= 0)
    width = int(p.manager.max(initial=0)) + 1
    keys, pair_counts = np.unique(p.org_unit[led] * width + p.manager[led], return_counts=True)
    pair_keys = (keys // width, keys % width)  # sorted by unit, then manager
    team: Counter[int] = Counter()
    for manager, count in zip(pair_keys[1].tolist(), pair_counts.tolist(), strict=True):
        team[manager] += count
    heads: dict[int, int] = {}  # unit -> the manager most of it reports to (the lowest id on a tie)
    best: dict[int, int] = {}
    for org, manager, count in zip(pair_keys[0].tolist(), pair_keys[1].tolist(), pair_counts.tolist(), strict=True):
        if count > best.get(org, 0):
            heads[org], best[org] = manager, count
    moves = load_moves(session, period=period)
    head_of = _table(heads)
    left = (moves.prev_org_unit_id != moves.org_unit_id) & (frames.lookup(head_of, moves.prev_org_unit_id) >= 0)
    movers, first = np.unique(moves.employee_id[left], return_index=True)  # each person's first move out
    moved_from = dict(zip(movers.tolist(), head_of[moves.prev_org_unit_id[left][first]].tolist(), strict=True))
    shown = frames.event_pairs(session, lo=lo, hi=hi, stages=EVENT_STAGES).shown_by
    shown = shown[np.isin(shown, p.id)]
    boss = frames.lookup(frames.by_id(p.id, p.manager), shown)
    unit_head = frames.lookup(head_of, frames.lookup(frames.by_id(p.id, p.org_unit), shown))
    moved = frames.lookup(_table(moved_from), shown)
    owner = np.where(moved >= 0, moved, np.where(unit_head >= 0, unit_head, boss))
    counted = owner >= 0
    recommended, released = _counts(owner[counted]), _counts(owner[counted & (moved >= 0)])
    applicant = Employee.__table__.alias("applicant")
    decided = (select(Application.decided_by_id, Application.status, Application.submitted_at, Application.updated_at)
               .join(applicant, applicant.c.id == Application.employee_id)
               .where(Application.decided_by_id == applicant.c.manager_id,
                      Application.updated_at >= lo, Application.updated_at < hi))
    blocked: Counter[int] = Counter()
    decisions: Counter[int] = Counter()
    delays: dict[int, list[float]] = {}
    for decider, status, submitted, updated in session.execute(decided):
        if decider is None:
            continue
        manager = int(decider)
        decisions[manager] += 1
        blocked[manager] += int(status == "rejected")
        if submitted is not None and updated is not None:
            delays.setdefault(manager, []).append((updated - submitted).total_seconds() / 86400)
    ids = sorted(set(recommended) | set(blocked) | set(delays))
    med = [statistics.median(delays[m]) if m in delays else np.nan for m in ids]  # np.median: 40× slower here
    flags = core.hoarding_flags([recommended[m] for m in ids], [released[m] for m in ids],
                                [blocked[m] for m in ids], med, min_recommended=min_recommended,
                                max_blocked=MAX_BLOCKED, decisions=[decisions[m] for m in ids],
                                min_decisions=min_decisions)
    named = [i for i, m in enumerate(ids) if team[m] >= min_team
             and (recommended[m] >= min_recommended or decisions[m] >= min_decisions)]
    order = sorted(named, key=lambda i: (not flags.flagged[i], -recommended[ids[i]], ids[i]))[:limit]
    shown_ids = [ids[i] for i in order]
    names: dict[int, str] = {}
    if shown_ids:
        names = {r[0]: r[1] for r in session.execute(select(Employee.id, Employee.name)
                                                     .where(Employee.id.in_(shown_ids)))}
    out = [ManagerIndicator(
        manager_id=ids[i], manager=names.get(ids[i], str(ids[i])), team_size=team[ids[i]],
        recommended=recommended[ids[i]], released=released[ids[i]],
        release_rate=None if np.isnan(flags.release_rate[i]) else float(flags.release_rate[i]),
        blocked=blocked[ids[i]], median_decision_days=None if np.isnan(med[i]) else med[i],
        flagged=bool(flags.flagged[i]), reasons=flags.reasons[i]) for i in order]
    flagged_named = int(flags.flagged[named].sum()) if named else 0
    return Hoarding(period=period.label, baseline_release_rate=flags.baseline, method=HOARDING_METHOD,
                    managers_total=len(ids), flagged_total=int(flags.flagged.sum()), managers=out,
                    decisions_total=sum(decisions.values()), min_team=min_team, min_decisions=min_decisions,
                    not_named=len(ids) - len(named), not_named_flagged=int(flags.flagged.sum()) - flagged_named)


def _table(mapping: dict[int, int]) -> np.ndarray:
    """A dict of non-negative ints as a lookup table (-1 where absent)."""
    out = np.full(max(mapping, default=-1) + 1, -1, dtype=np.int64)
    out[list(mapping)] = list(mapping.values())
    return out


def _counts(values: np.ndarray) -> Counter[int]:
    keys, counts = np.unique(values, return_counts=True)
    return Counter(dict(zip(keys.tolist(), counts.tolist(), strict=True)))
