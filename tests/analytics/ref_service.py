# REFERENCE COPY (a test oracle, not used by Trellis): trellis.analytics.service as it was at
# commit 063d22e, before the bulk-read rewrite; test_same_numbers_as_before.py checks the new
# code against it. Do not edit.
"""Mobility analytics over any period and org unit (with its subtree): bulk queries that let the
database aggregate, then the pure metric functions in ``trellis.core.mobility``.

Conventions read from the data model: each ``JobHistory`` row is a spell whose ``move_type``
says how it began (hire, promotion, lateral, demotion); a row with ``move_type = 'exit'`` marks
the day a person left. An internal move is a spell that began by promotion, lateral move or
demotion. Demographics are never read here (see ``analytics/fairness.py``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Integer, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from trellis.analytics.schemas import (
    Distribution,
    FunnelStage,
    MobilityMetrics,
    Period,
    Retention,
    TrendPoint,
)
from trellis.core import mobility as core
from trellis.errors import NotFound
from trellis.models import Application, Employee, JobHistory, Opportunity, OrgUnit, RecommendationEvent, Role

INTERNAL = core.INTERNAL_MOVES
EVENT_STAGES = ("shown", "opened", "applied", "shortlisted", "selected")
APPLICATION_STAGES = ("applied", "shortlisted", "offer", "selected")
APPLICATION_RANK = {"submitted": 0, "reviewing": 0, "rejected": 0, "withdrawn": 0,
                    "shortlisted": 1, "interview": 1, "offer": 2, "selected": 3}


EPOCH = date(1970, 1, 1).toordinal()


class day_number(FunctionElement[int]):
    """Days since 1970-01-01 of a DATE column, computed in the database so that bulk reads can
    skip date objects (SQLite: julianday; PostgreSQL and others: EXTRACT(EPOCH ...))."""

    type = Integer()
    inherit_cache = True


@compiles(day_number)
def _day_number_default(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) / 86400) AS INTEGER)"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@dataclass(frozen=True)
class OrgTree:
    names: dict[int, str]
    parent: dict[int, int | None]

    def subtree(self, unit_id: int | None) -> set[int] | None:
        """The unit and everything under it; None (no filter) for the whole organisation."""
        if unit_id is None:
            return None
        if unit_id not in self.names:
            raise NotFound(f"org unit {unit_id} does not exist")
        children: dict[int | None, list[int]] = {}
        for uid, pid in self.parent.items():
            children.setdefault(pid, []).append(uid)
        out, stack = set(), [unit_id]
        while stack:
            uid = stack.pop()
            out.add(uid)
            stack.extend(children.get(uid, []))
        return out

    def departments(self) -> dict[int, int]:
        """Each unit mapped to its department: a top-level unit, or a child of the root when
        the organisation has a single root."""
        roots = [u for u, p in self.parent.items() if p is None]
        top = set(roots) if len(roots) != 1 else {u for u, p in self.parent.items() if p == roots[0]} | set(roots)
        out: dict[int, int] = {}
        for uid in self.parent:
            cur, seen = uid, set()
            while cur not in top and self.parent.get(cur) is not None and cur not in seen:
                seen.add(cur)
                cur = self.parent[cur]  # type: ignore[assignment]
            out[uid] = cur
        return out

    def department_ids(self) -> list[int]:
        return sorted(set(self.departments().values()))

    def label(self, unit_id: int | None) -> str:
        return "Whole organisation" if unit_id is None else self.names.get(unit_id, f"unit {unit_id}")


def load_org_tree(session: Session) -> OrgTree:
    rows = session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.parent_id)).all()
    return OrgTree({r.id: r.name for r in rows}, {r.id: r.parent_id for r in rows})


def fetch_raw(session: Session, stmt: Any) -> list[Any]:
    """A bulk read straight from the DBAPI cursor, skipping SQLAlchemy's per-row objects and
    type processing: only for numbers, strings and NULLs (dates come back as the driver gives
    them). Tens of times faster when hundreds of thousands of rows come back."""
    result = session.connection().execute(stmt)
    try:
        return list(result.cursor.fetchall()) if result.cursor is not None else []
    finally:
        result.close()


def fetch_array(session: Session, stmt: Any) -> np.ndarray:
    """A bulk numeric read into a float array (rows × columns); NULL becomes NaN."""
    return np.array(fetch_raw(session, stmt), dtype=np.float64).reshape(-1, len(stmt.selected_columns))


def org_unit_by_external_id(session: Session, external_id: str) -> int:
    unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.external_id == external_id))
    if unit_id is None:
        raise NotFound(f'org unit "{external_id}" does not exist')
    return int(unit_id)


def department_cte(tree: OrgTree) -> Any:
    """A recursive CTE (columns ``id``, ``dept``) mapping every org unit to its department, so
    that queries can group by department in the database."""
    child = aliased(OrgUnit)
    ids = tree.department_ids()
    anchor = select(OrgUnit.id.label("id"), OrgUnit.id.label("dept")).where(OrgUnit.id.in_(ids)).cte(
        "unit_dept", recursive=True)
    return anchor.union_all(select(child.id, anchor.c.dept).join(anchor, child.parent_id == anchor.c.id)
                            .where(child.id.not_in(ids)))


def in_units(column: Any, units: set[int] | None) -> Any:
    return True if units is None else column.in_(sorted(units))


@dataclass(frozen=True)
class Moves:
    """Internal moves in a period, one row per move, as parallel arrays."""

    employee_id: np.ndarray
    day: np.ndarray  # date ordinals
    move_type: np.ndarray  # object array of strings
    org_unit_id: np.ndarray  # destination (-1 unknown)
    prev_org_unit_id: np.ndarray  # origin (-1 unknown)
    role_id: np.ndarray
    prev_role_id: np.ndarray


def load_moves(session: Session, *, period: Period, units: set[int] | None = None) -> Moves:
    """Every internal move in the period with its origin (the spell before it), touching
    ``units`` on either side."""
    prev = aliased(JobHistory)

    def previous(col: Any) -> Any:
        return (select(col).where(prev.employee_id == JobHistory.employee_id, prev.start_date < JobHistory.start_date)
                .order_by(prev.start_date.desc(), prev.id.desc()).limit(1).correlate(JobHistory).scalar_subquery())

    stmt = select(JobHistory.employee_id, JobHistory.start_date, JobHistory.move_type, JobHistory.org_unit_id,
                  previous(prev.org_unit_id), JobHistory.role_id, previous(prev.role_id)).where(
        JobHistory.move_type.in_(INTERNAL), JobHistory.start_date >= period.start, JobHistory.start_date <= period.end)
    rows = session.execute(stmt).all()
    if units is not None:
        rows = [r for r in rows if r[3] in units or r[4] in units]

    def col(i: int) -> np.ndarray:
        return np.array([-1 if r[i] is None else r[i] for r in rows], dtype=np.int64)

    return Moves(col(0), np.array([r[1].toordinal() for r in rows], dtype=np.int64),
                 np.array([r[2] for r in rows], dtype=object), col(3), col(4), col(5), col(6))


def headcount_at(session: Session, *, day: date, units: set[int] | None) -> int:
    stmt = select(func.count(func.distinct(JobHistory.employee_id))).where(
        JobHistory.start_date <= day, or_(JobHistory.end_date.is_(None), JobHistory.end_date > day),
        JobHistory.move_type != "exit", in_units(JobHistory.org_unit_id, units))
    return int(session.scalar(stmt) or 0)


def _fills(session: Session, period: Period, units: set[int] | None) -> list[Any]:
    stmt = select(Opportunity.posted_on, Opportunity.filled_on, Opportunity.filled_internally).where(
        Opportunity.type == "job", Opportunity.filled_on >= period.start, Opportunity.filled_on <= period.end,
        in_units(Opportunity.org_unit_id, units))
    return list(session.execute(stmt).all())


def _exit_days(session: Session) -> np.ndarray:
    """Day (ordinal) each employee left, indexed by employee id; NaN for people still here."""
    rows = fetch_array(session, select(JobHistory.employee_id, func.min(day_number(JobHistory.start_date)))
                       .where(JobHistory.move_type == "exit").group_by(JobHistory.employee_id))
    size = int(session.scalar(select(func.max(Employee.id))) or 0) + 1
    out = np.full(size, np.nan)
    out[rows[:, 0].astype(np.int64)] = rows[:, 1] + EPOCH
    return out


def _data_horizon(session: Session) -> date | None:
    latest = session.execute(select(func.max(JobHistory.start_date), func.max(JobHistory.end_date))).one()
    days = [d for d in latest if d is not None]
    return max(days) if days else None


def _lookup(values: np.ndarray, keys: np.ndarray, default: float = np.nan) -> np.ndarray:
    """values[keys] where keys fall inside, default elsewhere (keys may be -1 or NaN)."""
    k = np.nan_to_num(keys, nan=-1).astype(np.int64)
    ok = (k >= 0) & (k < values.shape[0])
    out = np.full(k.shape[0], default, dtype=np.float64)
    out[ok] = values[k[ok]]
    return out


def _strata(session: Session, role_ids: np.ndarray, tenure_days: np.ndarray) -> list[int]:
    """One integer per person: job family × level × tenure band (the comparison cells)."""
    roles = fetch_array(session, select(Role.id, func.coalesce(Role.family_id, 0), Role.level))
    size = int(roles[:, 0].max(initial=0)) + 1
    family, level = np.zeros(size), np.zeros(size)
    family[roles[:, 0].astype(np.int64)] = roles[:, 1]
    level[roles[:, 0].astype(np.int64)] = roles[:, 2]
    band = np.digitize(np.nan_to_num(tenure_days, nan=0) / 365.25, [1, 3, 5, 10])
    cells = _lookup(family, role_ids, -1) * 1000 + _lookup(level, role_ids, -1) * 10 + band
    return [int(c) for c in cells.tolist()]


def _retention(session: Session, period: Period, units: set[int] | None, moves: Moves) -> Retention:
    method = ("Movers: people whose internal move in the period is at least 12 months before the data's last "
              "date; retained = no exit within 365 days of the move. Comparable stayers: people in post on the "
              "period's first day with no internal move within a year either side, retained = no exit within "
              "365 days; their retention is standardised to the movers' mix of job family × level × tenure band.")
    horizon = _data_horizon(session)
    exits = _exit_days(session)
    hires = fetch_array(session, select(Employee.id, day_number(Employee.hire_date)))
    hire_day = np.full(exits.shape[0], np.nan)
    hire_day[hires[:, 0].astype(np.int64)] = hires[:, 1] + EPOCH
    last = (horizon or period.start).toordinal() - 365
    ok = moves.day <= last
    m_ids, m_days = moves.employee_id[ok], moves.day[ok].astype(np.float64)
    m_hired = _lookup(hire_day, m_ids)
    m_tenure = m_days - np.where(np.isnan(m_hired), m_days, m_hired)
    m_strata = _strata(session, moves.prev_role_id[ok].astype(np.float64), m_tenure)
    index = period.start.toordinal()
    stayers = np.zeros((0, 2))
    if index <= last:
        window_lo, window_hi = period.start - timedelta(days=365), period.start + timedelta(days=365)
        moved = select(JobHistory.employee_id).where(JobHistory.move_type.in_(INTERNAL),
                                                     JobHistory.start_date >= window_lo,
                                                     JobHistory.start_date <= window_hi)
        stayers = fetch_array(session, select(JobHistory.employee_id, JobHistory.role_id).where(
            JobHistory.start_date <= period.start,
            or_(JobHistory.end_date.is_(None), JobHistory.end_date > period.start),
            JobHistory.move_type != "exit", in_units(JobHistory.org_unit_id, units),
            JobHistory.employee_id.not_in(moved)))
    s_ids = stayers[:, 0]
    s_tenure = index - np.nan_to_num(_lookup(hire_day, s_ids), nan=index)
    s_strata = _strata(session, stayers[:, 1], s_tenure)
    s_exit = _lookup(exits, s_ids)
    cmp = core.retention_vs_stayers(m_strata, core.retained(m_days, _lookup(exits, m_ids)), s_strata,
                                    core.retained(np.full(s_ids.shape[0], index), s_exit))
    return Retention(movers=cmp.movers, movers_retained=cmp.movers_retained, stayers=cmp.stayers,
                     stayers_retained=cmp.stayers_retained, stayers_retained_raw=cmp.stayers_retained_raw,
                     difference=cmp.difference, method=method)


def recommendation_funnel(session: Session, *, period: Period, units: set[int] | None = None) -> list[FunnelStage]:
    """Person × opportunity pairs by the furthest funnel stage they reached in the period."""
    lo, hi = period.bounds()
    rank = case({k: i for i, k in enumerate(EVENT_STAGES)}, value=RecommendationEvent.kind)
    pairs = (select(func.max(rank).label("r")).select_from(RecommendationEvent)
             .where(RecommendationEvent.at >= lo, RecommendationEvent.at < hi,
                    RecommendationEvent.kind.in_(EVENT_STAGES))
             .group_by(RecommendationEvent.employee_id, RecommendationEvent.opportunity_id))
    if units is not None:
        pairs = pairs.join(Opportunity, Opportunity.id == RecommendationEvent.opportunity_id).where(
            in_units(Opportunity.org_unit_id, units))
    sub = pairs.subquery()
    rows = session.execute(select(sub.c.r, func.count()).group_by(sub.c.r)).all()
    reached = core.reached_at_least([r[0] for r in rows], [r[1] for r in rows], len(EVENT_STAGES))
    return _stages(EVENT_STAGES, reached)


def application_funnel(session: Session, *, period: Period, units: set[int] | None = None) -> list[FunnelStage]:
    """Applications submitted in the period by the furthest stage their status shows."""
    lo, hi = period.bounds()
    rank = case(APPLICATION_RANK, value=Application.status, else_=0)
    submitted = func.coalesce(Application.submitted_at, Application.created_at)
    stmt = (select(rank, func.count()).select_from(Application)
            .join(Opportunity, Opportunity.id == Application.opportunity_id)
            .where(submitted >= lo, submitted < hi, in_units(Opportunity.org_unit_id, units)).group_by(rank))
    rows = session.execute(stmt).all()
    reached = core.reached_at_least([r[0] for r in rows], [r[1] for r in rows], len(APPLICATION_STAGES))
    return _stages(APPLICATION_STAGES, reached)


def _stages(names: tuple[str, ...], reached: np.ndarray) -> list[FunnelStage]:
    counts = {n: int(c) for n, c in zip(names, reached, strict=True)}
    return [FunnelStage(stage=s.stage, count=s.count, conversion=s.conversion, cumulative=s.cumulative)
            for s in core.funnel(names, counts)]


def _gig_participants(session: Session, period: Period, units: set[int] | None) -> int:
    day = func.coalesce(Opportunity.filled_on, Opportunity.posted_on)
    stmt = (select(func.count(func.distinct(Application.employee_id))).select_from(Application)
            .join(Opportunity, Opportunity.id == Application.opportunity_id)
            .join(Employee, Employee.id == Application.employee_id)
            .where(Application.status == "selected", Opportunity.type.in_(("gig", "project")),
                   and_(day >= period.start, day <= period.end), in_units(Employee.org_unit_id, units)))
    return int(session.scalar(stmt) or 0)


def mobility_metrics(session: Session, *, period: Period, org_unit_id: int | None = None) -> MobilityMetrics:
    """Internal mobility rate, fill rate, move mix, time to fill, retention of movers against
    comparable stayers, gig participation and both funnels for the period and unit subtree."""
    tree = load_org_tree(session)
    units = tree.subtree(org_unit_id)
    moves = load_moves(session, period=period, units=units)
    hc_start = headcount_at(session, day=period.start, units=units)
    hc_end = headcount_at(session, day=period.end, units=units)
    movers = len(set(moves.employee_id.tolist()))
    mix = core.move_mix(Counter(moves.move_type.tolist()))
    fills = _fills(session, period, units)
    known = [f for f in fills if f.filled_internally is not None]
    internal = sum(1 for f in known if f.filled_internally)
    timed = [f for f in fills if f.posted_on is not None]
    ttf = core.time_to_fill([f.posted_on.toordinal() for f in timed], [f.filled_on.toordinal() for f in timed])
    gig = _gig_participants(session, period, units)
    notes = []
    if len(known) < len(fills):
        notes.append(f"{len(fills) - len(known)} filled openings do not say whether the hire was internal; "
                     "left out of the internal fill rate.")
    retention = _retention(session, period, units, moves)
    if retention.movers == 0:
        notes.append("No moves in the period are a full year old in the data yet: retention cannot be measured.")
    return MobilityMetrics(
        period=period.label, org_unit=tree.label(org_unit_id), headcount_start=hc_start, headcount_end=hc_end,
        movers=movers, internal_moves=mix.total, mobility_rate=core.mobility_rate(movers, hc_start, hc_end),
        promotions=mix.promotions, laterals=mix.laterals, demotions=mix.demotions,
        promotion_share=mix.promotion_share, filled_total=len(fills), filled_internally=internal,
        internal_fill_rate=core.internal_fill_rate(internal, len(known)),
        time_to_fill_days=Distribution(n=ttf.n, mean=ttf.mean, median=ttf.median, p90=ttf.p90),
        retention=retention, gig_participants=gig,
        gig_participation_rate=core.participation_rate(gig, round(core.average_headcount(hc_start, hc_end))),
        recommendation_funnel=recommendation_funnel(session, period=period, units=units),
        application_funnel=application_funnel(session, period=period, units=units), notes=notes)


def mobility_trend(session: Session, *, period: Period, org_unit_id: int | None = None) -> list[TrendPoint]:
    """Month by month: promotions, lateral moves, demotions, filled openings and the internal
    fill rate."""
    units = load_org_tree(session).subtree(org_unit_id)
    moves = load_moves(session, period=period, units=units)
    months: list[str] = []
    cur = period.start.replace(day=1)
    while cur <= period.end:
        months.append(cur.strftime("%Y-%m"))
        cur = (cur + timedelta(days=32)).replace(day=1)
    counts: dict[str, Counter[str]] = {m: Counter() for m in months}
    for day, kind in zip(moves.day.tolist(), moves.move_type.tolist(), strict=True):
        counts[date.fromordinal(day).strftime("%Y-%m")][kind] += 1
    for f in _fills(session, period, units):
        c = counts[f.filled_on.strftime("%Y-%m")]
        c["filled"] += 1
        c["internal"] += int(bool(f.filled_internally))
        c["known"] += int(f.filled_internally is not None)
    return [TrendPoint(month=m, promotions=c["promotion"], laterals=c["lateral"], demotions=c["demotion"],
                       filled=c["filled"], filled_internally=c["internal"],
                       internal_fill_rate=core.internal_fill_rate(c["internal"], c["known"]))
            for m, c in counts.items()]
