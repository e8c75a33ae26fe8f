"""The fairness audit: the ONLY service that reads demographics (``ProtectedAttributes``).

Everything else in Trellis — matching included — never imports or queries that table; a test
(``tests/analytics/test_demographics_boundary.py``) walks the source tree to keep it so. Only
this module's ``_grouped`` joins it, and only to count outcomes per
group. Who may run the audit (HR admins and auditors) is enforced at the request boundary.

Method (see docs/fairness-audit.md): for each funnel stage, the unit is one person × opportunity
pair; a pair that reached a stage counts as assessed for the next one and as selected if it
reached it too (a funnel is monotone). For the engine's scores, each pair recommended in the
period is scored by its highest score, and the NYC scoring rate applies: the share of a group
scoring above the median score of the whole sample. Rates, impact ratios, small-group handling
and significance tests come from ``trellis.core.fairness``."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from trellis.analytics.schemas import AuditOutcome, BiasAudit, FairnessGroup, FairnessTable, Period
from trellis.analytics.service import APPLICATION_RANK, APPLICATION_STAGES, EVENT_STAGES
from trellis.core import fairness as core
from trellis.models import Application, ProtectedAttributes, RecommendationEvent

DIMENSIONS = ("sex", "race_ethnicity", "intersectional")
Row = tuple[str | None, str | None, int, int]  # sex, race/ethnicity, stage rank or selected flag, count

METHOD = [
    "Selection rate = selected / assessed per category; impact ratio = a category's rate / the highest rate "
    "among compared categories (6 RCNY §5-301).",
    "Scoring rate (engine scores) = share of a category scoring above the median score of the whole sample "
    "(6 RCNY §5-300).",
    "Categories: sex, race/ethnicity, and their intersection; missing or declined answers form the 'Unknown' "
    "category, reported with counts and rates but not compared.",
    "Categories under 2% of the data assessed are reported but excluded from impact ratios, with the reason "
    "(6 RCNY §5-301(d)).",
    "An impact ratio under 0.8 is flagged (EEOC four-fifths rule, 29 CFR 1607.4(D)); each category is also "
    "compared with the reference category by Fisher's exact test and a pooled two-proportion z-test.",
    "Unit of analysis: one person × opportunity pair; a pair that reached a later stage also counts as having "
    "reached the earlier ones.",
]


def _grouped(session: Session, sub: Subquery) -> list[Row]:
    """Counts per (sex, race/ethnicity, value) for a subquery with columns employee_id and v."""
    pa = ProtectedAttributes
    c = sub.c
    stmt = (select(pa.sex, pa.race_ethnicity, c.v, func.count()).select_from(sub)
            .outerjoin(pa, pa.employee_id == c.employee_id).group_by(pa.sex, pa.race_ethnicity, c.v))
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in session.execute(stmt)]


def _event_stage_rows(session: Session, period: Period) -> list[Row]:
    lo, hi = period.bounds()
    rank = case({k: i for i, k in enumerate(EVENT_STAGES)}, value=RecommendationEvent.kind)
    sub = (select(RecommendationEvent.employee_id, func.max(rank).label("v"))
           .where(RecommendationEvent.at >= lo, RecommendationEvent.at < hi, RecommendationEvent.kind.in_(EVENT_STAGES))
           .group_by(RecommendationEvent.employee_id, RecommendationEvent.opportunity_id).subquery())
    return _grouped(session, sub)


def _application_rows(session: Session, period: Period) -> list[Row]:
    lo, hi = period.bounds()
    submitted = func.coalesce(Application.submitted_at, Application.created_at)
    sub = (select(Application.employee_id, case(APPLICATION_RANK, value=Application.status, else_=0).label("v"))
           .where(submitted >= lo, submitted < hi).subquery())
    return _grouped(session, sub)


def _score_rows(session: Session, period: Period) -> tuple[list[Row], int]:
    lo, hi = period.bounds()
    ev = RecommendationEvent
    best = (select(ev.employee_id, func.max(ev.score).label("s"))
            .where(ev.kind == "shown", ev.score.is_not(None), ev.at >= lo, ev.at < hi)
            .group_by(ev.employee_id, ev.opportunity_id).subquery())
    scores = sorted(float(s) for s in session.scalars(select(best.c.s)))
    if not scores:
        return [], 0
    n = len(scores)
    median = scores[n // 2] if n % 2 else (scores[n // 2 - 1] + scores[n // 2]) / 2
    sub = select(best.c.employee_id, case((best.c.s > median, 1), else_=0).label("v")).subquery()
    return _grouped(session, sub), n


def _label(dimension: str, sex: str | None, race: str | None) -> str:
    if dimension == "sex":
        return core.normalise_category(sex)
    if dimension == "race_ethnicity":
        return core.normalise_category(race)
    return core.intersection(sex, race)


def _table(dimension: str, counts: dict[str, list[int]]) -> FairnessTable:
    result = core.impact_table([core.GroupCount(g, t, s) for g, (t, s) in counts.items()], dimension=dimension)
    return FairnessTable(dimension=dimension, reference_group=result.reference_group, total=result.total,
                         groups=[FairnessGroup(**g.__dict__) for g in result.groups])


def _stage_outcome(rows: list[Row], name: str, description: str, base: int, target: int) -> AuditOutcome:
    """Assessed: pairs that reached rank >= base; selected: those that reached rank >= target."""
    tables = []
    assessed = selected = 0
    for dim in DIMENSIONS:
        counts: dict[str, list[int]] = {}
        for sex, race, rank, n in rows:
            if rank < base:
                continue
            cell = counts.setdefault(_label(dim, sex, race), [0, 0])
            cell[0] += n
            cell[1] += n if rank >= target else 0
        tables.append(_table(dim, counts))
        assessed, selected = sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())
    return AuditOutcome(name=name, kind="selection", description=description, assessed=assessed,
                        selected=selected, tables=tables)


def audit_bias(session: Session, *, period: Period) -> BiasAudit:
    """Selection rates and impact ratios by sex, race/ethnicity and their intersection for each
    funnel stage and application stage, and scoring rates for the engine's scores."""
    events = _event_stage_rows(session, period)
    apps = _application_rows(session, period)
    scores, n_scored = _score_rows(session, period)
    outcomes = []
    for k in range(1, len(EVENT_STAGES)):
        a, b = EVENT_STAGES[k - 1], EVENT_STAGES[k]
        outcomes.append(_stage_outcome(events, f"recommendation funnel: {a} → {b}",
                                       f"Pairs that reached '{a}' and went on to '{b}'.", k - 1, k))
    for k in range(1, len(APPLICATION_STAGES)):
        a, b = APPLICATION_STAGES[k - 1], APPLICATION_STAGES[k]
        outcomes.append(_stage_outcome(apps, f"applications: {a} → {b}",
                                       f"Applications submitted in the period that reached '{a}' and then '{b}'.",
                                       k - 1, k))
    outcomes.append(_stage_outcome(apps, "applications: applied → selected",
                                   "Applications submitted in the period that ended in selection.", 0, 3))
    if n_scored:
        score_outcome = _stage_outcome(scores, "engine scores: above the median",
                                       f"Scoring rate: share scoring above the median of all {n_scored} "
                                       "recommendation scores in the period.", 0, 1)
        outcomes.append(score_outcome.model_copy(update={"kind": "scoring"}))
    notes = []
    if not events:
        notes.append("No recommendation events in the period: the recommendation funnel and scores are empty.")
    if not apps:
        notes.append("No applications submitted in the period.")
    bind = session.get_bind()
    source = (f"Trellis database {bind.engine.url.render_as_string(hide_password=True)}: tables "
              "recommendation_events (funnel and scores), applications (statuses) and protected_attributes "
              "(self-reported sex and race/ethnicity).")
    return BiasAudit(title="Bias audit of the Trellis matching funnel", period=period.label,
                     generated_at=datetime.now(UTC), data_source=source, method=METHOD, outcomes=outcomes,
                     notes=notes)
