"""Saved marketplace searches: what a person saves and what they see."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from trellis.opportunities.schemas import SearchFilters


class SavedSearchIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    filters: SearchFilters
    alert: bool = True


class SavedSearchOut(BaseModel):
    id: int
    name: str
    filters: SearchFilters
    alert: bool
    seen_at: datetime
    matches: int  # open openings matching the filters now
    new: int  # of them, posted since the person last opened the search
    query: str  # the marketplace's query string for these filters
