"""Mentoring: mentor profiles (what they can teach, capacity, languages, time zone), mentee
requests (goal skills, languages), proposed/active pairs with their explanation, and the pins and
forbids an HR admin sets before an assignment run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped

PAIR_STATUSES = ("proposed", "active", "ended", "declined")
CONSTRAINT_KINDS = ("pin", "forbid")


class MentorProfile(Timestamped, Base):
    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), unique=True)
    capacity: Mapped[int] = mapped_column(default=2)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name, e.g. Europe/Berlin
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    bio: Mapped[str | None] = mapped_column(Text)

    skills: Mapped[list[MentorSkill]] = relationship(back_populates="profile", cascade="all, delete-orphan")


class MentorSkill(Base):
    __tablename__ = "mentor_skills"
    __table_args__ = (UniqueConstraint("profile_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(default=4)

    profile: Mapped[MentorProfile] = relationship(back_populates="skills")


class MenteeRequest(Timestamped, Base):
    """A person asking for a mentor: the skills/topics they want to grow, in which languages."""

    __tablename__ = "mentee_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    topics: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | matched | closed

    goals: Mapped[list[MenteeGoal]] = relationship(back_populates="request", cascade="all, delete-orphan")


class MenteeGoal(Base):
    __tablename__ = "mentee_goals"
    __table_args__ = (UniqueConstraint("request_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("mentee_requests.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    request: Mapped[MenteeRequest] = relationship(back_populates="goals")


class MentoringPair(Timestamped, Base):
    __tablename__ = "mentoring_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("mentee_requests.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    fit: Mapped[float] = mapped_column(Float, default=0.0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MentoringConstraint(Timestamped, Base):
    """An HR admin's pin (this pair must be made) or forbid (this pair must never be made)."""

    __tablename__ = "mentoring_constraints"
    __table_args__ = (UniqueConstraint("mentor_id", "mentee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pin | forbid
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128), default="system")
