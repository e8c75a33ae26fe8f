"""Succession lists for critical roles."""

from __future__ import annotations

from pydantic import BaseModel


class SuccessorOut(BaseModel):
    employee: str
    name: str
    current_role: str | None
    level: int | None
    score: float  # 0–100 match of the role's requirements
    gap_levels: int  # levels missing on required skills
    band: str  # ready now | 1-2 years | 3+ years
    top_gaps: list[str]


class SuccessionOut(BaseModel):
    role: str
    title: str
    level: int
    critical: bool
    incumbents: int
    bench: dict[str, int]
    strength: str  # strong | moderate | weak
    successors: list[SuccessorOut]
