"""Bulk upsert by key: compare the file's rows with what the database holds (loaded in one
query), then insert the new rows and update the changed ones in batches (executemany), leaving
unchanged rows untouched so that re-importing a file is a no-op."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from trellis.imports.context import ImportContext

BATCH = 5_000


@dataclass
class TablePlan:
    """Writes for one table. ``self_ref`` names a column pointing into the same table (manager,
    parent) whose values are external ids, written after the inserts in a second pass."""

    model: Any
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)
    self_ref: str | None = None
    self_links: list[tuple[str, str | None]] = field(default_factory=list)  # (external_id, target external id)
    unchanged: int = 0

    @property
    def touched_keys(self) -> int:
        return len(self.creates) + len(self.updates)


def load_existing(session: Session, model: Any, columns: list[str], *,
                  key: Callable[[dict[str, Any]], Any]) -> dict[Any, dict[str, Any]]:
    """Current values of ``columns`` (plus ``id``) for every row, keyed by ``key(row)``."""
    cols = [model.id, *(getattr(model, c) for c in columns)]
    out: dict[Any, dict[str, Any]] = {}
    for row in session.execute(select(*cols)):
        values = dict(row._mapping)
        out[key(values)] = values
    return out


def diff(plan: TablePlan, key: Any, values: dict[str, Any], existing: dict[Any, dict[str, Any]]) -> bool:
    """Queue ``values`` as an insert or an update of the row at ``key``; returns whether it changes."""
    current = existing.get(key)
    if current is None:
        plan.creates.append(values)
        return True
    if any(current.get(col) != val for col, val in values.items()):
        plan.updates.append({**values, "id": current["id"]})
        return True
    return False


MAX_LEVELS = 64


def write(ctx: ImportContext, plan: TablePlan, *, stage: str) -> None:
    """Apply ``plan`` with Core executemany statements. New rows of a self-referencing table
    (employees, org units) are inserted level by level, managers before their reports, so that
    each row is written once with its link; only links of rows already in the database (and of
    pathologically deep chains) take a second, update pass."""
    session, table = ctx.session, plan.model.__table__
    total = len(plan.creates) + len(plan.updates) + len(plan.deletes) + len(plan.self_links)
    done = 0

    def batches(rows: list[Any], run: Callable[[list[Any]], object]) -> None:
        nonlocal done
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            run(chunk)
            done += len(chunk)
            ctx.progress(stage, done, total)

    links = plan.self_links
    if plan.self_ref and plan.creates:
        links = _insert_by_level(session, table, plan, batches)
    else:
        batches(plan.creates, lambda chunk: session.execute(insert(table), chunk))
    batches(plan.updates, lambda chunk: _update_by_id(session, table, chunk))
    batches(plan.deletes, lambda pks: session.execute(delete(table).where(table.c.id.in_(pks))))
    if plan.self_ref and links:
        ids: dict[str, int] = dict(session.execute(select(table.c.external_id, table.c.id)).all())
        rows = [{"id": ids[ext], plan.self_ref: ids[target] if target else None} for ext, target in links]
        batches(rows, lambda chunk: _update_by_id(session, table, chunk))
    ctx.progress(stage, total, total)


Batches = Callable[[list[Any], Callable[[list[Any]], object]], None]


def _insert_by_level(session: Session, table: Any, plan: TablePlan, batches: Batches) -> list[tuple[str, str | None]]:
    """Insert ``plan.creates`` top-down with their self-reference set; returns the links left
    for the update pass."""
    assert plan.self_ref is not None
    column = plan.self_ref
    parent_of = dict(plan.self_links)
    new = {v["external_id"] for v in plan.creates}
    depth: dict[str, int] = {}
    for ext in new:
        path, node = [], ext
        while node not in depth:
            parent = parent_of.get(node)
            if parent is None or parent not in new:
                depth[node] = 0
                break
            path.append(node)
            node = parent
        level = depth[node]
        for member in reversed(path):
            level += 1
            depth[member] = level
    ids: dict[str, int] = {}
    wanted = {t for t in parent_of.values() if t is not None}  # ids to look up: the parents only

    def learn_ids(externals: list[str]) -> None:
        needed = [ext for ext in externals if ext in wanted]
        for start in range(0, len(needed), BATCH):
            ids.update(session.execute(select(table.c.external_id, table.c.id)
                                       .where(table.c.external_id.in_(needed[start : start + BATCH]))).all())

    learn_ids(sorted(wanted - new))
    levels: dict[int, list[dict[str, Any]]] = {}
    for values in plan.creates:
        levels.setdefault(min(depth[values["external_id"]], MAX_LEVELS), []).append(values)
    for level in sorted(levels):
        # plain executemany, no RETURNING: psycopg takes ~3x longer on multi-row RETURNING statements
        rows = [{**v, column: None if level == MAX_LEVELS else _target(ids, parent_of.get(v["external_id"]))}
                for v in levels[level]]
        batches(rows, lambda chunk: session.execute(insert(table), chunk))
        learn_ids([v["external_id"] for v in levels[level]])
    return [(ext, t) for ext, t in plan.self_links if ext not in new or depth[ext] >= MAX_LEVELS]


def _target(ids: dict[str, int], target: str | None) -> int | None:
    return ids[target] if target is not None else None


def _update_by_id(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """``UPDATE table SET ... WHERE id = ?`` as one executemany per set of columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(k for k in row if k != "id")), []).append(row)
    for columns, group in by_columns.items():
        stmt = (update(table).where(table.c.id == bindparam("b_id"))
                .values({c: bindparam(f"b_{c}") for c in columns}))
        session.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in group])


@dataclass
class Prepared:
    """A validated import, ready to write: the counts it will produce and the write steps, run
    in order (later steps may look up ids that earlier steps created)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    steps: list[Callable[[], None]] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def outcome(is_new: bool, changed: bool) -> str:
    return "created" if is_new else ("updated" if changed else "unchanged")
