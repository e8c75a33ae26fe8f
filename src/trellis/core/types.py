"""Plain, frozen data the matching engine works on. The service layer builds these from the
database; nothing here knows where they came from. Protected attributes have no field here:
the engine cannot be handed what it has no place for."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

OPPORTUNITY_TYPES = ("job", "gig", "project", "mentorship")
REMOTE_MODES = ("onsite", "hybrid", "remote")
REMOTE_PREFERENCES = ("onsite", "hybrid", "remote", "any")
SKILL_SOURCES = ("self", "inferred", "manager", "assessed")


@dataclass(frozen=True, slots=True)
class SkillLevel:
    """A skill a person holds: proficiency 1–5, where the claim came from, whether verified."""

    skill: int
    level: float
    source: str = "self"
    verified: bool = False


@dataclass(frozen=True, slots=True)
class Requirement:
    """A skill an opportunity asks for at a minimum level; required or only preferred."""

    skill: int
    level: int = 3
    required: bool = True
    weight: float = 1.0


@dataclass(frozen=True)
class Profile:
    """One person as matching sees them. ``org_path`` is the person's org unit and all its
    ancestors (for visibility rules); ``interests`` are skill ids; ``text_vector`` is the encoded
    profile/history text (any encoder; None when there is none)."""

    id: int
    skills: tuple[SkillLevel, ...] = ()
    role: int | None = None
    family: int | None = None
    level: int | None = None
    org_unit: int | None = None
    org_path: tuple[int, ...] = ()
    manager: int | None = None
    location: int | None = None
    accepted_locations: tuple[int, ...] = ()
    remote: str = "any"
    relocation: bool = False
    gig_hours: int = 0
    open_to: frozenset[str] = frozenset(OPPORTUNITY_TYPES)
    target_roles: tuple[int, ...] = ()
    target_families: tuple[int, ...] = ()
    interests: tuple[int, ...] = ()
    months_in_role: float | None = None
    open_performance_plan: bool = False
    opted_out: bool = False
    text_vector: Vector | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class OpportunityData:
    """One opening as matching sees it. Empty ``visible_org_units``/``visible_locations`` mean
    visible to everyone; otherwise only to people inside one of those units (or below) or at one
    of those locations."""

    id: int
    type: str = "job"
    role: int | None = None
    family: int | None = None
    level: int | None = None
    org_unit: int | None = None
    hiring_manager: int | None = None
    location: int | None = None
    remote: str = "onsite"
    hours_per_week: int | None = None
    requirements: tuple[Requirement, ...] = ()
    visible_org_units: tuple[int, ...] = ()
    visible_locations: tuple[int, ...] = ()
    text_vector: Vector | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Filters:
    """Optional narrowing of a result list. For ``recommend`` they apply to the opportunities,
    for ``candidates`` the people-side ones (roles, families, locations, org units) apply to
    people. ``include_excluded`` keeps pairs a rule excluded (flagged, with the rule)."""

    types: frozenset[str] | None = None
    roles: frozenset[int] | None = None
    families: frozenset[int] | None = None
    locations: frozenset[int] | None = None
    org_units: frozenset[int] | None = None
    remote_only: bool = False
    min_score: float = 0.0
    include_excluded: bool = False


@dataclass(frozen=True, slots=True)
class Component:
    """One named part of a score: ``points`` = 100 × ``weight`` × ``value``; the points of all
    components add up to the score."""

    name: str
    label: str
    value: float
    weight: float
    points: float
    text: str


@dataclass(frozen=True, slots=True)
class RuleHit:
    """An eligibility rule that excludes a pair, and why, in words."""

    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """How one requirement is met. ``status`` is matched | partial | missing; ``via`` names the
    related skill that gave partial credit; ``score_if_added`` is the re-scored match if the
    person added this skill at the required level (missing and partial skills only)."""

    skill: int
    required_level: int
    required: bool
    have_level: float
    credit: float
    status: str
    via: int | None = None
    score_if_added: float | None = None
    text: str = ""


@dataclass(frozen=True)
class Match:
    """One ranked result: the other side's id, the score 0–100, its components and reasons."""

    id: int
    score: float
    components: tuple[Component, ...]
    reasons: tuple[str, ...]
    skills: tuple[SkillMatch, ...] = ()
    excluded_by: tuple[RuleHit, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.excluded_by


@dataclass(frozen=True)
class BatchResult:
    """Top-k opportunities for every person: row i belongs to ``person_ids[i]``; ``ids`` holds
    opportunity ids (−1 where fewer than k were eligible) and ``scores`` their scores."""

    person_ids: npt.NDArray[np.int64]
    ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float32]
