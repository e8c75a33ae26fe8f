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


def write(ctx: ImportContext, plan: TablePlan, *, stage: str) -> None:
    """Apply ``plan`` with Core executemany statements: inserts, updates, deletes, then the
    self-references (which may point at rows inserted just before)."""
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

    batches(plan.creates, lambda chunk: session.execute(insert(table), chunk))
    batches(plan.updates, lambda chunk: _update_by_id(session, table, chunk))
    batches(plan.deletes, lambda pks: session.execute(delete(table).where(table.c.id.in_(pks))))
    if plan.self_ref and plan.self_links:
        ids: dict[str, int] = dict(session.execute(select(table.c.external_id, table.c.id)).all())
        links = [{"id": ids[ext], plan.self_ref: ids[target] if target else None} for ext, target in plan.self_links]
        batches(links, lambda chunk: _update_by_id(session, table, chunk))
    ctx.progress(stage, total, total)


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
