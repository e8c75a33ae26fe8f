"""The person's own profile: skills with levels, aspirations and preferences, visibility."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUploadFile

from trellis.accounts.permissions import Actor
from trellis.config import Settings
from trellis.errors import Invalid
from trellis.opportunities.service import filter_choices
from trellis.profiles import service as profiles
from trellis.profiles.schemas import PreferencesIn, SkillIn
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.pages.forms import validated
from trellis.web.templating import render
from trellis.web.writes import in_own_thread

router = APIRouter()


def _me(actor: Actor) -> int:
    if actor.employee_id is None:
        raise Invalid("Your account is not linked to an employee record, so it has no profile.")
    return actor.employee_id


def _page(request: Request, session: Session, actor: Actor, *, form: str | None = None, error: Invalid | None = None,
          typed: dict[str, Any] | None = None) -> Response:
    """The profile page; after a form's bad input, again with the error beside that form, what was
    typed still in it, and nothing written (422)."""
    if error is not None:
        session.rollback()
    me = _me(actor)
    return render(request, "profile.html", {
        "profile": profiles.get_profile(session, employee_id=me), "pending": profiles.list_suggestions(
            session, employee_id=me), "roles": filter_choices(session)["roles"],
        "form": form, "error": error, "typed": typed or {}}, status_code=200 if error is None else 422)


@router.get("/profile")
def profile(request: Request, session: SessionDep, actor: Actor = Permit("profile.view")) -> Response:
    return _page(request, session, actor)


@router.post("/profile/cv")
async def upload_cv(request: Request, session: SessionDep, settings: SettingsDep,
                    actor: Actor = Permit("profile.edit")) -> Response:
    form = await request.form()
    upload = form.get("cv")
    try:
        if not isinstance(upload, StarletteUploadFile):
            raise Invalid("cv: choose a file to upload")
        try:
            data = await upload.read(settings.max_upload_mb * 1024 * 1024 + 1)
        finally:
            await upload.close()
        return await in_own_thread(_upload_cv, session, settings, actor=actor, data=data,
                                   filename=upload.filename or "upload")
    except Invalid as err:
        return await in_own_thread(_page, request, session, actor, form="cv", error=err)


def _upload_cv(session: Session, settings: Settings, *, actor: Actor, data: bytes, filename: str) -> Response:
    profiles.suggest_from_cv(session, employee_id=_me(actor), data=data, filename=filename,
                             max_bytes=settings.max_upload_mb * 1024 * 1024, data_dir=settings.data_dir)
    return RedirectResponse("/profile#suggestions", status_code=303)


@router.post("/profile/suggestions/{skill_id}")
def decide_suggestion(request: Request, skill_id: int, session: SessionDep, decision: Annotated[str, Form()],
                      proficiency: Annotated[str, Form()] = "", actor: Actor = Permit("profile.edit")) -> Response:
    try:
        profiles.decide_suggestion(session, employee_id=_me(actor), skill_id=skill_id, accept=decision == "accept",
                                   proficiency=int(proficiency) if proficiency.isdigit() else None)
    except Invalid as err:
        return _page(request, session, actor, form=f"suggestion-{skill_id}", error=err)
    return RedirectResponse("/profile#suggestions", status_code=303)


@router.post("/profile/skills")
async def add_skill(request: Request, session: SessionDep, actor: Actor = Permit("profile.edit")) -> Response:
    form = await request.form()
    typed = {"skill": str(form.get("skill") or ""), "proficiency": str(form.get("proficiency") or "3")}
    try:
        data = validated(SkillIn, {"label": typed["skill"], "proficiency": typed["proficiency"]})
        return await in_own_thread(_add_skill, session, actor=actor, data=data)
    except Invalid as err:
        return await in_own_thread(_page, request, session, actor, form="skill", error=err, typed=typed)


def _add_skill(session: Session, *, actor: Actor, data: SkillIn) -> Response:
    profiles.add_skill(session, employee_id=_me(actor), data=data)
    return RedirectResponse("/profile#skills", status_code=303)


@router.post("/profile/skills/{skill_id}/delete")
def remove_skill(skill_id: int, session: SessionDep, actor: Actor = Permit("profile.edit")) -> Response:
    profiles.remove_skill(session, employee_id=_me(actor), skill_id=skill_id)
    return RedirectResponse("/profile#skills", status_code=303)


@router.post("/profile/preferences")
async def preferences(request: Request, session: SessionDep, actor: Actor = Permit("profile.edit")) -> Response:
    form = await request.form()
    try:
        return await in_own_thread(_preferences, session, actor=actor, data=_preferences_in(form))
    except Invalid as err:
        return await in_own_thread(_page, request, session, actor, form="preferences", error=err)


def _preferences_in(form: FormData) -> PreferencesIn:
    return validated(PreferencesIn, {
        "interests": [i for i in str(form.get("interests", "")).split(",") if i.strip()],
        "target_role_ids": [int(str(v)) for v in form.getlist("target_role_ids") if str(v).isdigit()],
        "open_to_jobs": form.get("open_to_jobs") == "on", "open_to_gigs": form.get("open_to_gigs") == "on",
        "open_to_mentoring": form.get("open_to_mentoring") == "on", "relocation": form.get("relocation") == "on",
        "remote": form.get("remote") or "any", "gig_hours_per_week": form.get("gig_hours_per_week") or 0,
        "visibility": form.get("visibility") or "company", "ai_opt_out": form.get("ai_opt_out") == "on",
    })


def _preferences(session: Session, *, actor: Actor, data: PreferencesIn) -> Response:
    profiles.update_preferences(session, employee_id=_me(actor), data=data)
    return RedirectResponse("/profile#preferences", status_code=303)
