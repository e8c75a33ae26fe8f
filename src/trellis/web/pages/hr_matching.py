"""HR's matching settings page: score weights, eligibility rules and skill credit for the
company, each with its value, default, description and last change. HR admins change them with
a reason (audited) or preview the normalised weights first; HR partners see them. A bad value is
shown next to its field and nothing is saved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trellis.accounts.permissions import Actor, allowed
from trellis.config import Settings
from trellis.errors import Invalid
from trellis.governance import service as governance
from trellis.governance.specs import GROUPS, MATCHING_KEYS
from trellis.matching import service as matching
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.templating import render

router = APIRouter(prefix="/hr")
PAGE = "/hr/matching"


def _page(request: Request, session: Session, settings: Settings, actor: Actor, *, values: dict[str, str] | None = None,
          resets: frozenset[str] = frozenset(), reason: str = "", error: Invalid | None = None,
          preview: list[Any] | None = None, status_code: int = 200) -> Response:
    config = matching.describe_config(session, settings=settings)
    field_errors: dict[str, str] = {}
    general: list[str] = []
    if error is not None:  # details read "key: reason"; anything else is about the form as a whole
        for line in error.details or [error.message]:
            key, _, why = line.partition(": ")
            if key in MATCHING_KEYS:
                field_errors[key] = why
            else:
                general.append(line)
    shown = values or {s.key: _text(s.value) for s in config.settings}
    groups = [(name, GROUPS[name], [s for s in config.settings if s.group == name]) for name in ("weights", "rules",
                                                                                                "credit")]
    return render(request, "hr_matching.html", {
        "config": config, "groups": groups, "values": shown, "resets": resets, "reason": reason,
        "field_errors": field_errors, "general_errors": general, "preview": preview,
        "shares": {w.key: w.share for w in (preview or config.weights)},
        "can_change": allowed(actor.role, "matching_config.change"), "can_audit": allowed(actor.role, "audit.view"),
        "changed": request.query_params.get("changed"), "fmt": _text,
        "labels": {s.key: s.label for s in config.settings}}, status_code=status_code)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


@router.get("/matching")
def matching_page(request: Request, session: SessionDep, settings: SettingsDep,
                  actor: Actor = Permit("matching_config.view")) -> Response:
    return _page(request, session, settings, actor)


@router.post("/matching")
async def change_matching(request: Request, session: SessionDep, settings: SettingsDep,
                          actor: Actor = Permit("matching_config.change")) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, ""))[:32] for k in MATCHING_KEYS if k in form}
    resets = frozenset(str(k) for k in form.getlist("reset") if k in MATCHING_KEYS)
    reason = str(form.get("reason", ""))[:2000]
    try:
        changes: dict[str, Any] = {**governance.parse_values(values), **dict.fromkeys(resets)}
        if form.get("action") == "preview":
            shares = governance.preview_settings(session, changes=changes, settings=settings)
            return _page(request, session, settings, actor, values=values, resets=resets, reason=reason,
                         preview=shares)
        done = governance.set_settings(session, changes=changes, actor=f"user:{actor.user_id}", reason=reason,
                                       settings=settings, prefix=governance.MATCHING)
    except Invalid as err:
        return _page(request, session, settings, actor, values=values, resets=resets, reason=reason, error=err,
                     status_code=422)
    return RedirectResponse(f"{PAGE}?changed={len(done)}", status_code=303)
