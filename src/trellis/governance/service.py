"""Company settings HR can flip at run time, and the checks the matching service makes before
recommending anything. Every change is audited (who, old value, new value, why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.audit.service import record
from trellis.errors import Invalid
from trellis.governance.schemas import AiStatus, CompanySettingOut
from trellis.models import CompanySetting, Preferences

AI_RECOMMENDATIONS = "ai.recommendations_enabled"
COMPANY_OFF_REASON = ("Automated recommendations are switched off for the whole company. "
                      "The marketplace and search work as usual.")
PERSON_OFF_REASON = ("You opted out of automated recommendations. The marketplace and search work as usual; "
                     "you can opt in again in your preferences.")
CANDIDATE_OFF_REASON = "This person opted out of automated recommendations."


@dataclass(frozen=True)
class SettingSpec:
    kind: type
    default: Any
    description: str


SETTINGS: dict[str, SettingSpec] = {
    AI_RECOMMENDATIONS: SettingSpec(bool, True, "Automated recommendations (For you, candidate shortlists). "
                                    "Off: nobody is recommended anything; people still search and apply."),
}
_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0"}


def _spec(key: str) -> SettingSpec:
    if key not in SETTINGS:
        raise Invalid(f'unknown company setting "{key}"', details=[f"known: {', '.join(sorted(SETTINGS))}"])
    return SETTINGS[key]


def parse_value(key: str, raw: str) -> Any:
    """A setting's value from text (the command line, a form)."""
    spec = _spec(key)
    if spec.kind is bool:
        word = raw.strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise Invalid(f'{key}: "{raw}" is not on/off')
    try:
        return spec.kind(raw)
    except (TypeError, ValueError) as err:
        raise Invalid(f'{key}: "{raw}" is not a {spec.kind.__name__}') from err


def get_setting(session: Session, *, key: str) -> Any:
    spec = _spec(key)
    row = session.get(CompanySetting, key)
    return spec.default if row is None else row.value


def list_settings(session: Session) -> list[CompanySettingOut]:
    rows = {r.key: r for r in session.scalars(select(CompanySetting))}
    return [CompanySettingOut(key=key, value=rows[key].value if key in rows else spec.default, default=spec.default,
                              description=spec.description, updated_at=rows[key].updated_at if key in rows else None,
                              updated_by=rows[key].updated_by if key in rows else None)
            for key, spec in SETTINGS.items()]


def set_setting(session: Session, *, key: str, value: Any, actor: str, reason: str) -> CompanySettingOut:
    """Change a company setting; the change and its reason go to the audit trail."""
    spec = _spec(key)
    if not isinstance(value, spec.kind):
        raise Invalid(f"{key}: expected {spec.kind.__name__}, got {type(value).__name__}")
    if not reason or not reason.strip():
        raise Invalid("a reason is required to change a company setting")
    row = session.get(CompanySetting, key)
    old = spec.default if row is None else row.value
    if row is None:
        row = CompanySetting(key=key, value=value, updated_by=actor)
        session.add(row)
    else:
        row.value = value
        row.updated_by = actor
    record(session, actor=actor, action="config.change", entity_type="company_setting", entity_id=key,
           reason=reason.strip(), data={"old": old, "new": value})
    session.flush()
    return next(s for s in list_settings(session) if s.key == key)


def company_ai_status(session: Session) -> AiStatus:
    if not get_setting(session, key=AI_RECOMMENDATIONS):
        return AiStatus(allowed=False, reason=COMPANY_OFF_REASON)
    return AiStatus(allowed=True)


def person_ai_status(session: Session, *, employee_id: int) -> AiStatus:
    """May automated recommendations be made for this person? Company switch first, then opt-out."""
    company = company_ai_status(session)
    if not company.allowed:
        return company
    opted_out = session.scalar(select(Preferences.ai_opt_out).where(Preferences.employee_id == employee_id))
    if opted_out:
        return AiStatus(allowed=False, reason=PERSON_OFF_REASON)
    return AiStatus(allowed=True)


def opted_out_employee_ids(session: Session) -> set[int]:
    """People who must not appear in automated candidate lists."""
    return set(session.scalars(select(Preferences.employee_id).where(Preferences.ai_opt_out.is_(True))))
