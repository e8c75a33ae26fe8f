"""The marketplace: opportunities (jobs, gigs, projects, mentorships) and applications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped

OPPORTUNITY_TYPES = ("job", "gig", "project", "mentorship")
OPPORTUNITY_STATUSES = ("draft", "pending_approval", "open", "closed", "filled")
REMOTE_MODES = ("onsite", "hybrid", "remote")
APPLICATION_STATUSES = (
    "submitted", "reviewing", "shortlisted", "interview", "offer", "selected", "rejected", "withdrawn"
)


class Opportunity(Timestamped, Base):
    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(16), default="job", index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    remote: Mapped[str] = mapped_column(String(16), default="onsite")
    hours_per_week: Mapped[int | None]
    duration_weeks: Mapped[int | None]
    hiring_manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), default="draft", index=True)
    posted_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    filled_on: Mapped[date | None] = mapped_column(Date)
    filled_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    filled_internally: Mapped[bool | None] = mapped_column(Boolean)

    skills: Mapped[list[OpportunitySkill]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan"
    )


class OpportunitySkill(Base):
    __tablename__ = "opportunity_skills"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "skill_id"),
        CheckConstraint("min_proficiency BETWEEN 1 AND 5", name="min_proficiency_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    min_proficiency: Mapped[int] = mapped_column(default=3)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    opportunity: Mapped[Opportunity] = relationship(back_populates="skills")


class Application(Timestamped, Base):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("opportunity_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
