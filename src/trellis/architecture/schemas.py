"""Pydantic models for job families and roles."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FamilyIn(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    description: str = Field(default="", max_length=5000)


class RoleIn(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    family_id: int | None = None
    level: int = Field(default=1, ge=1, le=10)
    is_critical: bool = False


class FamilyOut(BaseModel):
    id: int
    name: str
    roles: int


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    entity_type: str | None
    entity_id: str | None
    reason: str | None
