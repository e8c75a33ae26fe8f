"""Company settings HR changes at run time — the switch for automated recommendations and the
matching knobs (score weights, eligibility rules, skill credit) — and the checks the matching
service makes before recommending anything. Every change is audited (who, old value, new value,
why); a batch of changes is checked whole before anything is written. The types, bounds and
defaults of the settings are in ``specs.py``; the environment's values are the defaults, and a
value stored here wins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from trellis.audit.service import record
from trellis.config import Settings
from trellis.errors import Conflict, Invalid
from trellis.governance.schemas import AiStatus, CompanySettingOut, WeightShare
from trellis.governance.specs import AI_RECOMMENDATIONS as AI_RECOMMENDATIONS
from trellis.governance.specs import MATCHING as MATCHING
from trellis.governance.specs import MATCHING_KEYS, WEIGHT_KEYS, check_value, spec_for, weights_valid
from trellis.governance.specs import SETTINGS as SETTINGS
from trellis.governance.specs import SettingSpec as SettingSpec
from trellis.governance.specs import parse_value as parse_value
from trellis.models import CompanySetting, Preferences

COMPANY_OFF_REASON = ("Automated recommendations are switched off for the whole company. "
                      "The marketplace and search work as usual.")
PERSON_OFF_REASON = ("You opted out of automated recommendations. The marketplace and search work as usual; "
                     "you can opt in again in your preferences.")
CANDIDATE_OFF_REASON = "This person opted out of automated recommendations."


def get_setting(session: Session, *, key: str, settings: Settings | None = None) -> Any:
    """The value in effect: the company's, else the default (the environment's, given ``settings``)."""
    spec = spec_for(key)
    row = session.get(CompanySetting, key)
    return spec.default_for(settings) if row is None else row.value


def _out(key: str, spec: SettingSpec, row: CompanySetting | None, settings: Settings | None) -> CompanySettingOut:
    default = spec.default_for(settings)
    return CompanySettingOut(key=key, value=default if row is None else row.value, default=default,
                             description=spec.description, updated_at=row.updated_at if row else None,
                             updated_by=row.updated_by if row else None, label=spec.label or key, group=spec.group,
                             kind=spec.kind.__name__, minimum=spec.minimum, maximum=spec.maximum,
                             overridden=row is not None)


def list_settings(session: Session, *, settings: Settings | None = None, prefix: str = "") -> list[CompanySettingOut]:
    """Every setting whose key starts with ``prefix``: value in effect, default, last change."""
    rows = {r.key: r for r in session.scalars(select(CompanySetting))}
    return [_out(key, spec, rows.get(key), settings) for key, spec in SETTINGS.items() if key.startswith(prefix)]


def _problems(errors: list[str]) -> Invalid:
    return Invalid(f"Nothing was changed: {len(errors)} problem{'s' if len(errors) > 1 else ''} with the new "
                   "settings.", details=errors)


def parse_values(raw: Mapping[str, str]) -> dict[str, Any]:
    """Typed values from text (a form, the command line), or one Invalid whose details name every
    bad setting (``key: reason``)."""
    errors: list[str] = []
    values: dict[str, Any] = {}
    for key, text in raw.items():
        try:
            values[key] = parse_value(key, text)
        except Invalid as err:
            errors.append(err.message)
    if errors:
        raise _problems(errors)
    return values


def _after(key: str, checked: Mapping[str, Any], rows: Mapping[str, CompanySetting],
           settings: Settings | None) -> Any:
    """The value ``key`` would have once ``checked`` is applied."""
    if key in checked:
        return SETTINGS[key].default_for(settings) if checked[key] is None else checked[key]
    return rows[key].value if key in rows else SETTINGS[key].default_for(settings)


def _checked(session: Session, *, changes: Mapping[str, Any], settings: Settings | None,
             prefix: str) -> tuple[dict[str, Any], dict[str, CompanySetting]]:
    """Every change checked (``None``: back to the default), or one Invalid listing every problem."""
    errors: list[str] = []
    checked: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in SETTINGS:
            errors.append(f"{key}: unknown setting")
            continue
        if not key.startswith(prefix):
            errors.append(f"{key}: not changed here (only {prefix}* settings)")
            continue
        try:
            checked[key] = None if value is None else check_value(key, value)
        except Invalid as err:
            errors.append(err.message)
    rows = {r.key: r for r in session.scalars(select(CompanySetting))}
    if any(k in checked for k in WEIGHT_KEYS):
        problem = weights_valid({k: _after(k, checked, rows, settings) for k in WEIGHT_KEYS})
        if problem:
            errors.append(problem)
    if errors:
        raise _problems(errors)
    return checked, rows


def set_settings(session: Session, *, changes: Mapping[str, Any], actor: str, reason: str,
                 settings: Settings | None = None, prefix: str = "") -> list[CompanySettingOut]:
    """Change several settings at once, all or nothing; a value ``None`` resets a setting to its
    default. Each real change is audited (``config.change``: old, new, reason); a value equal to
    the one in effect is no change. Returns the settings that changed."""
    if not reason or not reason.strip():
        raise Invalid("a reason is required to change a company setting")
    checked, rows = _checked(session, changes=changes, settings=settings, prefix=prefix)
    try:
        with session.begin_nested():  # all or nothing, also when another admin saves at the same moment
            changed = _write(session, checked=checked, rows=rows, actor=actor, reason=reason.strip(),
                             settings=settings)
    except (IntegrityError, StaleDataError) as err:
        raise Conflict("someone else changed these settings at the same moment; reload and try again") from err
    listing = {s.key: s for s in list_settings(session, settings=settings)}
    return [listing[k] for k in changed]


def _write(session: Session, *, checked: Mapping[str, Any], rows: Mapping[str, CompanySetting], actor: str,
           reason: str, settings: Settings | None) -> list[str]:
    changed: list[str] = []
    for key, value in checked.items():
        row, default = rows.get(key), SETTINGS[key].default_for(settings)
        old = default if row is None else row.value
        data: dict[str, Any] = {"old": old, "new": default if value is None else value}
        if value is None:
            if row is None:
                continue
            session.delete(row)
            data["reset"] = True
        elif value == old:
            continue
        elif row is None:
            session.add(CompanySetting(key=key, value=value, updated_by=actor))
        else:
            row.value, row.updated_by = value, actor
        record(session, actor=actor, action="config.change", entity_type="company_setting", entity_id=key,
               reason=reason, data=data)
        changed.append(key)
    session.flush()
    return changed


def set_setting(session: Session, *, key: str, value: Any, actor: str, reason: str,
                settings: Settings | None = None) -> CompanySettingOut:
    """Change one company setting; the change and its reason go to the audit trail."""
    spec_for(key)
    check_value(key, value)  # its own message, without the batch's wrapping
    set_settings(session, changes={key: value}, actor=actor, reason=reason, settings=settings)
    return next(s for s in list_settings(session, settings=settings) if s.key == key)


def reset_setting(session: Session, *, key: str, actor: str, reason: str,
                  settings: Settings | None = None) -> CompanySettingOut:
    """Back to the default (the company's value is removed); audited like any change."""
    spec_for(key)
    set_settings(session, changes={key: None}, actor=actor, reason=reason, settings=settings)
    return next(s for s in list_settings(session, settings=settings) if s.key == key)


def matching_settings(session: Session, *, settings: Settings) -> Settings:
    """``settings`` with the company's matching values applied: what matching runs with. One query."""
    rows = session.execute(select(CompanySetting.key, CompanySetting.value)
                           .where(CompanySetting.key.in_(MATCHING_KEYS))).all()
    update: dict[str, Any] = {}
    for key, value in rows:
        try:
            update[SETTINGS[key].field or key] = check_value(key, value)
        except Invalid:
            continue  # a value stored by hand outside the bounds: the default applies
    return settings.model_copy(update=update) if update else settings


def weight_shares(weights: Mapping[str, float]) -> list[WeightShare]:
    """Each weight and its share of the score once weights are normalised to sum 1."""
    total = sum(max(0.0, float(w)) for w in weights.values())
    return [WeightShare(key=k, label=SETTINGS[k].label, weight=float(w),
                        share=max(0.0, float(w)) / total if total > 0 else 0.0) for k, w in weights.items()]


def matching_weights(settings: Settings) -> list[WeightShare]:
    """The weights of effective settings (see ``matching_settings``), normalised."""
    return weight_shares({k: getattr(settings, SETTINGS[k].field or k) for k in WEIGHT_KEYS})


def preview_settings(session: Session, *, changes: Mapping[str, Any], settings: Settings) -> list[WeightShare]:
    """The normalised weights these matching changes would give, checked as a change would be;
    nothing is written."""
    checked, rows = _checked(session, changes=changes, settings=settings, prefix=MATCHING)
    return weight_shares({k: _after(k, checked, rows, settings) for k in WEIGHT_KEYS})


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
