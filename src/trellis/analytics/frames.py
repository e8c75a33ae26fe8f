"""Bulk reads for the analytics services: each table a dashboard needs, read once as numpy
columns and shared by every call made with the same session (one request, one CLI command).

Why: the dashboards aggregate whole tables (10⁵ people, 10⁶ person-skills, 10⁵ job spells). The
database is fastest at a plain scan; SQLite's GROUP BY sorts every row and Python objects per row
cost more than the scan, so the scan's rows come back as columns of integers (on SQLite packed
into one text value per column by ``group_concat`` and parsed by numpy) and are grouped and
counted with numpy. Filters on a period stay in SQL.

Each load is kept for the session (``cache.memo``: forgotten whenever the session writes) and,
when the session opted in to the dashboards' cache, shared across requests while the tables it
reads keep their data version (``cache.shared``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Integer, Text, case, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from trellis.analytics.cache import MEMO, shared
from trellis.models import (
    Employee,
    EmployeeSkill,
    JobHistory,
    Opportunity,
    OpportunitySkill,
    RecommendationEvent,
    Role,
    RoleSkill,
)

EPOCH = 719163  # date(1970, 1, 1).toordinal()
MOVE_CODES = {"hire": 0, "promotion": 1, "lateral": 2, "demotion": 3, "exit": 4}  # other values: 5
MOVE_NAMES = np.array(["hire", "promotion", "lateral", "demotion", "exit", "other"], dtype=object)


class day_number(FunctionElement[int]):
    """Days since 1970-01-01 of a DATE column, computed in the database so that bulk reads can
    skip date objects (SQLite: julianday; PostgreSQL: date subtraction; others: EXTRACT(EPOCH ...))."""

    type = Integer()
    inherit_cache = True


@compiles(day_number)
def _day_number_default(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) / 86400) AS INTEGER)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"  # date - date: integer days


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


def ordinal(column: Any) -> Any:
    """The date's ordinal (``date.toordinal()``), computed in the database; NULL stays NULL."""
    return day_number(column) + EPOCH


def fetch_raw(session: Session, stmt: Any) -> list[Any]:
    """A bulk read straight from the DBAPI cursor, skipping SQLAlchemy's per-row objects and
    type processing: only for numbers, strings and NULLs (dates come back as the driver gives
    them)."""
    result = session.connection().execute(stmt)
    try:
        return list(result.cursor.fetchall()) if result.cursor is not None else []
    finally:
        result.close()


def fetch_array(session: Session, stmt: Any) -> np.ndarray:
    """A bulk numeric read into a float array (rows × columns); NULL becomes NaN."""
    return np.array(fetch_raw(session, stmt), dtype=np.float64).reshape(-1, len(stmt.selected_columns))


def fetch_columns(session: Session, stmt: Any, *, floats: tuple[int, ...] = ()) -> list[np.ndarray]:
    """One numpy array per selected column: int64 with NULL as -1, or float64 with NULL as NaN
    for the column positions in ``floats``; floats round-trip exactly. The rows travel as text:
    SQLite packs each column with ``group_concat`` (its aggregate loop feeds every aggregate the
    same row in turn), PostgreSQL each row's integers with ``concat_ws`` inside one ``string_agg``
    (and its floats in a second one, which the same aggregation step feeds the same rows)."""
    sub = stmt.subquery()
    n = len(sub.c)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        parts = [func.group_concat(case((c.is_(None), literal("nan")), else_=func.printf("%!.17g", c))
                                   if i in floats else func.coalesce(c, -1)) for i, c in enumerate(sub.c)]
        row = session.execute(select(*parts)).one()
        return [np.fromstring(row[i], dtype=np.float64 if i in floats else np.int64, sep=",") if row[i]
                else np.zeros(0, dtype=np.float64 if i in floats else np.int64) for i in range(n)]
    if dialect == "postgresql":  # float8 prints its shortest exact form (extra_float_digits >= 1)
        ints, reals = [i for i in range(n) if i not in floats], [i for i in range(n) if i in floats]
        cols = list(sub.c)
        packs = [func.string_agg(func.concat_ws(",", *(func.coalesce(cols[i], -1) for i in ints)), ",")]
        if reals:  # parsing floats is ten times slower than integers: a second aggregate, same rows
            packs.append(func.string_agg(func.concat_ws(",", *(func.coalesce(cast(cols[i], Text), "nan")
                                                              for i in reals)), ","))
        row = session.execute(select(*packs)).one()
        out: dict[int, np.ndarray] = {}
        for positions, packed, dtype in ((ints, row[0], np.int64), (reals, row[-1], np.float64)):
            if positions:
                flat = np.fromstring(packed, dtype=dtype, sep=",") if packed else np.zeros(0, dtype=dtype)
                out.update(zip(positions, flat.reshape(-1, len(positions)).T, strict=True))
        return [np.ascontiguousarray(out[i]) for i in range(n)]
    rows = fetch_raw(session, select(*[c if i in floats else func.coalesce(c, -1) for i, c in enumerate(sub.c)]))
    table = np.array(rows, dtype=np.float64).reshape(-1, n)
    return [table[:, i] if i in floats else table[:, i].astype(np.int64) for i in range(n)]


