"""Individual development plans: inputs and outputs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class PlanIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    target_role: str | None = None  # role external id
    opportunity: str | None = None  # opportunity external id
    goals: str | None = None
    target_date: date | None = None


class ItemIn(BaseModel):
    kind: Literal["course", "mentor", "goal"]
    resource: str | None = None  # learning resource external id, for a course
    mentor: str | None = None  # employee external id, for a mentor
    description: str | None = None
    due_date: date | None = None


class ItemOut(BaseModel):
    id: int
    kind: str
    title: str
    status: str
    hours: float | None
    due_date: date | None
    completed_at: datetime | None


class PlanOut(BaseModel):
    id: int
    owner: str
    title: str
    target_role: str | None
    opportunity: str | None
    goals: str | None
    target_date: date | None
    status: str
    items: list[ItemOut]
    done: int
    total: int
    progress: float  # share of items done, 0–1 (course items weighted by hours)


class SkillAdded(BaseModel):
    skill_id: int
    label: str
    level: int
    source: str
    status: str


class CompletedOut(BaseModel):
    plan: PlanOut
    skills_added: list[SkillAdded]
    skills_already_held: list[str]
