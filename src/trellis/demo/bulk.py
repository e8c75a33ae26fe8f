"""Fast bulk writes for generated data: SQLAlchemy Core ``insert()`` with lists of dicts, in
chunks, with ids assigned by the caller (so that rows can point at each other before they are
written); PostgreSQL's sequences are moved past those ids afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

CHUNK = 5_000


def table_of(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def next_id(session: Session, model: Any) -> int:
    """The first free id of ``model``'s table."""
    return int(session.scalar(select(func.max(table_of(model).c.id))) or 0) + 1


def insert_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]], *, chunk: int = CHUNK) -> int:
    """Insert ``rows`` (dicts with the same keys) in chunks through one executemany each."""
    table = table_of(model)
    for start in range(0, len(rows), chunk):
        session.execute(insert(table), list(rows[start : start + chunk]))
    return len(rows)


def sync_sequences(session: Session, models: Iterable[Any]) -> None:
    """After inserting explicit ids, make PostgreSQL hand out ids above them (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = table_of(model).name
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        ))
