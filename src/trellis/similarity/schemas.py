"""What the role-similarity service returns."""

from __future__ import annotations

from pydantic import BaseModel


class RelatedRole(BaseModel):
    id: str  # O*NET-SOC code, ESCO URI or company role external id
    score: float


class RelatedRoles(BaseModel):
    id: str
    label: str
    related: list[RelatedRole]


class RankingMetrics(BaseModel):
    queries: int
    covered: int
    recall_at_10: float
    map: float
    ndcg_at_10: float


class RelatedRolesEvaluation(BaseModel):
    data: str
    top: int
    ours: RankingMetrics
    baseline: RankingMetrics
    weights: dict[str, float]
