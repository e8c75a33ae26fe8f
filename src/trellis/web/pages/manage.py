"""Hiring managers: post and edit openings (skills editable), submit them for HR approval,
close them, see applicants and move them through stages with a reason; time release."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trellis.accounts.permissions import STAGES, Actor
from trellis.applications import service as applications
from trellis.applications.schemas import MoveIn, TimeReleaseDecision
from trellis.opportunities import service as opportunities
from trellis.opportunities.schemas import CloseIn, OpportunityOut
from trellis.profiles import service as profiles
from trellis.recommendations import service as recommendations
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.pages.forms import SKILL_ROWS, opportunity_from_form, validated
from trellis.web.templating import render
from trellis.web.writes import in_own_thread, write_apart

router = APIRouter(prefix="/manage")


def _form(request: Request, session: SessionDep, opp: OpportunityOut | None = None) -> Response:
    suggested = []
    if opp is not None and (opp.description or opp.title):
        have = {s.skill_id for s in opp.skills}
        room = SKILL_ROWS - len(opp.skills)
        suggested = profiles.suggest_for_text(session, text=opp.description or "", title=opp.title, exclude=have,
                                              data_dir=request.app.state.settings.data_dir)[:max(room, 0)]
    return render(request, "opportunity_form.html", {"opp": opp, "rows": SKILL_ROWS, "suggested": suggested,
                                                     "choices": opportunities.filter_choices(session)})


@router.get("/opportunities")
def my_openings(request: Request, session: SessionDep, actor: Actor = Permit("opportunity.manage")) -> Response:
    return render(request, "manage_list.html", {"opps": opportunities.list_managed(session, actor=actor)})


@router.get("/opportunities/new")
def new_opening(request: Request, session: SessionDep, actor: Actor = Permit("opportunity.manage")) -> Response:
    return _form(request, session)


@router.post("/opportunities")
async def create_opening(request: Request, session: SessionDep,
                         actor: Actor = Permit("opportunity.manage")) -> Response:
    return await in_own_thread(_create_opening, session, actor=actor, form=await request.form())


def _create_opening(session: Session, *, actor: Actor, form: FormData) -> Response:
    opp = opportunities.create_opportunity(session, actor=actor, data=opportunity_from_form(session, form))
    return RedirectResponse(f"/manage/opportunities/{opp.id}", status_code=303)


@router.get("/opportunities/{opportunity_id}")
def edit_opening(request: Request, opportunity_id: int, session: SessionDep,
                 actor: Actor = Permit("opportunity.manage")) -> Response:
    opp = opportunities.get_managed(session, actor=actor, opportunity_id=opportunity_id)
    return _form(request, session, opportunities.to_out(session, opp))


@router.post("/opportunities/{opportunity_id}")
async def update_opening(request: Request, opportunity_id: int, session: SessionDep,
                         actor: Actor = Permit("opportunity.manage")) -> Response:
    return await in_own_thread(_update_opening, session, actor=actor, opportunity_id=opportunity_id,
                               form=await request.form())


def _update_opening(session: Session, *, actor: Actor, opportunity_id: int, form: FormData) -> Response:
    data = opportunity_from_form(session, form)
    opportunities.update_opportunity(session, actor=actor, opportunity_id=opportunity_id, data=data)
    return RedirectResponse(f"/manage/opportunities/{opportunity_id}", status_code=303)


@router.post("/opportunities/{opportunity_id}/submit")
def submit_opening(opportunity_id: int, session: SessionDep, actor: Actor = Permit("opportunity.manage")) -> Response:
    opportunities.submit_for_approval(session, actor=actor, opportunity_id=opportunity_id)
    return RedirectResponse("/manage/opportunities", status_code=303)


@router.post("/opportunities/{opportunity_id}/close")
def close_opening(opportunity_id: int, session: SessionDep, reason: Annotated[str, Form()] = "",
                  filled: Annotated[str | None, Form()] = None,
                  actor: Actor = Permit("opportunity.manage")) -> Response:
    opportunities.close_opportunity(session, actor=actor, opportunity_id=opportunity_id,
                                    data=CloseIn(filled=filled == "on", reason=reason))
    return RedirectResponse("/manage/opportunities", status_code=303)


@router.get("/opportunities/{opportunity_id}/applicants")
def applicants(request: Request, opportunity_id: int, session: SessionDep, settings: SettingsDep,
               background: BackgroundTasks, actor: Actor = Permit("application.view")) -> Response:
    opp = opportunities.get_opportunity(session, actor=actor, opportunity_id=opportunity_id)
    apps = recommendations.applicants(session, settings=settings, actor=actor, opportunity_id=opportunity_id)
    shortlist = recommendations.shortlist(session, settings=settings, actor=actor, opportunity_id=opportunity_id, k=10)
    background.add_task(write_apart, request.app.state, recommendations.record_shown,
                        shown=[(e.employee_id, opportunity_id, e.match) for e in shortlist], model_version=None,
                        source="candidates", actor=actor)
    return render(request, "applicants.html", {"opp": opportunities.to_out(session, opp), "apps": apps,
                                               "stages": [*STAGES[1:], "rejected"],
                                               "shortlist": shortlist})


@router.post("/applications/{application_id}/move")
def move(application_id: int, session: SessionDep, to: Annotated[str, Form()], reason: Annotated[str, Form()],
         version: Annotated[int, Form()], actor: Actor = Permit("application.move")) -> Response:
    data = validated(MoveIn, {"to": to, "reason": reason, "version": version})
    app = applications.move(session, actor=actor, application_id=application_id, data=data)
    return RedirectResponse(f"/manage/opportunities/{app.opportunity_id}/applicants", status_code=303)


@router.get("/time-releases")
def time_releases(request: Request, session: SessionDep, actor: Actor = Permit("time_release.decide")) -> Response:
    return render(request, "time_releases.html", {"releases": applications.list_time_releases(session, actor=actor)})


@router.post("/time-releases/{release_id}")
def decide_release(release_id: int, session: SessionDep, decision: Annotated[str, Form()],
                   reason: Annotated[str, Form()], actor: Actor = Permit("time_release.decide")) -> Response:
    data = validated(TimeReleaseDecision, {"approve": decision == "approve", "reason": reason})
    applications.decide_time_release(session, actor=actor, release_id=release_id, data=data)
    return RedirectResponse("/manage/time-releases", status_code=303)
