"""A person's saved marketplace searches: the filters, and whether new matches alert them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from trellis.models.base import Base, Timestamped, utcnow


class SavedSearch(Timestamped, Base):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # SearchFilters, as JSON
    alert: Mapped[bool] = mapped_column(Boolean, default=True)  # notify the owner of new matching openings
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # last looked at