def by_id(ids: np.ndarray, values: np.ndarray, fill: float | int = -1) -> np.ndarray:
    """values laid out so that ``out[id]`` is the value of that id (``fill`` elsewhere)."""
    size = int(ids.max(initial=-1)) + 1
    out = np.full(size, fill, dtype=np.asarray(values).dtype if not isinstance(fill, float) else np.float64)
    out[ids] = values
    return out


def lookup(table: np.ndarray, keys: np.ndarray, fill: float | int = -1) -> np.ndarray:
    """table[keys] where keys fall inside the table, ``fill`` elsewhere (keys may be -1)."""
    k = np.asarray(keys, dtype=np.int64)
    ok = (k >= 0) & (k < table.shape[0])
    out = np.full(k.shape[0], fill, dtype=table.dtype if not isinstance(fill, float) else np.float64)
    out[ok] = table[k[ok]]
    return out


@dataclass(frozen=True)
class People:
    """Employees as columns in id order."""

    id: np.ndarray
    active: np.ndarray  # bool
    org_unit: np.ndarray  # -1: none
    role: np.ndarray  # -1: none
    manager: np.ndarray  # -1: none
    hire_day: np.ndarray  # date ordinal, NaN unknown


def people(session: Session) -> People:
    def build() -> People:
        e = Employee
        ids, active, unit, role, manager, hired = fetch_columns(session, select(
            e.id, case((e.status == "active", 1), else_=0), e.org_unit_id, e.role_id, e.manager_id,
            ordinal(e.hire_date)).order_by(e.id))
        return People(ids, active.astype(bool), unit, role, manager, np.where(hired < 0, np.nan, hired))

    return shared(session, ("people",), ("employees",), build)


@dataclass(frozen=True)
class History:
    """Job history spells as columns, sorted by employee, start day and id, with each spell's
    previous spell (the last one that started on an earlier day; -1 for none)."""

    id: np.ndarray
    employee: np.ndarray
    start: np.ndarray  # date ordinals
    end: np.ndarray  # date ordinals, -1 open
    move: np.ndarray  # MOVE_CODES
    org_unit: np.ndarray
    role: np.ndarray
    previous: np.ndarray  # row index of the previous spell, -1 none


def history(session: Session) -> History:
    def build() -> History:
        j = JobHistory
        code = case({k: v for k, v in MOVE_CODES.items()}, value=j.move_type, else_=5)
        ids, emp, start, end, move, unit, role = fetch_columns(session, select(
            j.id, j.employee_id, ordinal(j.start_date), ordinal(j.end_date), code, j.org_unit_id, j.role_id))
        order = np.lexsort((ids, start, emp))
        ids, emp, start, end, move, unit, role = (a[order] for a in (ids, emp, start, end, move, unit, role))
        n = ids.shape[0]
        new_group = np.ones(n, dtype=bool)  # first row of each (employee, start day) run
        new_group[1:] = (emp[1:] != emp[:-1]) | (start[1:] != start[:-1])
        group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
        previous = group_start - 1
        previous[(previous < 0) | (emp[np.maximum(previous, 0)] != emp)] = -1
        return History(ids, emp, start, end, move, unit, role, previous)

    return shared(session, ("history",), ("job_history",), build)


