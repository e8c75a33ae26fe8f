"""What the "For you" page and the shortlist show."""

from __future__ import annotations

from pydantic import BaseModel, Field

from trellis.applications.schemas import ApplicationOut
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


class ApplicantSkill(BaseModel):
    label: str
    proficiency: int
    verified: bool


class Applicant(BaseModel):
    """One application as its hiring manager (or HR) reviews it: who, how they match the posting
    and their skills."""

    application: ApplicationOut
    job_title: str | None
    match: MatchOut | None = Field(description="How they match the posting, in words about them; None when "
                                   "they switched off automated matching or the opening is not open.")
    no_match_reason: str | None = None
    skills: list[ApplicantSkill] = Field(description="Their accepted skills, strongest first (none shown when "
                                         "their profile is private and the reader is not HR).")
    profile_private: bool = False
