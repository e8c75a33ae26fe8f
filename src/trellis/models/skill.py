"""Taxonomies, skills and the links between skills; reference occupations from ESCO / O*NET."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped, utcnow


class Taxonomy(Base):
    """One imported release: ESCO 1.1.1, O*NET 29.3, the company's own library, ..."""

    __tablename__ = "taxonomies"
    __table_args__ = (UniqueConstraint("source", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))  # esco | onet | company | trellis
    version: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Skill(Timestamped, Base):
    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("taxonomy_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomies.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(255))  # URI or code
    preferred_label: Mapped[str] = mapped_column(String(400), index=True)
    alt_labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    # skill | knowledge | technology | competence | group | language | ...
    skill_type: Mapped[str] = mapped_column(String(32), default="skill")
    group: Mapped[str | None] = mapped_column(String(200))

    taxonomy: Mapped[Taxonomy] = relationship()


class SkillRelation(Base):
    """A directed link between two skills: ``broader`` (source is narrower than target) or
    ``related`` (with an optional strength)."""

    __tablename__ = "skill_relations"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "relation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(32))  # broader | related | essential | optional
    strength: Mapped[float | None] = mapped_column(Float)


class Occupation(Base):
    """A reference role from a public taxonomy (ESCO occupation, O*NET-SOC occupation)."""

    __tablename__ = "occupations"
    __table_args__ = (UniqueConstraint("taxonomy_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomies.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(255))  # URI or O*NET-SOC code
    code: Mapped[str | None] = mapped_column(String(32))  # ISCO group / SOC code
    title: Mapped[str] = mapped_column(String(400))
    alt_titles: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    job_zone: Mapped[int | None]
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # tasks, reported titles, ...


class OccupationSkill(Base):
    __tablename__ = "occupation_skills"
    __table_args__ = (UniqueConstraint("occupation_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16), default="essential")  # essential | optional
    importance: Mapped[float | None] = mapped_column(Float)
    level: Mapped[float | None] = mapped_column(Float)
