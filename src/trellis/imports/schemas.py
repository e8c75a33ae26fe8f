"""One pydantic row model per import kind (the documented column set, in column order), and
the results of an import or export. Column names equal field names; ``docs/data-formats.md``
documents each one."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, Any, Literal

import email_validator
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from trellis.models.employee import EMPLOYEE_STATUSES, EMPLOYMENT_TYPES, MOVE_TYPES, SKILL_SOURCES, SKILL_STATUSES
from trellis.models.opportunity import OPPORTUNITY_STATUSES, OPPORTUNITY_TYPES, REMOTE_MODES

_LEVEL_SUFFIX = re.compile(r"^(?P<skill>.+?)\s*:\s*(?P<level>\d+)$")


def _split_list(value: Any) -> Any:
    """CSV cells hold lists joined with ``|``; JSON may give a real list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return value


def _split_skill_levels(value: Any) -> Any:
    """``Python:4|SQL:3|Excel`` (level optional) or a JSON list of such strings or of
    ``{"skill": ..., "level": ...}`` objects."""
    items = _split_list(value)
    if not isinstance(items, list):
        return items
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            match = _LEVEL_SUFFIX.match(item.strip())
            out.append({"skill": match["skill"], "level": match["level"]} if match else {"skill": item.strip()})
        else:
            out.append(item)
    return out


def _as_utc(value: datetime) -> datetime:
    """A timestamp without a zone is read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Proficiency = Annotated[int, Field(ge=1, le=5)]
RoleLevel = Annotated[int, Field(ge=1, le=20)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=400)]
TextList = Annotated[list[Label], BeforeValidator(_split_list)]


class SkillLevel(BaseModel):
    """A skill (id or label) with the proficiency asked for or taught (default 3)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    skill: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
    level: Proficiency = 3


SkillLevels = Annotated[list[SkillLevel], BeforeValidator(_split_skill_levels)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)


_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def _email(value: str) -> str:
    """A work e-mail address. The common ASCII case is checked by a regular expression and its
    domain once per domain (email-validator is ~100x slower per call); anything unusual goes
    through email-validator in full."""
    local, at, domain = value.rpartition("@")
    if at and len(value) <= 254 and _DOT_ATOM.match(local) and len(local) <= 64:
        return f"{local}@{_email_domain(domain)}"
    return _full_email(value)


@lru_cache(maxsize=4096)
def _email_domain(domain: str) -> str:
    return _full_email(f"x@{domain}").split("@", 1)[1]


def _full_email(value: str) -> str:
    try:
        return str(email_validator.validate_email(value, check_deliverability=False).normalized)
    except email_validator.EmailNotValidError as err:
        raise ValueError(f"is not a valid email address ({str(err).rstrip('.')})") from None


def _country(value: str) -> str:
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValueError("is not a two-letter ISO 3166 country code such as DE")
    return value.upper()


def _timezone(value: str) -> str:
    zones = _timezones()
    if zones and value not in zones:
        raise ValueError("is not an IANA time zone name such as Europe/Berlin")
    return value


class LocationRow(Row):
    id: ExternalId
    name: Name
    country: Annotated[str, AfterValidator(_country)] | None = None
    timezone: Annotated[str, AfterValidator(_timezone)] | None = None


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class OrgUnitRow(Row):
    id: ExternalId
    name: Name
    parent_id: ExternalId | None = None
    cost_center: Annotated[str, StringConstraints(max_length=64)] | None = None


class RoleRow(Row):
    id: ExternalId
    title: Name
    level: RoleLevel
    family_id: ExternalId | None = None
    family_name: Name | None = None
    description: Text | None = None
    is_critical: bool = False


class RoleSkillRow(Row):
    role_id: ExternalId
    skill: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    min_proficiency: Proficiency = 3
    required: bool = True
    weight: Annotated[float, Field(gt=0, le=100)] = 1.0


class SkillRow(Row):
    id: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    label: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    alt_labels: TextList = []
    type: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$", to_lower=True)] = "skill"
    group: Name | None = None
    broader: TextList = []
    related: TextList = []
    description: Text | None = None


