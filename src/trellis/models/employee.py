"""Employees, their skills, aspirations and preferences, job history, and (apart) protected
attributes, which matching never reads."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped

EMPLOYMENT_TYPES = ("full_time", "part_time", "contractor", "intern", "temporary")
EMPLOYEE_STATUSES = ("active", "leave", "terminated")
SKILL_SOURCES = ("self", "manager", "inferred", "assessed")
SKILL_STATUSES = ("accepted", "pending", "rejected")
MOVE_TYPES = ("hire", "promotion", "lateral", "demotion", "exit")


class Employee(Timestamped, Base):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    work_email: Mapped[str] = mapped_column(String(320), unique=True)
    job_title: Mapped[str | None] = mapped_column(String(200))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"), index=True)
    level: Mapped[int | None]
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    hire_date: Mapped[date | None] = mapped_column(Date)
    employment_type: Mapped[str] = mapped_column(String(16), default="full_time")
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)

    manager: Mapped[Employee | None] = relationship(remote_side=[id])
    skills: Mapped[list[EmployeeSkill]] = relationship(
        back_populates="employee", cascade="all, delete-orphan", foreign_keys="EmployeeSkill.employee_id"
    )


class EmployeeSkill(Timestamped, Base):
    __tablename__ = "employee_skills"
    __table_args__ = (
        UniqueConstraint("employee_id", "skill_id"),
        CheckConstraint("proficiency BETWEEN 1 AND 5", name="proficiency_range"),
        Index("ix_employee_skills_updated_at", "updated_at"),  # the analytics cache's version check
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    proficiency: Mapped[int] = mapped_column(default=3)
    source: Mapped[str] = mapped_column(String(16), default="self")
    status: Mapped[str] = mapped_column(String(16), default="accepted")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    # a pending suggestion from a document: the level its words suggest (None: they say nothing
    # about it, and the person chooses one as they accept the skill)
    suggested_level: Mapped[int | None]

    employee: Mapped[Employee] = relationship(back_populates="skills", foreign_keys=[employee_id])


class Preferences(Timestamped, Base):
    """Aspirations and mobility preferences, one row per employee."""

    __tablename__ = "preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), unique=True)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    open_to_jobs: Mapped[bool] = mapped_column(Boolean, default=True)
    open_to_gigs: Mapped[bool] = mapped_column(Boolean, default=True)
    open_to_mentoring: Mapped[bool] = mapped_column(Boolean, default=False)
    location_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    remote: Mapped[str] = mapped_column(String(16), default="any")  # onsite | hybrid | remote | any
    relocation: Mapped[bool] = mapped_column(Boolean, default=False)
    gig_hours_per_week: Mapped[int] = mapped_column(default=0)
    visibility: Mapped[str] = mapped_column(String(16), default="company")  # company | managers | private
    ai_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)


class TargetRole(Base):
    __tablename__ = "target_roles"
    __table_args__ = (UniqueConstraint("employee_id", "role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    priority: Mapped[int] = mapped_column(default=1)


class JobHistory(Base):
    __tablename__ = "job_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    move_type: Mapped[str] = mapped_column(String(16), default="hire")


class ProtectedAttributes(Base):
    """Demographics for fairness audits only. Never joined by matching; HR auditors only."""

    __tablename__ = "protected_attributes"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), unique=True)
    sex: Mapped[str | None] = mapped_column(String(32))
    race_ethnicity: Mapped[str | None] = mapped_column(String(64))
    birth_year: Mapped[int | None]
    disability: Mapped[str | None] = mapped_column(String(32))
