"""What a demo build reports."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class DemoSummary(BaseModel):
    employees: int
    seed: int
    as_of: date
    replaced: int  # employees wiped before building (0 unless --replace)
    rows: dict[str, int]  # table -> rows written
    seconds: float