def roles(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """Job family (0 none) and level of each role, indexed by role id."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        ids, family, level = fetch_columns(session, select(Role.id, func.coalesce(Role.family_id, 0), Role.level))
        return by_id(ids, family, 0), by_id(ids, level, 0)

    return shared(session, ("roles",), ("roles",), build)


Triple = tuple[np.ndarray, np.ndarray, np.ndarray]


def _triple(session: Session, name: str, tables: tuple[str, ...], stmt: Any) -> Triple:
    def build() -> Triple:
        first, second, third = fetch_columns(session, stmt)
        return first, second, third

    return shared(session, (name,), tables, build)


def role_skills(session: Session) -> Triple:
    """(role id, skill id, minimum proficiency) of every role requirement."""
    return _triple(session, "role_skills", ("role_skills",),
                   select(RoleSkill.role_id, RoleSkill.skill_id, RoleSkill.min_proficiency))


def person_skills(session: Session) -> Triple:
    """(employee id, skill id, proficiency) of every accepted person-skill."""
    return _triple(session, "person_skills", ("employee_skills",),
                   select(EmployeeSkill.employee_id, EmployeeSkill.skill_id, EmployeeSkill.proficiency)
                   .where(EmployeeSkill.status == "accepted"))


def open_opportunity_skills(session: Session) -> Triple:
    """(org unit -1 none, skill id, minimum proficiency) of every skill asked by an open opportunity."""
    return _triple(session, "open_opportunity_skills", ("opportunities", "opportunity_skills"),
                   select(Opportunity.org_unit_id, OpportunitySkill.skill_id, OpportunitySkill.min_proficiency)
                   .join(Opportunity, Opportunity.id == OpportunitySkill.opportunity_id)
                   .where(Opportunity.status == "open"))


def opportunity_units(session: Session) -> np.ndarray:
    """Each opportunity's org unit (-1 none), indexed by opportunity id."""
    def build() -> np.ndarray:
        ids, units = fetch_columns(session, select(Opportunity.id, Opportunity.org_unit_id))
        return by_id(ids, units)

    return shared(session, ("opportunity_units",), ("opportunities",), build)


@dataclass(frozen=True)
class Pairs:
    """Recommendation events of a period grouped by person × opportunity, in (employee,
    opportunity) order: the furthest stage reached (index into the stages) and, when asked
    for, the best score when shown (NaN if none); ``shown_by`` lists the people shown anything."""

    employee: np.ndarray
    opportunity: np.ndarray
    stage: np.ndarray
    score: np.ndarray | None
    shown_by: np.ndarray


def event_pairs(session: Session, *, lo: Any, hi: Any, stages: tuple[str, ...], scores: bool = False) -> Pairs:
    """Scores cost a third of the read (printed exactly, parsed back), so only the audit asks."""
    ev = RecommendationEvent

    def build() -> Pairs:
        rank = case({k: i for i, k in enumerate(stages)}, value=ev.kind)
        columns = [ev.employee_id, ev.opportunity_id, rank]
        if scores:
            columns.append(case((ev.kind == stages[0], ev.score), else_=None))
        emp, opp, stage, *score = fetch_columns(
            session, select(*columns).where(ev.at >= lo, ev.at < hi, ev.kind.in_(stages)), floats=(3,))
        width = int(opp.max(initial=0)) + 1
        keys, inverse = np.unique(emp * width + opp, return_inverse=True)
        best = np.full(keys.shape[0], -1, dtype=np.int64)
        np.maximum.at(best, inverse, stage)
        top = None
        if scores:
            top = np.full(keys.shape[0], np.nan)
            np.fmax.at(top, inverse, score[0])
        return Pairs(keys // width, keys % width, best, top, np.unique(emp[stage == 0]))

    if not scores and ("event_pairs", lo, hi, stages, True) in session.info.get(MEMO, {}):
        return event_pairs(session, lo=lo, hi=hi, stages=stages, scores=True)
    return shared(session, ("event_pairs", lo, hi, stages, scores), ("recommendation_events",), build)
