"""Home: what needs the person's attention, and their notifications."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trellis.accounts.permissions import Actor
from trellis.notifications import service as notifications
from trellis.web.deps import Permit, SessionDep
from trellis.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, session: SessionDep, actor: Actor = Permit("home.view")) -> Response:
    notes = notifications.list_notifications(session, employee_id=actor.employee_id, limit=20) \
        if actor.employee_id else []
    return render(request, "home.html", {"notifications": notes})


@router.post("/notifications/read")
def read_all(session: SessionDep, actor: Actor = Permit("notifications.view")) -> Response:
    if actor.employee_id:
        notifications.mark_all_read(session, employee_id=actor.employee_id)
    return RedirectResponse("/", status_code=303)
