"""What the taxonomy service returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ImportResult(BaseModel):
    taxonomy_id: int
    source: str
    version: str
    skills: int
    occupations: int
    skill_relations: int
    occupation_skills: int
    replaced: bool  # the same (source, version) was there before and has been replaced
    skipped: dict[str, int] = {}
    seconds: float


class TaxonomySummary(BaseModel):
    id: int
    source: str
    version: str
    name: str
    active: bool
    imported_at: datetime
    skills: int
    occupations: int
    occupation_skills: int