class EmployeeRow(Row):
    id: ExternalId
    name: Name
    work_email: Annotated[str, AfterValidator(_email)]
    job_title: Name | None = None
    role_id: ExternalId | None = None
    level: RoleLevel | None = None
    org_unit_id: ExternalId | None = None
    manager_id: ExternalId | None = None
    location_id: ExternalId | None = None
    hire_date: date | None = None
    employment_type: Literal[EMPLOYMENT_TYPES] = "full_time"  # type: ignore[valid-type]
    status: Literal[EMPLOYEE_STATUSES] = "active"  # type: ignore[valid-type]
    languages: TextList = []


class EmployeeSkillRow(Row):
    employee_id: ExternalId
    skill: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    proficiency: Proficiency
    source: Literal[SKILL_SOURCES] = "self"  # type: ignore[valid-type]
    status: Literal[SKILL_STATUSES] = "accepted"  # type: ignore[valid-type]
    verified_by_id: ExternalId | None = None
    verified_at: Annotated[datetime, AfterValidator(_as_utc)] | None = None
    last_used: date | None = None
    evidence: Text | None = None


class HistoryRow(Row):
    id: ExternalId | None = None
    employee_id: ExternalId
    role_id: ExternalId | None = None
    title: Name | None = None
    org_unit_id: ExternalId | None = None
    start_date: date
    end_date: date | None = None
    move_type: Literal[MOVE_TYPES] = "hire"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _consistent(self) -> HistoryRow:
        if self.role_id is None and self.title is None:
            raise ValueError("give role_id or title (or both)")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


class OpportunityRow(Row):
    id: ExternalId
    type: Literal[OPPORTUNITY_TYPES] = "job"  # type: ignore[valid-type]
    title: Name
    description: Text | None = None
    role_id: ExternalId | None = None
    org_unit_id: ExternalId | None = None
    location_id: ExternalId | None = None
    remote: Literal[REMOTE_MODES] = "onsite"  # type: ignore[valid-type]
    hours_per_week: Annotated[int, Field(ge=1, le=80)] | None = None
    duration_weeks: Annotated[int, Field(ge=1, le=520)] | None = None
    hiring_manager_id: ExternalId | None = None
    status: Literal[OPPORTUNITY_STATUSES] = "draft"  # type: ignore[valid-type]
    posted_on: date | None = None
    closes_on: date | None = None
    filled_on: date | None = None
    filled_by_id: ExternalId | None = None
    filled_internally: bool | None = None
    required_skills: SkillLevels = []
    preferred_skills: SkillLevels = []

    @model_validator(mode="after")
    def _consistent(self) -> OpportunityRow:
        if self.posted_on and self.closes_on and self.closes_on < self.posted_on:
            raise ValueError(f"closes_on {self.closes_on} is before posted_on {self.posted_on}")
        return self


class LearningRow(Row):
    id: ExternalId
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    provider: Name | None = None
    url: Annotated[str, StringConstraints(max_length=1000)] | None = None
    format: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$", to_lower=True)] = "course"
    hours: Annotated[float, Field(gt=0, le=10_000)] = 1.0
    description: Text | None = None
    skills: SkillLevels = []


ROW_MODELS: dict[str, type[Row]] = {
    "locations": LocationRow,
    "org-units": OrgUnitRow,
    "skills": SkillRow,
    "roles": RoleRow,
    "role-skills": RoleSkillRow,
    "employees": EmployeeRow,
    "employee-skills": EmployeeSkillRow,
    "history": HistoryRow,
    "opportunities": OpportunityRow,
    "learning": LearningRow,
}
"""Every kind, in the order a company's files should be imported."""

KINDS: tuple[str, ...] = tuple(ROW_MODELS)


def columns_of(kind: str) -> list[str]:
    return list(ROW_MODELS[kind].model_fields)


def required_columns_of(kind: str) -> list[str]:
    return [name for name, f in ROW_MODELS[kind].model_fields.items() if f.is_required()]


class ImportResult(BaseModel):
    """What an import did (or, with ``dry_run``, would do)."""

    kind: str
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    deleted: int = 0
    dry_run: bool
    warnings: list[str] = []


class ExportResult(BaseModel):
    kind: str
    file: str
    format: str
    rows: int
