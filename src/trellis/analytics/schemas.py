"""What the analytics services return: plain pydantic models, JSON-ready for the API and the
reports."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

from trellis.errors import Invalid

_PERIOD = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")


class Period(BaseModel):
    """A closed range of days, ``start..end`` inclusive."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2025-01-01..2025-12-31``; a bare year ``2025`` means the whole year."""
        if re.fullmatch(r"\s*\d{4}\s*", text):
            year = int(text)
            return cls(start=date(year, 1, 1), end=date(year, 12, 31))
        match = _PERIOD.match(text)
        if not match:
            raise Invalid(f'period "{text}": expected YYYY-MM-DD..YYYY-MM-DD (or a year such as 2025)')
        try:
            return cls(start=date.fromisoformat(match[1]), end=date.fromisoformat(match[2]))
        except ValueError as err:
            raise Invalid(f'period "{text}": {err}') from err

    @classmethod
    def last_year(cls, today: date | None = None) -> Period:
        today = today or date.today()
        return cls(start=today - timedelta(days=364), end=today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """Half-open datetime bounds [start 00:00, day after end 00:00) for timestamp columns."""
        return (datetime.combine(self.start, datetime.min.time()),
                datetime.combine(self.end + timedelta(days=1), datetime.min.time()))


class Distribution(BaseModel):
    n: int
    mean: float | None
    median: float | None
    p90: float | None


class Retention(BaseModel):
    horizon_days: int = 365
    cohort: str | None = None  # the moves measured, when not the period's own (too recent to follow up)
    movers: int
    movers_retained: float | None
    stayers: int
    stayers_retained: float | None
    stayers_retained_raw: float | None
    difference: float | None
    method: str


class FunnelStage(BaseModel):
    stage: str
    count: int
    conversion: float | None
    cumulative: float | None


class MobilityMetrics(BaseModel):
    period: str
    org_unit: str
    headcount_start: int
    headcount_end: int
    movers: int
    internal_moves: int
    mobility_rate: float | None
    promotions: int
    laterals: int
    demotions: int
    promotion_share: float | None
    filled_total: int
    filled_internally: int
    internal_fill_rate: float | None
    time_to_fill_days: Distribution
    retention: Retention
    gig_participants: int
    gig_participation_rate: float | None
    recommendation_funnel: list[FunnelStage]
    application_funnel: list[FunnelStage]
    notes: list[str]


class TrendPoint(BaseModel):
    month: str
    promotions: int
    laterals: int
    demotions: int
    filled: int
    filled_internally: int
    internal_fill_rate: float | None


class SkillDemand(BaseModel):
    skill_id: int
    skill: str
    group: str | None
    needed_level: int
    demand_openings: float
    demand_roles: float
    demand: float
    supply: float
    gap: float
    coverage: float | None


class GroupDemand(BaseModel):
    group: str
    skills: int
    demand: float
    supply: float
    gap: float
    coverage: float | None


class SupplyDemand(BaseModel):
    org_unit: str
    method: str
    skills: list[SkillDemand]
    groups: list[GroupDemand]


class UnitGaps(BaseModel):
    org_unit_id: int
    org_unit: str
    headcount: int
    gaps: list[SkillDemand]


class UnitChoice(BaseModel):
    """An org unit offered in a filter list, with its depth in the tree (0: a root)."""

    id: int
    name: str
    depth: int


class UnitMatch(BaseModel):
    """An org unit found by its name or external id, with its parent's name for context."""

    id: int
    name: str
    external_id: str
    parent: str | None


class UnitMatches(BaseModel):
    """The org units a person's text names: the first few (``units``) of ``total``."""

    text: str
    total: int
    units: list[UnitMatch]


class Heatmap(BaseModel):
    rows: list[str]  # skills
    columns: list[str]  # org units
    coverage: list[list[float | None]]  # supply / demand per cell
    demand: list[list[float]]


class EmergingSkill(BaseModel):
    skill_id: int
    skill: str
    group: str | None
    previous: int
    current: int
    growth: float


class UnitFlow(BaseModel):
    unit: str
    inflow: int
    outflow: int
    net: int
    role: str  # importer | exporter | balanced


class Flows(BaseModel):
    period: str
    by: str
    labels: list[str]
    matrix: list[list[int]]
    units: list[UnitFlow]
    total_moves: int


class ManagerIndicator(BaseModel):
    manager_id: int
    manager: str
    team_size: int
    recommended: int
    released: int
    release_rate: float | None
    blocked: int
    median_decision_days: float | None
    flagged: bool
    reasons: list[str]


class Hoarding(BaseModel):
    period: str
    baseline_release_rate: float | None
    method: str
    managers_total: int
    flagged_total: int
    managers: list[ManagerIndicator]  # flagged first, at most the requested limit; named managers only
    decisions_total: int = 0
    min_team: int = 5  # a manager is named only with at least this many direct reports ...
    min_decisions: int = 3  # ... and enough evidence (this many decisions, or min_recommended recommended)
    not_named: int = 0  # managers left out of the list (small team or too little data)
    not_named_flagged: int = 0  # of them, flagged all the same


class FairnessGroup(BaseModel):
    group: str
    total: int
    selected: int
    rate: float | None
    share: float
    impact_ratio: float | None
    below_four_fifths: bool
    excluded: bool
    exclusion_reason: str | None
    fisher_p: float | None
    z: float | None
    z_p: float | None
    note: str | None = None  # why a low ratio is not flagged (too little evidence)


class FairnessTable(BaseModel):
    dimension: str  # sex | race_ethnicity | intersectional
    reference_group: str | None
    total: int
    groups: list[FairnessGroup]


class AuditOutcome(BaseModel):
    name: str
    kind: str  # selection | scoring
    description: str
    assessed: int  # people
    selected: int  # people
    tables: list[FairnessTable]
    pairs: int | None = None  # person × opening pairs behind the people, where the outcome has them

    @property
    def flagged(self) -> list[tuple[str, FairnessGroup]]:
        return [(t.dimension, g) for t in self.tables for g in t.groups if g.below_four_fifths]


class BiasAudit(BaseModel):
    title: str
    period: str
    generated_at: datetime
    data_source: str
    method: list[str]
    outcomes: list[AuditOutcome]
    notes: list[str]
