"""Pydantic models for applications and time releases."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Stage = Literal["submitted", "reviewing", "shortlisted", "interview", "offer", "selected", "rejected"]


class ApplyIn(BaseModel):
    note: str = Field(default="", max_length=5000)
    confidential: bool = Field(default=True, description="Keep it from your current manager until the offer stage.")


class MoveIn(BaseModel):
    to: Stage
    reason: str = Field(min_length=3, max_length=2000, description="Why; every decision carries its reason.")
    version: int = Field(description="The version you saw; a stale one is refused (409).")


class WithdrawIn(BaseModel):
    version: int
    reason: str = Field(default="", max_length=2000)


class ApplicationOut(BaseModel):
    id: int
    opportunity_id: int
    opportunity_title: str
    opportunity_type: str
    employee_id: int
    applicant: str
    status: str
    confidential: bool
    note: str | None
    decision_reason: str | None
    submitted_at: datetime | None
    version: int
    time_release: str | None = None


class TimeReleaseOut(BaseModel):
    id: int
    application_id: int
    applicant: str
    opportunity_title: str
    hours_per_week: int | None
    status: str
    reason: str | None


class TimeReleaseDecision(BaseModel):
    approve: bool
    reason: str = Field(min_length=3, max_length=2000)
