"""Mobility analytics over any period and org unit (with its subtree): numpy over the session's
bulk reads (``analytics.frames``: job history, people, roles, events), then the pure metric
functions in ``trellis.core.mobility``. Calls are cacheable (``analytics.cache``).

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
from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from trellis.analytics import frames
from trellis.analytics.cache import cacheable, memo
from trellis.analytics.frames import MOVE_CODES, MOVE_NAMES, fetch_columns, lookup
from trellis.analytics.org import in_units, org_tree
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
from trellis.models import Application, Employee, Opportunity, OrgUnit

INTERNAL = core.INTERNAL_MOVES
INTERNAL_CODES = [MOVE_CODES[m] for m in INTERNAL]
EVENT_STAGES = ("shown", "opened", "applied", "shortlisted", "selected")
APPLICATION_STAGES = ("applied", "shortlisted", "offer", "selected")
APPLICATION_RANK = {"submitted": 0, "reviewing": 0, "rejected": 0, "withdrawn": 0,
                    "shortlisted": 1, "interview": 1, "offer": 2, "selected": 3}

load_org_tree = org_tree  # the organisation tree, read once per session


def org_unit_by_external_id(session: Session, external_id: str) -> int:
    unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.external_id == external_id))
    if unit_id is None:
        raise NotFound(f'org unit "{external_id}" does not exist')
    return int(unit_id)


@dataclass(frozen=True)
class Moves:
    """Internal moves in a period, one row per move in the order they were recorded."""

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
    h = frames.history(session)
    rows = np.flatnonzero(np.isin(h.move, INTERNAL_CODES) & (h.start >= period.start.toordinal())
                          & (h.start <= period.end.toordinal()))
    prev = h.previous[rows]
    prev_unit = np.where(prev >= 0, h.org_unit[prev], -1)
    prev_role = np.where(prev >= 0, h.role[prev], -1)
    if units is not None:
        mask = org_tree(session).unit_mask(units)
        keep = in_units(mask, h.org_unit[rows]) | in_units(mask, prev_unit)
        rows, prev_unit, prev_role = rows[keep], prev_unit[keep], prev_role[keep]
    order = np.argsort(h.id[rows], kind="stable")
    rows, prev_unit, prev_role = rows[order], prev_unit[order], prev_role[order]
    return Moves(h.employee[rows], h.start[rows], MOVE_NAMES[h.move[rows]], h.org_unit[rows], prev_unit,
                 h.role[rows], prev_role)


def _in_post(h: frames.History, day: int) -> np.ndarray:
    """Spells (not exits) that cover the day."""
    covers: np.ndarray = (h.start <= day) & ((h.end < 0) | (h.end > day)) & (h.move != MOVE_CODES["exit"])
    return covers


def headcount_at(session: Session, *, day: date, units: set[int] | None) -> int:
    h = frames.history(session)
    inside = _in_post(h, day.toordinal()) & in_units(org_tree(session).unit_mask(units), h.org_unit)
    return int(np.unique(h.employee[inside]).shape[0])


@dataclass(frozen=True)
class Fills:
    """Job openings filled in a period: posting and filling day (ordinals, -1 unknown) and
    whether the hire was internal (1), external (0) or unknown (-1)."""

    posted: np.ndarray
    filled: np.ndarray
    internal: np.ndarray


def _fills(session: Session, period: Period, units: set[int] | None) -> Fills:
    o = Opportunity

    def build() -> list[np.ndarray]:
        cols = fetch_columns(session, select(
            o.id, frames.ordinal(o.posted_on), frames.ordinal(o.filled_on), cast(o.filled_internally, Integer),
            o.org_unit_id).where(o.type == "job", o.filled_on >= period.start, o.filled_on <= period.end))
        order = np.argsort(cols[0], kind="stable")
        return [c[order] for c in cols[1:]]

    posted, filled, internal, unit = memo(session, ("fills", period.start, period.end), build)
    keep = in_units(org_tree(session).unit_mask(units), unit)
    return Fills(posted[keep], filled[keep], internal[keep])


def _exit_days(session: Session) -> np.ndarray:
    """Day (ordinal) each employee left, indexed by employee id; NaN for people still here."""
    h = frames.history(session)
    size = int(frames.people(session).id.max(initial=0)) + 1
    out = np.full(max(size, int(h.employee.max(initial=0)) + 1), np.inf)
    exits = h.move == MOVE_CODES["exit"]
    np.minimum.at(out, h.employee[exits], h.start[exits].astype(np.float64))
    out[np.isinf(out)] = np.nan
    return out


def _data_horizon(session: Session) -> date | None:
    h = frames.history(session)
    if not h.start.shape[0]:
        return None
    return date.fromordinal(int(max(h.start.max(), h.end.max())))


def _strata(session: Session, role_ids: np.ndarray, tenure_days: np.ndarray) -> list[int]:
    """One integer per person: job family × level × tenure band (the comparison cells)."""
    family, level = frames.roles(session)
    band = np.digitize(np.nan_to_num(tenure_days, nan=0) / 365.25, [1, 3, 5, 10])
    cells = (lookup(family.astype(np.float64), role_ids, -1.0) * 1000
             + lookup(level.astype(np.float64), role_ids, -1.0) * 10 + band)
    return [int(c) for c in cells.tolist()]


def _retention(session: Session, period: Period, units: set[int] | None, moves: Moves) -> Retention:
    method = ("Movers: people whose internal move in the period is at least 12 months before the data's last "
              "date; retained = no exit within 365 days of the move. Comparable stayers: people in post on the "
              "period's first day with no internal move within a year either side, retained = no exit within "
              "365 days; their retention is standardised to the movers' mix of job family × level × tenure band.")
    horizon = _data_horizon(session)
    exits = _exit_days(session)
    p = frames.people(session)
    hire_day = frames.by_id(p.id, p.hire_day, np.nan)
    last = (horizon or period.start).toordinal() - 365
    ok = moves.day <= last
    m_ids, m_days = moves.employee_id[ok], moves.day[ok].astype(np.float64)
    m_hired = lookup(hire_day, m_ids, np.nan)
    m_tenure = m_days - np.where(np.isnan(m_hired), m_days, m_hired)
    m_strata = _strata(session, moves.prev_role_id[ok], m_tenure)
    index = period.start.toordinal()
    s_ids = s_roles = np.zeros(0, dtype=np.int64)
    if index <= last:
        h = frames.history(session)
        moved = np.unique(h.employee[np.isin(h.move, INTERNAL_CODES) & (h.start >= index - 365)
                                     & (h.start <= index + 365)])
        stay = (_in_post(h, index) & in_units(org_tree(session).unit_mask(units), h.org_unit)
                & ~np.isin(h.employee, moved))
        s_ids, s_roles = h.employee[stay], h.role[stay]
    s_tenure = index - np.nan_to_num(lookup(hire_day, s_ids, np.nan), nan=index)
    s_strata = _strata(session, s_roles, s_tenure)
    s_exit = lookup(exits, s_ids, np.nan)
    cmp = core.retention_vs_stayers(m_strata, core.retained(m_days, lookup(exits, m_ids, np.nan)), s_strata,
                                    core.retained(np.full(s_ids.shape[0], index), s_exit))
    return Retention(movers=cmp.movers, movers_retained=cmp.movers_retained, stayers=cmp.stayers,
                     stayers_retained=cmp.stayers_retained, stayers_retained_raw=cmp.stayers_retained_raw,
                     difference=cmp.difference, method=method)


def _follow_up_cohort(session: Session, period: Period) -> Period | None:
    """The period as long as ``period`` that ends a year before the data's last date (so that its
    moves have a full year of follow-up), when ``period`` itself ends later than that."""
    horizon = _data_horizon(session)
    if horizon is None:
        return None
    end = min(period.end, horizon - timedelta(days=365))
    if end >= period.start:
        return None
    return Period(start=end - timedelta(days=period.days - 1), end=end)


def sql_in_units(column: Any, units: set[int] | None) -> Any:
    return True if units is None else column.in_(sorted(units))


def hidden_pairs(session: Session, *, employees: np.ndarray, opportunities: np.ndarray,
                 hidden: frozenset[int]) -> np.ndarray:
    """Which (employee, opportunity) pairs are those of the applications in ``hidden`` (the ones
    the viewer may not see, ``applications.service.hidden_application_ids``): counts leave them out."""
    if not hidden:
        return np.zeros(employees.shape[0], dtype=bool)
    rows = session.execute(select(Application.employee_id, Application.opportunity_id)
                           .where(Application.id.in_(sorted(hidden)))).all()
    width = int(max([int(opportunities.max(initial=0)), *(o for _e, o in rows)])) + 1
    keys = np.asarray([e * width + o for e, o in rows], dtype=np.int64)
    return np.isin(employees.astype(np.int64) * width + opportunities.astype(np.int64), keys)


def recommendation_funnel(session: Session, *, period: Period, units: set[int] | None = None,
                          hidden: frozenset[int] = frozenset()) -> list[FunnelStage]:
    """Person × opportunity pairs by the furthest funnel stage they reached in the period (less
    the pairs of applications in ``hidden``)."""
    lo, hi = period.bounds()
    pairs = frames.event_pairs(session, lo=lo, hi=hi, stages=EVENT_STAGES)
    kept = ~hidden_pairs(session, employees=pairs.employee, opportunities=pairs.opportunity, hidden=hidden)
    stage, opportunity = pairs.stage[kept], pairs.opportunity[kept]
    if units is not None:
        units_of = frames.opportunity_units(session)
        stage = stage[in_units(org_tree(session).unit_mask(units), lookup(units_of, opportunity))]
    reached = core.reached_at_least(stage, np.ones(stage.shape[0]), len(EVENT_STAGES))
    return _stages(EVENT_STAGES, reached)


def application_funnel(session: Session, *, period: Period, units: set[int] | None = None,
                       hidden: frozenset[int] = frozenset()) -> list[FunnelStage]:
    """Applications submitted in the period by the furthest stage their status shows (less those
    in ``hidden``: the viewer may not know they exist)."""
    lo, hi = period.bounds()
    rank = case(APPLICATION_RANK, value=Application.status, else_=0)
    submitted = func.coalesce(Application.submitted_at, Application.created_at)
    stmt = (select(rank, func.count()).select_from(Application)
            .join(Opportunity, Opportunity.id == Application.opportunity_id)
            .where(submitted >= lo, submitted < hi, sql_in_units(Opportunity.org_unit_id, units),
                   Application.id.not_in(sorted(hidden))).group_by(rank))
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
                   and_(day >= period.start, day <= period.end), sql_in_units(Employee.org_unit_id, units)))
    return int(session.scalar(stmt) or 0)


@cacheable("org_units", "job_history", "employees", "roles", "opportunities", "applications",
           "recommendation_events")
def mobility_metrics(session: Session, *, period: Period, org_unit_id: int | None = None,
                     hidden: frozenset[int] = frozenset()) -> MobilityMetrics:
    """Internal mobility rate, fill rate, move mix, time to fill, retention of movers against
    comparable stayers, gig participation and both funnels for the period and unit subtree. The
    funnels leave out the applications in ``hidden``: those the viewer may not see
    (``applications.service.hidden_application_ids``), whose count would give them away."""
    tree = load_org_tree(session)
    units = tree.subtree(org_unit_id)
    moves = load_moves(session, period=period, units=units)
    hc_start = headcount_at(session, day=period.start, units=units)
    hc_end = headcount_at(session, day=period.end, units=units)
    movers = int(np.unique(moves.employee_id).shape[0])
    mix = core.move_mix(Counter(moves.move_type.tolist()))
    fills = _fills(session, period, units)
    n_fills, known = fills.filled.shape[0], int((fills.internal >= 0).sum())
    internal = int((fills.internal == 1).sum())
    timed = fills.posted >= 0
    ttf = core.time_to_fill(fills.posted[timed], fills.filled[timed])
    gig = _gig_participants(session, period, units)
    notes = []
    if known < n_fills:
        notes.append(f"{n_fills - known} filled openings do not say whether the hire was internal; "
                     "left out of the internal fill rate.")
    retention = _retention(session, period, units, moves)
    cohort = _follow_up_cohort(session, period) if retention.movers == 0 else None
    if cohort is not None:
        earlier = _retention(session, cohort, units, load_moves(session, period=cohort, units=units))
        if earlier.movers:
            retention = earlier.model_copy(update={"cohort": cohort.label})
            notes.append(f"The period's moves are not a full year old yet: retention is measured on the moves of "
                         f"{cohort.label}, the latest period as long with a year of follow-up in the data.")
    if retention.movers == 0:
        notes.append("No moves in the period are a full year old in the data yet: retention cannot be measured.")
    return MobilityMetrics(
        period=period.label, org_unit=tree.label(org_unit_id), headcount_start=hc_start, headcount_end=hc_end,
        movers=movers, internal_moves=mix.total, mobility_rate=core.mobility_rate(movers, hc_start, hc_end),
        promotions=mix.promotions, laterals=mix.laterals, demotions=mix.demotions,
        promotion_share=mix.promotion_share, filled_total=n_fills, filled_internally=internal,
        internal_fill_rate=core.internal_fill_rate(internal, known),
        time_to_fill_days=Distribution(n=ttf.n, mean=ttf.mean, median=ttf.median, p90=ttf.p90),
        retention=retention, gig_participants=gig,
        gig_participation_rate=core.participation_rate(gig, round(core.average_headcount(hc_start, hc_end))),
        recommendation_funnel=recommendation_funnel(session, period=period, units=units, hidden=hidden),
        application_funnel=application_funnel(session, period=period, units=units, hidden=hidden), notes=notes)


@cacheable("org_units", "job_history", "opportunities")
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
    for (month, kind), n in Counter(zip(_months(moves.day).tolist(), moves.move_type.tolist(), strict=True)).items():
        counts[month][kind] += n
    fills = _fills(session, period, units)
    for month, internal in zip(_months(fills.filled).tolist(), fills.internal.tolist(), strict=True):
        c = counts[month]
        c["filled"] += 1
        c["internal"] += int(internal == 1)
        c["known"] += int(internal >= 0)
    return [TrendPoint(month=m, promotions=c["promotion"], laterals=c["lateral"], demotions=c["demotion"],
                       filled=c["filled"], filled_internally=c["internal"],
                       internal_fill_rate=core.internal_fill_rate(c["internal"], c["known"]))
            for m, c in counts.items()]


def _months(ordinals: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` of each date ordinal."""
    days = (np.asarray(ordinals, dtype=np.int64) - frames.EPOCH).astype("datetime64[D]")
    return np.datetime_as_string(days.astype("datetime64[M]"), unit="M")
