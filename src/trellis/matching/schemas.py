"""What the matching service returns: results with score, components, skills and reasons."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ComponentOut(BaseModel):
    name: str
    label: str
    value: float = Field(description="0–1 before weighting")
    weight: float
    points: float = Field(description="100 × weight × value; the points of all components add up to the score")
    text: str


class SkillOut(BaseModel):
    skill: str
    required_level: int
    required: bool
    have_level: float
    status: str = Field(description="matched | partial | missing")
    via: str | None = Field(default=None, description="the related skill that gave partial credit")
    score_if_added: float | None = Field(default=None, description="the score after adding this skill, re-scored")
    text: str


class RuleOut(BaseModel):
    rule: str
    text: str


class HiddenOut(BaseModel):
    rule: str
    text: str = Field(description="Why the rule keeps these openings out, written to the person.")
    count: int = Field(description="How many open opportunities it keeps out of the person's suggestions.")


class MatchOut(BaseModel):
    employee: str
    employee_name: str
    opportunity: str
    opportunity_title: str
    opportunity_type: str
    score: float
    eligible: bool
    components: list[ComponentOut]
    skills: list[SkillOut]
    reasons: list[str]
    excluded_by: list[RuleOut]


class MatchList(BaseModel):
    subject: str = Field(description="the employee (recommendations) or opportunity (candidates)")
    model_version: str
    results: list[MatchOut]
    notice: str | None = Field(default=None, description="Why there are no results, when automated "
                               "recommendations are switched off company-wide or the person opted out.")


class BatchSummary(BaseModel):
    people: int
    opportunities: int
    k: int
    seconds: float
    cluster: str | None
    rows: list[tuple[str, list[tuple[str, float]]]] = Field(default_factory=list)


class EvalReport(BaseModel):
    movers: int
    held_out: int
    hit_at_10: float
    baseline_hit_at_10: float
    mrr: float
    baseline_mrr: float
    share: float
    seed: int
    encoder: str
    seconds: float
