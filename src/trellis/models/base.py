"""Shared column helpers for the ORM models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, event, inspect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from trellis.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


_AWARE: dict[type, tuple[str, ...]] = {}


def _aware_columns(cls: type) -> tuple[str, ...]:
    if cls not in _AWARE:
        columns: Any = inspect(cls).column_attrs
        _AWARE[cls] = tuple(a.key for a in columns if isinstance(a.columns[0].type, DateTime)
                            and a.columns[0].type.timezone)
    return _AWARE[cls]


def _utc_on_load(target: Any, *_args: Any) -> None:
    """SQLite hands ``DateTime(timezone=True)`` columns back naive; every stored time is UTC, so
    loaded objects get aware values on every database (APIs then emit RFC 3339 with an offset)."""
    state = target.__dict__
    for key in _aware_columns(type(target)):
        value = state.get(key)
        if isinstance(value, datetime) and value.tzinfo is None:
            set_committed_value(target, key, value.replace(tzinfo=UTC))


event.listen(Base, "load", _utc_on_load, propagate=True)
event.listen(Base, "refresh", _utc_on_load, propagate=True)

__all__ = ["Base", "Timestamped", "utcnow"]
