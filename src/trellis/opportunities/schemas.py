"""Pydantic models for opportunities."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator

OpportunityType = Literal["job", "gig", "project", "mentorship"]
RemoteMode = Literal["onsite", "hybrid", "remote"]


class SkillRequirement(BaseModel):
    skill_id: int
    min_proficiency: int = Field(default=3, ge=1, le=5)
    required: bool = True


class OpportunityIn(BaseModel):
    type: OpportunityType = "job"
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(default="", max_length=20_000)
    role_id: int | None = None
    org_unit_id: int | None = None
    location_id: int | None = None
    remote: RemoteMode = "onsite"
    hours_per_week: int | None = Field(default=None, ge=1, le=60)
    duration_weeks: int | None = Field(default=None, ge=1, le=520)
    closes_on: date | None = None
    hiring_manager_id: int | None = Field(default=None, description="HR only; default: yourself.")
    skills: list[SkillRequirement] = Field(default_factory=list)


class SkillRequirementOut(SkillRequirement):
    label: str


class OpportunityOut(BaseModel):
    id: int
    external_id: str
    type: str
    title: str
    description: str | None
    status: str
    role_id: int | None
    role_title: str | None
    family: str | None
    location_id: int | None = None
    location: str | None
    org_unit_id: int | None = None
    remote: str
    hours_per_week: int | None
    duration_weeks: int | None
    hiring_manager_id: int | None
    hiring_manager: str | None
    posted_on: date | None
    closes_on: date | None
    skills: list[SkillRequirementOut]


class SearchFilters(BaseModel):
    q: str | None = Field(default=None, max_length=200)
    type: OpportunityType | None = None
    family_id: int | None = None
    location_id: int | None = None
    remote: RemoteMode | None = None
    max_hours: int | None = Field(default=None, ge=0)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """An empty form field (``?type=&family_id=``) means 'any'."""
        return None if isinstance(value, str) and not value.strip() else value


class CloseIn(BaseModel):
    filled: bool = False
    filled_by_id: int | None = None
    reason: str = Field(default="", max_length=2000)


class ReturnIn(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)
