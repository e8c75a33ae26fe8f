"""What extraction returns and what a person decides about a suggestion."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

DocumentKind = Literal["cv", "job"]


class SkillSuggestion(BaseModel):
    skill_id: int
    uri: str = Field(description="The taxonomy id or URI of the skill.")
    label: str = Field(description="The skill's preferred label.")
    surface: str = Field(description="The words in the text that name the skill.")
    start: int = Field(description="Character offset where the first mention starts.")
    end: int = Field(description="Character offset where the first mention ends.")
    mentions: int = 1
    confidence: float = Field(ge=0, le=1)
    suggested_level: int | None = Field(default=None, ge=1, le=5)
    evidence: str = Field(description="The sentence around the first mention.")


class PendingSkill(BaseModel):
    skill_id: int
    label: str
    proficiency: int
    evidence: str | None
    status: str
