"""HR: approve postings, the audit log, job architecture basics."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from trellis.accounts.permissions import Actor
from trellis.architecture import service as architecture
from trellis.architecture.schemas import FamilyIn, RoleIn
from trellis.audit import service as audit_service
from trellis.audit.schemas import AuditQuery
from trellis.opportunities import service as opportunities
from trellis.web.deps import Permit, SessionDep
from trellis.web.pages.forms import validated
from trellis.web.templating import render

router = APIRouter(prefix="/hr")
AUDIT_PER_PAGE = 50


@router.get("/approvals")
def approvals(request: Request, session: SessionDep, actor: Actor = Permit("opportunity.approve")) -> Response:
    pending = opportunities.to_out_many(session, opportunities.list_pending_approval(session))
    return render(request, "approvals.html", {"pending": pending})


@router.post("/opportunities/{opportunity_id}/approve")
def approve(opportunity_id: int, session: SessionDep, actor: Actor = Permit("opportunity.approve")) -> Response:
    opportunities.approve_opportunity(session, actor=actor, opportunity_id=opportunity_id)
    return RedirectResponse("/hr/approvals", status_code=303)


@router.post("/opportunities/{opportunity_id}/return")
def send_back(opportunity_id: int, session: SessionDep, reason: Annotated[str, Form()],
              actor: Actor = Permit("opportunity.approve")) -> Response:
    opportunities.return_opportunity(session, actor=actor, opportunity_id=opportunity_id, reason=reason)
    return RedirectResponse("/hr/approvals", status_code=303)


AUDIT_FILTERS = ("actor", "action", "entity", "since", "until", "text")


@router.get("/audit")
def audit(request: Request, session: SessionDep, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
          current: Actor = Permit("audit.view")) -> Response:
    """Search the audit trail: who, what, which record, when, free text (HR admins, sysadmins)."""
    filters = {k: request.query_params.get(k, "").strip() for k in AUDIT_FILTERS}
    query = validated(AuditQuery, {**filters, "limit": AUDIT_PER_PAGE, "offset": (page - 1) * AUDIT_PER_PAGE})
    events = audit_service.search(session, query=query, viewer=current)
    names = audit_service.actor_names(session, actors=[e.actor for e in events.items])
    return render(request, "audit.html", {"events": events, "filters": filters, "names": names,
                                          "base": "/hr/audit?" + urlencode(filters) + "&"})


@router.get("/architecture")
def job_architecture(request: Request, session: SessionDep, actor: Actor = Permit("architecture.manage")) -> Response:
    return render(request, "architecture.html", {"families": architecture.list_families(session)})


@router.post("/architecture/families")
def add_family(session: SessionDep, name: Annotated[str, Form()], description: Annotated[str, Form()] = "",
               actor: Actor = Permit("architecture.manage")) -> Response:
    data = validated(FamilyIn, {"name": name, "description": description})
    architecture.create_family(session, actor=actor, data=data)
    return RedirectResponse("/hr/architecture", status_code=303)


@router.post("/architecture/roles")
def add_role(session: SessionDep, title: Annotated[str, Form()], family_id: Annotated[int, Form()],
             level: Annotated[int, Form()] = 1, actor: Actor = Permit("architecture.manage")) -> Response:
    architecture.create_role(session, actor=actor,
                             data=validated(RoleIn, {"title": title, "family_id": family_id, "level": level}))
    return RedirectResponse("/hr/architecture", status_code=303)
