"""The learning catalogue: courses and other resources, and the skills each teaches."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped


class LearningResource(Timestamped, Base):
    __tablename__ = "learning_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    format: Mapped[str] = mapped_column(String(32), default="course")  # course | book | video | workshop
    hours: Mapped[float] = mapped_column(Float, default=1.0)
    description: Mapped[str | None] = mapped_column(Text)

    skills: Mapped[list[LearningSkill]] = relationship(back_populates="resource", cascade="all, delete-orphan")


class LearningSkill(Base):
    __tablename__ = "learning_skills"
    __table_args__ = (UniqueConstraint("resource_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("learning_resources.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    level: Mapped[int] = mapped_column(default=2)  # proficiency the resource brings a learner to

    resource: Mapped[LearningResource] = relationship(back_populates="skills")
