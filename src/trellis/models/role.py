"""The job architecture: job families, roles with levels, and each role's skill requirements."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped


class JobFamily(Timestamped, Base):
    __tablename__ = "job_families"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class Role(Timestamped, Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("job_families.id"), index=True)
    level: Mapped[int] = mapped_column(default=1)
    description: Mapped[str | None] = mapped_column(Text)
    occupation_id: Mapped[int | None] = mapped_column(ForeignKey("occupations.id", ondelete="SET NULL"))
    is_critical: Mapped[bool] = mapped_column(Boolean, default=False)

    family: Mapped[JobFamily | None] = relationship()
    requirements: Mapped[list[RoleSkill]] = relationship(
        back_populates="role", cascade="all, delete-orphan"
    )


class RoleSkill(Base):
    __tablename__ = "role_skills"
    __table_args__ = (
        UniqueConstraint("role_id", "skill_id"),
        CheckConstraint("min_proficiency BETWEEN 1 AND 5", name="min_proficiency_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    min_proficiency: Mapped[int] = mapped_column(default=3)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    role: Mapped[Role] = relationship(back_populates="requirements")
