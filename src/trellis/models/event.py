"""The append-only audit and event log. Rows are only ever inserted: the ORM refuses updates and
deletes, and PostgreSQL/SQLite triggers refuse them in the database too (see the migration)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, Text, event
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


class RecommendationEvent(Base):
    """One step of the matching funnel for one person and one opportunity: an automated
    recommendation shown, opened, applied to, shortlisted, selected, rejected... with the score
    and its components at that moment. Feeds fairness audits and, later, learning-to-rank."""

    __tablename__ = "recommendation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    # shown | opened | applied | shortlisted | selected | rejected | withdrawn
    kind: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(16), default="recommend")  # recommend | candidates | search
    rank: Mapped[int | None]
    score: Mapped[float | None] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    model_version: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(128))
