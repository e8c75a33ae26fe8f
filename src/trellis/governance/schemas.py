"""What the governance service takes and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class CompanySettingOut(BaseModel):
    key: str
    value: Any
    default: Any
    description: str
    updated_at: datetime | None
    updated_by: str | None
    label: str = ""
    group: str = "ai"
    kind: str = "bool"  # bool, int or float
    minimum: float | None = None
    maximum: float | None = None
    overridden: bool = False  # a company value is stored (else the default applies)


class WeightShare(BaseModel):
    """One score component's weight as set, and its share of the score once weights are normalised."""

    key: str
    label: str
    weight: float
    share: float  # 0–1; the shares add up to 1


class MatchingConfigOut(BaseModel):
    """The matching knobs in effect: each with its value, default, bounds and last change; the
    normalised weights; and the model version recommendations are logged with."""

    model_version: str
    settings: list[CompanySettingOut]
    weights: list[WeightShare]


class MatchingConfigIn(BaseModel):
    """Change matching knobs at once (all or nothing). ``null`` resets a knob to its default."""

    values: dict[str, Any] = Field(description='e.g. {"matching.weight_semantic": 0.2, '
                                               '"matching.max_levels_up": null}')
    reason: str = Field(min_length=1, max_length=2000, description="Why (kept in the audit trail).")


class AiStatus(BaseModel):
    """Whether automated recommendations may be made (for a person, or company-wide); when not,
    ``reason`` says why in words a person can read."""

    allowed: bool
    reason: str | None = None
