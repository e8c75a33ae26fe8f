"""JSON routes for matching. Thin: parse, call the service, return its schema. Shown results
are logged as recommendation events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from trellis.core.types import Filters
from trellis.matching import service
from trellis.matching.schemas import MatchList, MatchOut
from trellis.web.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["matching"])


@router.get("/employees/{external_id}/recommendations", response_model=MatchList)
def recommendations(external_id: str, session: SessionDep, settings: SettingsDep,
                    k: Annotated[int, Query(ge=1, le=200)] = 20,
                    type: Annotated[list[str] | None, Query(description="job, gig, project, mentorship")] = None,
                    remote_only: bool = False) -> MatchList:
    """Open opportunities that fit the employee, best first, each with its explanation."""
    filters = Filters(types=frozenset(type) if type else None, remote_only=remote_only)
    out = service.recommend(session, settings=settings, employee=external_id, k=k, filters=filters)
    service.record_shown(session, results=out, source="recommend", actor="api")
    return out


@router.get("/opportunities/{external_id}/candidates", response_model=MatchList)
def candidates(external_id: str, session: SessionDep, settings: SettingsDep,
               k: Annotated[int, Query(ge=1, le=500)] = 50) -> MatchList:
    """Internal candidates for an open opportunity, best first, each with its explanation."""
    out = service.candidates(session, settings=settings, opportunity=external_id, k=k)
    service.record_shown(session, results=out, source="candidates", actor="api")
    return out


@router.get("/match/explain", response_model=MatchOut)
def explain(employee: str, opportunity: str, session: SessionDep, settings: SettingsDep) -> MatchOut:
    """One pair in full: components, skills with re-scored gaps, and any rule that excludes it."""
    return service.explain(session, settings=settings, employee=employee, opportunity=opportunity)
