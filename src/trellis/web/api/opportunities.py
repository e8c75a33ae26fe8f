"""Opportunities: search, read, post, edit, submit, approve/return, close; apply; applicants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from pydantic import BaseModel, Field

from trellis.accounts.permissions import Actor
from trellis.applications import service as applications
from trellis.applications.schemas import ApplicationOut, ApplyIn
from trellis.extraction.schemas import SkillSuggestion
from trellis.opportunities import service as opportunities
from trellis.opportunities.schemas import CloseIn, OpportunityIn, OpportunityOut, ReturnIn, SearchFilters
from trellis.pagination import Page
from trellis.profiles import service as profiles
from trellis.recommendations import service as recommendations
from trellis.recommendations.schemas import Recommended, ShortlistEntry
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.writes import write_apart

router = APIRouter(prefix="/opportunities", tags=["opportunities"])


@router.get("")
def search(session: SessionDep, filters: Annotated[SearchFilters, Query()], page: int = 1, per_page: int = 20,
           actor: Actor = Permit("marketplace.browse")) -> Page[OpportunityOut]:
    return opportunities.search_opportunities(session, filters=filters, page=page, per_page=per_page)


class TextIn(BaseModel):
    text: str = Field(default="", max_length=100_000)
    title: str | None = Field(default=None, max_length=400)


@router.post("/suggest-skills")
def suggest_skills(data: TextIn, session: SessionDep, settings: SettingsDep,
                   actor: Actor = Permit("opportunity.manage")) -> list[SkillSuggestion]:
    """Skills for a posting, with evidence, for the poster to review and edit: those of the
    occupations its title names, blended with those its description mentions or describes."""
    return profiles.suggest_for_text(session, text=data.text, title=data.title, data_dir=settings.data_dir)


@router.get("/{opportunity_id}")
def read(opportunity_id: int, session: SessionDep, actor: Actor = Permit("marketplace.browse")) -> OpportunityOut:
    return opportunities.to_out(session, opportunities.get_opportunity(session, actor=actor,
                                                                       opportunity_id=opportunity_id))


@router.get("/{opportunity_id}/match")
def match(opportunity_id: int, session: SessionDep, settings: SettingsDep,
          actor: Actor = Permit("recommendations.view")) -> Recommended | None:
    """How the caller matches one open opportunity (null if they opted out or it is not open)."""
    return recommendations.explain_for(session, settings=settings, actor=actor, opportunity_id=opportunity_id)


@router.get("/{opportunity_id}/shortlist")
def shortlist(request: Request, opportunity_id: int, session: SessionDep, settings: SettingsDep,
              background: BackgroundTasks, k: int = 20,
              actor: Actor = Permit("candidates.view")) -> list[ShortlistEntry]:
    """Internal candidates for an open opening, with explanations (hiring manager or HR)."""
    found = recommendations.shortlist(session, settings=settings, actor=actor, opportunity_id=opportunity_id,
                                      k=min(max(k, 1), 100))
    background.add_task(write_apart, request.app.state, recommendations.record_shown,
                        shown=[(e.employee_id, opportunity_id, e.match) for e in found], model_version=None,
                        source="candidates", actor=actor)
    return found


@router.post("", status_code=201)
def create(data: OpportunityIn, session: SessionDep, actor: Actor = Permit("opportunity.manage")) -> OpportunityOut:
    return opportunities.to_out(session, opportunities.create_opportunity(session, actor=actor, data=data))


@router.put("/{opportunity_id}")
def update(opportunity_id: int, data: OpportunityIn, session: SessionDep,
           actor: Actor = Permit("opportunity.manage")) -> OpportunityOut:
    opp = opportunities.update_opportunity(session, actor=actor, opportunity_id=opportunity_id, data=data)
    return opportunities.to_out(session, opp)


@router.post("/{opportunity_id}/submit")
def submit(opportunity_id: int, session: SessionDep, actor: Actor = Permit("opportunity.manage")) -> OpportunityOut:
    return opportunities.to_out(session, opportunities.submit_for_approval(session, actor=actor,
                                                                           opportunity_id=opportunity_id))


@router.post("/{opportunity_id}/approve")
def approve(opportunity_id: int, session: SessionDep, actor: Actor = Permit("opportunity.approve")) -> OpportunityOut:
    return opportunities.to_out(session, opportunities.approve_opportunity(session, actor=actor,
                                                                           opportunity_id=opportunity_id))


@router.post("/{opportunity_id}/return")
def send_back(opportunity_id: int, data: ReturnIn, session: SessionDep,
              actor: Actor = Permit("opportunity.approve")) -> OpportunityOut:
    opp = opportunities.return_opportunity(session, actor=actor, opportunity_id=opportunity_id, reason=data.reason)
    return opportunities.to_out(session, opp)


@router.post("/{opportunity_id}/close")
def close(opportunity_id: int, data: CloseIn, session: SessionDep,
          actor: Actor = Permit("opportunity.manage")) -> OpportunityOut:
    opp = opportunities.close_opportunity(session, actor=actor, opportunity_id=opportunity_id, data=data)
    return opportunities.to_out(session, opp)


@router.get("/{opportunity_id}/applications")
def applicants(opportunity_id: int, session: SessionDep,
               actor: Actor = Permit("application.view")) -> list[ApplicationOut]:
    return applications.list_for_opportunity(session, actor=actor, opportunity_id=opportunity_id)


@router.post("/{opportunity_id}/applications", status_code=201)
def apply(opportunity_id: int, data: ApplyIn, session: SessionDep,
          actor: Actor = Permit("application.apply")) -> ApplicationOut:
    return applications.apply(session, actor=actor, opportunity_id=opportunity_id, data=data)
