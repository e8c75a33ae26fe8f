# REFERENCE COPY (a test oracle, not used by Trellis): trellis.analytics.flows as it was at
# commit 063d22e, before the bulk-read rewrite; test_same_numbers_as_before.py checks the new
# code against it. Do not edit.
"""Talent flows between departments and job families, net importers and exporters, and
indicators of talent hoarding.

Hoarding indicators, per manager: how many of their people were recommended in the period and
how many of those were released (moved out of the manager's unit); how many applications of
their own reports they turned down themselves (blocked moves); and the median days they took to
decide. The data model keeps only the *current* manager, so a person who moved away is
attributed to the head of the unit they left (the person most of that unit reports to)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from ref_service import fetch_array, load_moves, load_org_tree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.analytics.schemas import Flows, Hoarding, ManagerIndicator, Period, UnitFlow
from trellis.core import analytics as core
from trellis.errors import Invalid
from trellis.models import Application, Employee, JobFamily, RecommendationEvent, Role

HOARDING_METHOD = __doc__.split("\n\n", 1)[1].replace("\n", " ") if __doc__ else ""


def talent_flows(session: Session, *, period: Period, by: str = "department") -> Flows:
    """A flow matrix of internal moves in the period (origin → destination) by department or
    job family, with each unit's inflow, outflow and net."""
    moves = load_moves(session, period=period)
    if by == "department":
        tree = load_org_tree(session)
        dept = tree.departments()
        names = tree.names
        src = [dept.get(int(u), -1) for u in moves.prev_org_unit_id]
        dst = [dept.get(int(u), -1) for u in moves.org_unit_id]
    elif by == "family":
        fam = {r[0]: r[1] for r in session.execute(select(Role.id, Role.family_id))}
        names = {r[0]: r[1] for r in session.execute(select(JobFamily.id, JobFamily.name))}
        src = [fam.get(int(r)) or -1 for r in moves.prev_role_id]
        dst = [fam.get(int(r)) or -1 for r in moves.role_id]
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


def hoarding_indicators(
    session: Session, *, period: Period, min_recommended: int = 5, limit: int = 200
) -> Hoarding:
    """Managers whose people are recommended but rarely released, who block moves, or who are
    slow to decide, each flag with its reason. Sorted flagged first, then by recommended."""
    lo, hi = period.bounds()
    heads: dict[int, int] = {}
    best: dict[int, int] = {}
    team: Counter[int] = Counter()
    stmt = (select(func.coalesce(Employee.org_unit_id, -1), func.coalesce(Employee.manager_id, -1), func.count())
            .where(Employee.status == "active", Employee.manager_id.is_not(None), Employee.org_unit_id.is_not(None))
        .group_by(Employee.org_unit_id, Employee.manager_id))
    for org, manager, count in session.execute(stmt):
        team[manager] += count
        if count > best.get(org, 0):
            heads[org], best[org] = manager, count
    moves = load_moves(session, period=period)
    moved_from: dict[int, int] = {}
    for emp, src, dst in zip(moves.employee_id.tolist(), moves.prev_org_unit_id.tolist(),
                             moves.org_unit_id.tolist(), strict=True):
        if src != dst and src in heads:
            moved_from.setdefault(emp, heads[src])
    shown = (select(RecommendationEvent.employee_id).where(
        RecommendationEvent.kind == "shown", RecommendationEvent.at >= lo, RecommendationEvent.at < hi)
        .distinct().subquery())
    people = fetch_array(session, select(Employee.id, func.coalesce(Employee.manager_id, -1),
                                         func.coalesce(Employee.org_unit_id, -1))
                         .join(shown, shown.c.employee_id == Employee.id))
    recommended: Counter[int] = Counter()
    released: Counter[int] = Counter()
    for emp, boss, unit in people.astype(np.int64).tolist():
        owner = moved_from.get(emp, heads.get(unit, boss))
        if owner < 0:
            continue
        recommended[owner] += 1
        released[owner] += int(emp in moved_from)
    applicant = Employee.__table__.alias("applicant")
    decided = (select(Application.decided_by_id, Application.status, Application.submitted_at, Application.updated_at)
               .join(applicant, applicant.c.id == Application.employee_id)
               .where(Application.decided_by_id == applicant.c.manager_id,
                      Application.updated_at >= lo, Application.updated_at < hi))
    blocked: Counter[int] = Counter()
    delays: dict[int, list[float]] = {}
    for decider, status, submitted, updated in session.execute(decided):
        if decider is None:
            continue
        manager = int(decider)
        blocked[manager] += int(status == "rejected")
        if submitted is not None and updated is not None:
            delays.setdefault(manager, []).append((updated - submitted).total_seconds() / 86400)
    ids = sorted(set(recommended) | set(blocked) | set(delays))
    med = [float(np.median(delays[m])) if m in delays else np.nan for m in ids]
    flags = core.hoarding_flags([recommended[m] for m in ids], [released[m] for m in ids],
                                [blocked[m] for m in ids], med, min_recommended=min_recommended)
    order = sorted(range(len(ids)), key=lambda i: (not flags.flagged[i], -recommended[ids[i]], ids[i]))[:limit]
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
    return Hoarding(period=period.label, baseline_release_rate=flags.baseline, method=HOARDING_METHOD,
                    managers_total=len(ids), flagged_total=int(flags.flagged.sum()), managers=out)
