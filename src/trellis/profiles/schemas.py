"""Pydantic models for a person's profile: skills, aspirations and preferences, visibility."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints


class SkillHit(BaseModel):
    id: int
    label: str
    matched: str = Field(description="The label or alternative label that matched.")


class ProfileSkill(BaseModel):
    skill_id: int
    label: str
    proficiency: int
    source: str
    status: str
    verified: bool


class Suggestion(BaseModel):
    """A skill suggested from a CV (or a completed course), kept apart from the profile until
    the person accepts it."""

    skill_id: int
    label: str
    suggested_level: int | None = Field(description="The level the words suggest; None: they say nothing "
                                        "about it, and the person chooses one as they accept.")
    evidence: str | None = Field(description="The words the suggestion was found in.")
    status: str = "pending"


class SkillIn(BaseModel):
    skill_id: int | None = None
    label: str | None = Field(default=None, max_length=400,
                              description="Used when skill_id is absent: an exact label or alias.")
    proficiency: int = Field(default=3, ge=1, le=5)


class PreferencesIn(BaseModel):
    interests: list[Annotated[str, StringConstraints(max_length=100)]] = Field(default_factory=list, max_length=30)
    target_role_ids: list[int] = Field(default_factory=list, max_length=10)
    open_to_jobs: bool = True
    open_to_gigs: bool = True
    open_to_mentoring: bool = False
    remote: Literal["onsite", "hybrid", "remote", "any"] = "any"
    relocation: bool = False
    gig_hours_per_week: int = Field(default=0, ge=0, le=40)
    visibility: Literal["company", "managers", "private"] = "company"
    ai_opt_out: bool = Field(default=False, description="No automated recommendations for me, and keep me off "
                             "automated candidate lists; the marketplace and search work as usual.")


class ProfileOut(BaseModel):
    employee_id: int
    name: str
    job_title: str | None
    manager: str | None
    skills: list[ProfileSkill]
    preferences: PreferencesIn
