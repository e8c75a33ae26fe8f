"""Turning posted HTML forms into the services' input models (the no-JavaScript path: skill
labels typed or picked from the suggestions are resolved server-side)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trellis.errors import Invalid
from trellis.opportunities.schemas import OpportunityIn, SkillRequirement
from trellis.profiles.schemas import SkillIn
from trellis.profiles.service import resolve_skill

SKILL_ROWS = 8
M = TypeVar("M", bound=BaseModel)


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError as err:
        raise Invalid(f"{text!r} is not a whole number") from err


def opportunity_from_form(session: Session, form: FormData) -> OpportunityIn:
    skills: list[SkillRequirement] = []
    for i in range(SKILL_ROWS):
        label = str(form.get(f"skill_{i}", "")).strip()
        if not label:
            continue
        skill = resolve_skill(session, data=SkillIn(label=label))
        skills.append(SkillRequirement(skill_id=skill.id, min_proficiency=_int(form.get(f"level_{i}")) or 3,
                                       required=form.get(f"required_{i}") == "on"))
    raw = {k: form.get(k) for k in ("type", "title", "description", "remote", "closes_on")}
    data: dict[str, Any] = {k: v for k, v in raw.items() if v not in (None, "")}
    for k in ("role_id", "location_id", "org_unit_id", "hours_per_week", "duration_weeks"):
        data[k] = _int(form.get(k))
    return validated(OpportunityIn, {**data, "skills": [s.model_dump() for s in skills]})


def validated(model: type[M], data: dict[str, Any]) -> M:
    """``model`` built from ``data``, or an Invalid naming each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        details = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()]
        raise Invalid("Please check the form.", details=details) from err
