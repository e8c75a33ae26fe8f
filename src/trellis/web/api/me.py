"""The caller: account, profile, skills search, notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from trellis.accounts import service as accounts
from trellis.accounts.permissions import Actor
from trellis.accounts.schemas import UserOut
from trellis.errors import Invalid
from trellis.extraction.schemas import PendingSkill
from trellis.notifications import service as notifications
from trellis.notifications.schemas import NotificationOut
from trellis.profiles import service as profiles
from trellis.profiles.schemas import PreferencesIn, ProfileOut, ProfileSkill, SkillHit, SkillIn, Suggestion
from trellis.recommendations import service as recommendations
from trellis.recommendations.schemas import ForYou
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.writes import in_own_thread, write_apart

router = APIRouter(tags=["me"])


def _me(actor: Actor) -> int:
    if actor.employee_id is None:
        raise Invalid("this account is not linked to an employee")
    return actor.employee_id


@router.get("/me")
def me(session: SessionDep, actor: Actor = Permit("home.view")) -> UserOut:
    return UserOut.model_validate(accounts.get_user(session, user_id=actor.user_id))


@router.get("/profile")
def profile(session: SessionDep, actor: Actor = Permit("profile.view")) -> ProfileOut:
    return profiles.get_profile(session, employee_id=_me(actor))


@router.post("/profile/skills", status_code=201)
def add_skill(data: SkillIn, session: SessionDep, actor: Actor = Permit("profile.edit")) -> ProfileSkill:
    return profiles.add_skill(session, employee_id=_me(actor), data=data)


@router.delete("/profile/skills/{skill_id}", status_code=204)
def remove_skill(skill_id: int, session: SessionDep, actor: Actor = Permit("profile.edit")) -> Response:
    profiles.remove_skill(session, employee_id=_me(actor), skill_id=skill_id)
    return Response(status_code=204)


@router.put("/profile/preferences")
def preferences(data: PreferencesIn, session: SessionDep, actor: Actor = Permit("profile.edit")) -> PreferencesIn:
    return profiles.update_preferences(session, employee_id=_me(actor), data=data)


@router.post("/profile/cv", status_code=201)
async def upload_cv(cv: UploadFile, session: SessionDep, settings: SettingsDep,
                    actor: Actor = Permit("profile.edit")) -> list[Suggestion]:
    """Upload a CV (.txt, .pdf, .docx): the skills it names become suggestions, kept apart from
    the profile until accepted, each with the level its words give (or none) and the words."""
    limit = settings.max_upload_mb * 1024 * 1024
    try:
        data = await cv.read(limit + 1)
    finally:
        await cv.close()
    return await in_own_thread(profiles.suggest_from_cv, session, employee_id=_me(actor), data=data,
                               filename=cv.filename or "upload", max_bytes=limit, data_dir=settings.data_dir)


@router.get("/profile/suggestions")
def suggestions(session: SessionDep, actor: Actor = Permit("profile.view")) -> list[Suggestion]:
    return profiles.list_suggestions(session, employee_id=_me(actor))


class Decision(BaseModel):
    accept: bool
    proficiency: int | None = Field(default=None, ge=1, le=5)


@router.post("/profile/suggestions/{skill_id}")
def decide(skill_id: int, data: Decision, session: SessionDep, actor: Actor = Permit("profile.edit")) -> PendingSkill:
    return profiles.decide_suggestion(session, employee_id=_me(actor), skill_id=skill_id, accept=data.accept,
                                      proficiency=data.proficiency)


@router.get("/recommendations")
def recommended(request: Request, session: SessionDep, settings: SettingsDep, background: BackgroundTasks,
                k: int = 20, actor: Actor = Permit("recommendations.view")) -> ForYou:
    """"For you": the caller's best open opportunities, each with its explanation."""
    data = recommendations.for_you(session, settings=settings, actor=actor, k=min(max(k, 1), 100))
    background.add_task(write_apart, request.app.state, recommendations.record_shown,
                        shown=[(actor.employee_id or 0, i.opportunity_id, i.match) for i in data.items],
                        model_version=data.model_version, source="recommend",
                        actor=actor)
    return data


@router.get("/skills")
def skills(session: SessionDep, q: Annotated[str, Query(max_length=200)] = "", limit: int = 10,
           actor: Actor = Permit("skills.search")) -> list[SkillHit]:
    """Autocomplete over the active taxonomy's skills (labels and alternative labels)."""
    return profiles.search_skills(session, q=q, limit=min(max(limit, 1), 50))


@router.get("/notifications")
def list_notifications(session: SessionDep, actor: Actor = Permit("notifications.view")) -> list[NotificationOut]:
    if actor.employee_id is None:
        return []
    notes = notifications.list_notifications(session, employee_id=actor.employee_id)
    return [NotificationOut.model_validate(n) for n in notes]


@router.post("/notifications/read")
def read_notifications(session: SessionDep, actor: Actor = Permit("notifications.view")) -> dict[str, int]:
    count = notifications.mark_all_read(session, employee_id=actor.employee_id) if actor.employee_id else 0
    return {"marked": count}
