"""The append-only audit and event log. Rows are only ever inserted: the ORM refuses updates and
deletes, and PostgreSQL/SQLite triggers refuse them in the database too (see the migration)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from trellis.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128), default="system")  # user id, "system", "cli"
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. import.employees, application.decide
    entity_type: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def _refuse(_mapper: Mapper[Any], _connection: Any, target: AuditEvent) -> None:
    raise PermissionError(f"audit event {target.id} is append-only")


event.listen(AuditEvent, "before_update", _refuse)
event.listen(AuditEvent, "before_delete", _refuse)
