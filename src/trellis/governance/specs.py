"""What each company setting is: its type, bounds, default, group and words for HR; and how a
value is checked. The matching knobs take their defaults from the Settings (``TRELLIS_MATCH_*``
in the environment); a value stored for the company wins over that default."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from trellis.config import Settings
from trellis.core.scoring import COMPONENT_LABELS
from trellis.errors import Invalid

AI_RECOMMENDATIONS = "ai.recommendations_enabled"
MATCHING = "matching."  # the prefix of every matching knob
GROUPS = {"ai": "Automated recommendations", "weights": "Score weights", "rules": "Eligibility rules",
          "credit": "Skill credit and signals"}
_KIND_WORD = {bool: "on/off switch", int: "whole number", float: "number"}
_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0"}


@dataclass(frozen=True)
class SettingSpec:
    kind: type  # bool, int or float
    default: Any  # the built-in default; see default_for
    description: str
    label: str = ""
    group: str = "ai"
    field: str | None = None  # the Settings attribute (TRELLIS_ env) whose value is the default
    minimum: float | None = None
    maximum: float | None = None

    def default_for(self, settings: Settings | None) -> Any:
        """The default in this deployment: the environment's value where there is one."""
        return self.default if self.field is None or settings is None else getattr(settings, self.field)


def _matching(field: str, group: str, label: str, description: str, minimum: float | None = None,
              maximum: float | None = None) -> tuple[str, SettingSpec]:
    info = Settings.model_fields[field]
    kind = info.annotation if info.annotation in (bool, int, float) else float
    return MATCHING + field.removeprefix("match_"), SettingSpec(
        kind, info.default, description, label, group, field, minimum, maximum)  # type: ignore[arg-type]


def _weight(name: str, description: str) -> tuple[str, SettingSpec]:
    return _matching(f"match_weight_{name}", "weights", COMPONENT_LABELS.get(name, name), description, 0, 100)


SETTINGS: dict[str, SettingSpec] = dict([
    (AI_RECOMMENDATIONS, SettingSpec(bool, True, "Automated recommendations (For you, candidate shortlists). "
                                     "Off: nobody is recommended anything; people still search and apply.",
                                     "Automated recommendations")),
    _weight("required_skills", "Coverage of the opening's required skills: level held against level asked, "
                               "with partial credit through related skills."),
    _weight("preferred_skills", "Coverage of the opening's preferred (nice-to-have) skills."),
    _weight("semantic", "How closely the wording of the person's profile and history resembles the posting."),
    _weight("aspiration", "Fit with what the person said they want: target roles, job families, interests."),
    _weight("career_move", "How often people moved from the person's role to the opening's role."),
    _weight("level", "The level gap: one step up fits best, a lateral move nearly as well."),
    _weight("logistics", "Location, remote work and, for gigs, the hours the person can give."),
    _matching("match_min_months_in_role", "rules", "Months in role before a job move",
              "Job openings are recommended only after this many months in the current role "
              "(gigs, projects and mentoring stay open).", 0, 240),
    _matching("match_max_levels_up", "rules", "Largest step up in level",
              "Openings more levels above the person's level are not recommended (0: none above).", 0, 20),
    _matching("match_max_levels_down", "rules", "Largest step down in level",
              "Openings more levels below the person's level are not recommended (0: none below).", 0, 20),
    _matching("match_exclude_own_team", "rules", "Hide openings in the person's own team",
              "Openings of the person's own manager or team are not recommended to them."),
    _matching("match_exclude_performance_plan", "rules", "No job moves during a performance plan",
              "While a person has an open performance plan, job openings are not recommended (gigs stay open)."),
    _matching("match_enforce_visibility", "rules", "Honour visibility limits",
              "Openings restricted to some org units or locations are recommended only there."),
    _matching("match_trust_self_declared", "credit", "Credit for self-declared skills",
              "Share of a self-declared skill level that counts (verified, manager-rated and assessed skills "
              "count fully).", 0, 1),
    _matching("match_trust_inferred", "credit", "Credit for inferred skills",
              "Share of a skill level inferred from a CV or history that counts.", 0, 1),
    _matching("match_related_credit", "credit", "Most credit from a related skill",
              "Most credit a related skill gives for a missing one (has PostgreSQL, asked MySQL).", 0, 1),
    _matching("match_similarity_threshold", "credit", "Similarity for related skills",
              "How similar two skill names must be (0 to 1) for the skills to count as related.", 0, 1),
    _matching("match_use_history_transitions", "credit", "Learn career moves from job history",
              "How common a career move is comes from the company's job history (off: every move is neutral)."),
])
MATCHING_KEYS: tuple[str, ...] = tuple(k for k in SETTINGS if k.startswith(MATCHING))
WEIGHT_KEYS: tuple[str, ...] = tuple(k for k in MATCHING_KEYS if SETTINGS[k].group == "weights")


def spec_for(key: str) -> SettingSpec:
    if key not in SETTINGS:
        raise Invalid(f'unknown company setting "{key}"', details=[f"known: {', '.join(sorted(SETTINGS))}"])
    return SETTINGS[key]


def _number(value: float) -> str:
    return f"{value:g}"


def check_value(key: str, value: Any) -> Any:
    """``value`` as the setting's type within its bounds, or Invalid naming the setting and why."""
    spec = spec_for(key)
    if spec.kind is bool:
        if isinstance(value, bool):
            return value
        raise Invalid(f"{key}: expected bool (on/off), got {type(value).__name__}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{key}: expected a {_KIND_WORD[spec.kind]}, got {type(value).__name__}")
    if not math.isfinite(value):
        raise Invalid(f"{key}: must be a finite number")
    if spec.kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise Invalid(f"{key}: must be a whole number, not {_number(value)}")
        value = int(value)
    else:
        value = float(value)
    if spec.minimum is not None and value < spec.minimum:
        raise Invalid(f"{key}: must be at least {_number(spec.minimum)}, not {_number(value)}")
    if spec.maximum is not None and value > spec.maximum:
        raise Invalid(f"{key}: must be at most {_number(spec.maximum)}, not {_number(value)}")
    return value


def parse_value(key: str, raw: str) -> Any:
    """A setting's value from text (the command line, a form), checked like ``check_value``."""
    spec = spec_for(key)
    text = raw.strip()
    if spec.kind is bool:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise Invalid(f'{key}: "{raw}" is not on/off')
    try:
        number = float(text)
    except ValueError as err:
        raise Invalid(f'{key}: "{raw}" is not a {_KIND_WORD[spec.kind]}') from err
    return check_value(key, number)


def weights_valid(weights: dict[str, float]) -> str | None:
    """Why these weights cannot be used together, or None."""
    if not any(w > 0 for w in weights.values()):
        return "matching weights: at least one weight must be above 0"
    return None
