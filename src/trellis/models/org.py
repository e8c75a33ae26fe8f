"""Org units (a tree) and locations."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trellis.models.base import Base, Timestamped


class OrgUnit(Timestamped, Base):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    cost_center: Mapped[str | None] = mapped_column(String(64))

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])


class Location(Timestamped, Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))
