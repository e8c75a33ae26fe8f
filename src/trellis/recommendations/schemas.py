"""What the "For you" page and the shortlist show."""

from __future__ import annotations

from pydantic import BaseModel, Field

from trellis.matching.schemas import HiddenOut, MatchOut, SkillOut


class Recommended(BaseModel):
    opportunity_id: int
    match: MatchOut
    raise_by: list[SkillOut] = Field(description="Skills that would raise the score most, with the score after.")


class ForYou(BaseModel):
    opted_out: bool = Field(description="The person switched automated recommendations off.")
    model_version: str | None
    items: list[Recommended] = Field(description="Eligible openings scoring at least ``floor``, best first.")
    floor: float = Field(default=0.0, description="The lowest score worth suggesting; weaker matches are left out.")
    hidden: list[HiddenOut] = Field(default_factory=list,
                                    description="The rules that keep openings out, with how many each keeps out.")
    closest: Recommended | None = Field(default=None, description="When nothing reaches the floor: the best "
                                        "eligible opening below it, with what would raise it.")
    tips: list[str] = Field(default_factory=list, description="What the person could do to get better matches.")


class ShortlistEntry(BaseModel):
    employee_id: int
    applied: bool
    match: MatchOut
