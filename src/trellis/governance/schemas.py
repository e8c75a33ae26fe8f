"""What the governance service takes and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class CompanySettingOut(BaseModel):
    key: str
    value: Any
    default: Any
    description: str
    updated_at: datetime | None
    updated_by: str | None


class AiStatus(BaseModel):
    """Whether automated recommendations may be made (for a person, or company-wide); when not,
    ``reason`` says why in words a person can read."""

    allowed: bool
    reason: str | None = None
