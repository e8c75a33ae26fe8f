"""Pydantic shapes of the linking contract (JSON Lines in and out)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LinkQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | int
    text: str = Field(max_length=20_000)
    title: str | None = Field(default=None, max_length=400)  # suggest-for-posting: the posting's title


class LinkedSkill(BaseModel):
    uri: str
    label: str
    score: float
    evidence: str = ""  # the words of the text (or the title's occupation) that carried the skill


class SkillLinks(BaseModel):
    id: str | int
    skills: list[LinkedSkill]
