"""HR's matching settings page: score weights, eligibility rules and skill credit for the
company, each with its value, default, description and last change. HR admins change them with
a reason (audited) or preview the normalised weights first; HR partners see them. A bad value is
shown next to its field and nothing is saved."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trellis.accounts.permissions import Actor, allowed
from trellis.config import Settings
from trellis.errors import Invalid
from trellis.governance import service as governance
from trellis.governance.schemas import WeightShare
from trellis.governance.specs import GROUPS, MATCHING_KEYS, WEIGHT_KEYS
from trellis.matching import service as matching
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.templating import render
from trellis.web.writes import in_own_thread

router = APIRouter(prefix="/hr")
PAGE = "/hr/matching"


def _page(request: Request, session: Session, settings: Settings, actor: Actor, *, values: dict[str, str] | None = None,
          resets: frozenset[str] = frozenset(), reason: str = "", error: Invalid | None = None,
          preview: list[WeightShare] | None = None, status_code: int = 200) -> Response:
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
    shown = {**{s.key: _text(s.value) for s in config.settings}, **(values or {})}
    groups = [(name, GROUPS[name], [s for s in config.settings if s.group == name])
              for name in ("weights", "rules", "credit")]
    return render(request, "hr_matching.html", {
        "config": config, "groups": groups, "values": shown, "resets": resets, "reason": reason,
        "field_errors": field_errors, "general_errors": general, "preview": preview,
        "shares": _shares(preview or governance.weight_shares(_typed_weights(shown))),
        "can_change": allowed(actor.role, "matching_config.change"), "can_audit": allowed(actor.role, "audit.view"),
        "changed": request.query_params.get("changed"), "fmt": _text,
        "labels": {s.key: s.label for s in config.settings}}, status_code=status_code)


def _typed_weights(values: dict[str, str]) -> dict[str, float]:
    """The weights as typed, for the share column next to a form with errors (unreadable: 0)."""
    out = {}
    for key in WEIGHT_KEYS:
        try:
            out[key] = max(0.0, float(values.get(key, "")))
        except ValueError:
            out[key] = 0.0
    return {k: v if math.isfinite(v) else 0.0 for k, v in out.items()}


def _shares(weights: list[WeightShare]) -> dict[str, float] | None:
    """Share per weight key; None when no weight is above 0 (the page shows a dash)."""
    return {w.key: w.share for w in weights} if any(w.share > 0 for w in weights) else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):  # short, but exact: the form must post back what is stored
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)


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
    return await in_own_thread(_change_matching, request, session, settings, actor=actor, values=values, resets=resets,
                               reason=reason, preview=form.get("action") == "preview")


def _change_matching(request: Request, session: Session, settings: Settings, *, actor: Actor,
                     values: dict[str, str], resets: frozenset[str], reason: str, preview: bool) -> Response:
    try:
        changes: dict[str, Any] = {**governance.parse_values(values), **dict.fromkeys(resets)}
        if preview:
            shares = governance.preview_settings(session, changes=changes, settings=settings)
            return _page(request, session, settings, actor, values=values, resets=resets, reason=reason,
                         preview=shares)
        done = governance.set_settings(session, changes=changes, actor=f"user:{actor.user_id}", reason=reason,
                                       settings=settings, prefix=governance.MATCHING)
    except Invalid as err:
        return _page(request, session, settings, actor, values=values, resets=resets, reason=reason, error=err,
                     status_code=422)
    return RedirectResponse(f"{PAGE}?changed={len(done)}", status_code=303)
