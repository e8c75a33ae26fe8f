"""Mentoring: mentor profiles, mentee requests, constraints and assignment results."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MentorIn(BaseModel):
    skills: dict[str, int] = Field(description="skill external id or label -> level they can teach (1–5)")
    capacity: int = Field(default=2, ge=0, le=50)
    languages: list[str] = []
    timezone: str | None = None
    active: bool = True


class RequestIn(BaseModel):
    goals: dict[str, float] = Field(description="skill external id or label -> weight")
    languages: list[str] = []
    timezone: str | None = None
    topics: str | None = None


class ConstraintOut(BaseModel):
    mentor: str
    mentee: str
    kind: str
    reason: str | None


class SharedSkill(BaseModel):
    skill_id: int
    label: str
    mentor_level: int


class PairOut(BaseModel):
    mentor: str
    mentor_name: str
    mentee: str
    mentee_name: str
    fit: float
    pinned: bool
    shared_skills: list[SharedSkill]
    languages: list[str]
    hours_apart: float | None


class AssignmentOut(BaseModel):
    mentors: int
    capacity: int
    mentees: int
    assigned: int
    unassigned: list[str]  # mentees with no allowed mentor left
    total_fit: float
    pairs: list[PairOut]
    dry_run: bool
