"""One page of a longer list, as every list in the services and the API returns it."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PER_PAGE = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def clamp(page: int, per_page: int) -> tuple[int, int]:
    return max(1, page), min(max(1, per_page), MAX_PER_PAGE)


def count_of(session: Session, stmt: Select[Any]) -> int:
    """Rows the statement would return, ignoring its ordering and limits."""
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
