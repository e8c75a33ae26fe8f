""""For you": recommended opportunities with the engine's reasons and what would raise each match."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response

from trellis.accounts.permissions import Actor
from trellis.recommendations import service as recommendations
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.templating import render
from trellis.web.writes import write_apart

router = APIRouter()


@router.get("/for-you")
def for_you(request: Request, session: SessionDep, settings: SettingsDep, background: BackgroundTasks,
            actor: Actor = Permit("recommendations.view")) -> Response:
    data = recommendations.for_you(session, settings=settings, actor=actor, k=20)
    background.add_task(write_apart, request.app.state, recommendations.record_shown,
                        shown=[(actor.employee_id or 0, i.opportunity_id, i.match) for i in data.items],
                        model_version=data.model_version, source="recommend",
                        actor=actor)
    return render(request, "for_you.html", {"data": data})
