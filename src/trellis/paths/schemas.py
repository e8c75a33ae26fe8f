"""Career paths, next moves, gap analysis and learning plans: what the service returns."""

from __future__ import annotations

from pydantic import BaseModel


class RoleRef(BaseModel):
    id: int
    external_id: str
    title: str
    level: int


class GapSkill(BaseModel):
    skill_id: int
    label: str
    required_level: int
    current_level: int
    levels_missing: int
    required: bool
    priority: float


class StepOut(BaseModel):
    source: RoleRef
    target: RoleRef
    move_type: str
    probability: float
    people: int  # how many people took this step
    share: float  # of the moves out of the source role
    similarity: float  # content similarity of the two roles
    months: float
    months_basis: str  # observed | source role | level default
    gap: list[GapSkill]
    reason: str  # the step in words: who made it, after how long, how much to learn


class PathOut(BaseModel):
    roles: list[RoleRef]
    steps: list[StepOut]
    probability: float
    months: float


class PathsOut(BaseModel):
    employee: str
    current_role: RoleRef
    target_role: RoleRef
    paths: list[PathOut]


class NextMovesOut(BaseModel):
    employee: str
    current_role: RoleRef
    moves: list[StepOut]


class CoverageOut(BaseModel):
    skill_id: int
    label: str
    from_level: int
    to_level: int
    required_level: int


class LearningItemOut(BaseModel):
    resource_id: int
    external_id: str
    title: str
    hours: float
    covers: list[CoverageOut]


class LearningPlanOut(BaseModel):
    items: list[LearningItemOut]
    hours: float
    covered: list[str]
    partly_covered: list[str]
    uncovered: list[str]


class GapOut(BaseModel):
    employee: str
    target: str  # role or opportunity title
    target_kind: str  # role | opportunity
    score: float  # 0–100 coverage of the requirements
    gap: list[GapSkill]
    learning_plan: LearningPlanOut


class EvalOut(BaseModel):
    movers: int
    held_out: int
    training_moves: int
    k: int
    share: float
    seed: int
    similarity: str  # content similarity blended into the graph: facets | requirements
    history: float  # share of the other moves kept for training
    hit_at_k: float  # blended career graph
    hit_at_k_observed_only: float  # ablation: observed moves only
    hit_at_k_content_only: float  # ablation: content similarity only
    hit_at_k_popularity: float  # baseline: most common destination roles
    mrr: float
    mrr_popularity: float
