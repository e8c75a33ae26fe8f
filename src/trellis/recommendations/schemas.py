"""What the "For you" page and the shortlist show."""

from __future__ import annotations

from pydantic import BaseModel, Field

from trellis.matching.schemas import MatchOut, SkillOut


class Recommended(BaseModel):
    opportunity_id: int
    match: MatchOut
    raise_by: list[SkillOut] = Field(description="Skills that would raise the score most, with the score after.")


class ForYou(BaseModel):
    opted_out: bool = Field(description="The person switched automated recommendations off.")
    model_version: str | None
    items: list[Recommended]


class ShortlistEntry(BaseModel):
    employee_id: int
    applied: bool
    match: MatchOut
