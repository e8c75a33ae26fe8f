"""The company's matching settings as JSON: score weights, eligibility rules and skill credit.
HR reads them (``matching_config.view``); HR admins change them (``matching_config.change``),
all or nothing, each change audited with the reason."""

from __future__ import annotations

from fastapi import APIRouter

from trellis.accounts.permissions import Actor
from trellis.governance.schemas import MatchingConfigIn, MatchingConfigOut
from trellis.matching import service
from trellis.web.deps import Permit, SessionDep, SettingsDep

router = APIRouter(tags=["matching settings"])


@router.get("/matching/config")
def matching_config(session: SessionDep, settings: SettingsDep,
                    actor: Actor = Permit("matching_config.view")) -> MatchingConfigOut:
    """Every matching knob with its value in effect, default, bounds and last change; the
    normalised weights; the model version recommendations are logged with."""
    return service.describe_config(session, settings=settings)


@router.patch("/matching/config")
def change_matching_config(data: MatchingConfigIn, session: SessionDep, settings: SettingsDep,
                           actor: Actor = Permit("matching_config.change")) -> MatchingConfigOut:
    """Change some knobs at once, all or nothing (``null`` resets one to its default); 422 names
    every bad value. A value equal to the one in effect is no change."""
    return service.configure(session, settings=settings, changes=data.values, actor=f"user:{actor.user_id}",
                             reason=data.reason)
