"""What the audit trail takes and returns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class AuditQuery(BaseModel):
    """Filters for a search; every one is optional and they combine with AND.

    ``action`` matches an action exactly or as a dotted prefix (``application`` finds
    ``application.decide``); ``entity`` is a type (``employee``) or a type and id (``employee:42``);
    ``text`` is a case-insensitive substring of the actor, action, entity id, reason or data."""

    model_config = ConfigDict(extra="forbid")

    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)

    @field_validator("since", "until", mode="before")
    @classmethod
    def _blank_date_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("actor", "action", "entity", "text")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime = Field(description="When, in UTC (RFC 3339 with offset).")
    actor: str
    action: str
    entity_type: str | None
    entity_id: str | None
    reason: str | None
    data: dict[str, Any]


    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """SQLite hands back naive timestamps; every stored timestamp is UTC."""
        return value if value.tzinfo else value.replace(tzinfo=UTC)


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))
