"""AI governance in the portal: the plain-language "how recommendations work" page for
everyone, and HR's page to switch automated recommendations off or on (audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trellis.accounts.permissions import Actor
from trellis.config import Settings
from trellis.governance import service as governance
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.templating import render

router = APIRouter()
AI = "ai."


def weights(session: Session, settings: Settings) -> list[tuple[str, int]]:
    """The score's parts and their share in percent, as configured for the company."""
    shares = governance.matching_weights(governance.matching_settings(session, settings=settings))
    return sorted(((w.label, round(100 * w.share)) for w in shares), key=lambda x: -x[1])


@router.get("/how-it-works")
def how_it_works(request: Request, session: SessionDep, settings: SettingsDep,
                 actor: Actor = Permit("home.view")) -> Response:
    company = governance.company_ai_status(session)
    mine = governance.person_ai_status(session, employee_id=actor.employee_id) if actor.employee_id else None
    return render(request, "how_it_works.html", {"company": company, "mine": mine,
                                                 "weights": weights(session, settings),
                                                 "ai_log_months": settings.retention_ai_log_months})


@router.get("/hr/governance")
def governance_page(request: Request, session: SessionDep, actor: Actor = Permit("governance.manage")) -> Response:
    return render(request, "governance.html", {"settings": governance.list_settings(session, prefix=AI)})


@router.post("/hr/governance/settings")
def change_setting(session: SessionDep, key: Annotated[str, Form(max_length=64)],
                   value: Annotated[str, Form(max_length=16)], reason: Annotated[str, Form(max_length=2000)],
                   actor: Actor = Permit("governance.manage")) -> Response:
    """The company switches (``ai.*``); the matching settings have their own page, /hr/matching."""
    governance.set_settings(session, changes={key: governance.parse_value(key, value)}, prefix=AI,
                            actor=f"user:{actor.user_id}", reason=reason)
    return RedirectResponse("/hr/governance", status_code=303)
