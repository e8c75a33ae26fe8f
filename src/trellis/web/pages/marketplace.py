"""The marketplace (search and filter), an opportunity, applying, and my applications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from trellis.accounts.permissions import Actor
from trellis.applications import service as applications
from trellis.applications.schemas import ApplyIn
from trellis.opportunities import service as opportunities
from trellis.opportunities.schemas import SearchFilters
from trellis.recommendations import service as recommendations
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.pages.forms import validated
from trellis.web.templating import render

router = APIRouter()


@router.get("/marketplace")
def marketplace(
    request: Request, session: SessionDep, filters: Annotated[SearchFilters, Query()], page: int = 1,
    actor: Actor = Permit("marketplace.browse"),
) -> Response:
    results = opportunities.search_opportunities(session, filters=filters, page=page, per_page=20)
    return render(request, "marketplace.html", {"results": results, "filters": filters,
                                                "choices": opportunities.filter_choices(session, roles=False)})


@router.get("/opportunities/{opportunity_id}")
def opportunity(request: Request, opportunity_id: int, session: SessionDep, settings: SettingsDep,
                actor: Actor = Permit("marketplace.browse")) -> Response:
    opp = opportunities.get_opportunity(session, actor=actor, opportunity_id=opportunity_id)
    mine = next(iter(applications.list_mine(session, actor=actor, opportunity_id=opp.id)), None)
    fit = recommendations.explain_for(session, settings=settings, actor=actor, opportunity_id=opp.id)
    return render(request, "opportunity.html", {"opp": opportunities.to_out(session, opp), "mine": mine, "fit": fit})


@router.post("/opportunities/{opportunity_id}/apply")
def apply(
    opportunity_id: int, session: SessionDep, note: Annotated[str, Form()] = "",
    confidential: Annotated[str | None, Form()] = None, actor: Actor = Permit("application.apply"),
) -> Response:
    data = validated(ApplyIn, {"note": note, "confidential": confidential == "on"})
    applications.apply(session, actor=actor, opportunity_id=opportunity_id, data=data)
    return RedirectResponse("/applications?applied=1", status_code=303)


@router.get("/applications")
def my_applications(request: Request, session: SessionDep, applied: int = 0,
                    actor: Actor = Permit("application.view_own")) -> Response:
    return render(request, "applications.html", {"apps": applications.list_mine(session, actor=actor),
                                                 "applied": applied})


@router.get("/applications/{application_id}")
def application(request: Request, application_id: int, session: SessionDep,
                actor: Actor = Permit("application.view_own")) -> Response:
    app = applications.get_application(session, actor=actor, application_id=application_id)
    return render(request, "application.html", {"app": app, "is_mine": app.employee_id == actor.employee_id})


@router.post("/applications/{application_id}/withdraw")
def withdraw(application_id: int, session: SessionDep, version: Annotated[int, Form()],
             reason: Annotated[str, Form()] = "", actor: Actor = Permit("application.withdraw")) -> Response:
    applications.withdraw(session, actor=actor, application_id=application_id, version=version, reason=reason)
    return RedirectResponse("/applications", status_code=303)
