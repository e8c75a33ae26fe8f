"""What matching needs beyond the core HR tables: performance plans (an eligibility rule),
opportunity visibility restrictions, and the change log whose highest id is the matching
index version every web worker compares against."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trellis.models.base import Base, utcnow


class PerformancePlan(Base):
    """A performance improvement plan. While one is open (no ``closed_on``) the person is not
    recommended for job moves (when the rule is on)."""

    __tablename__ = "performance_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class OpportunityVisibility(Base):
    """Restricts an opportunity to people in an org unit (and below) or at a location. An
    opportunity without rows is visible to everyone."""

    __tablename__ = "opportunity_visibility"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))


class MatchingChange(Base):
    """One change that the matching index must pick up: a person or opportunity row to refresh,
    or everything (settings, taxonomy). ``max(id)`` is the index version."""

    __tablename__ = "matching_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    entity: Mapped[str] = mapped_column(String(16))  # employee | opportunity | all
    entity_id: Mapped[int | None]
