"""The fairness audit: the ONLY service that reads demographics (``ProtectedAttributes``).

Everything else in Trellis — matching included — never imports or queries that table; a test
(``tests/analytics/test_demographics_boundary.py``) walks the source tree to keep it so. Only
this module's ``_demographics`` reads it, and only to count outcomes per
group. Who may run the audit (HR admins and auditors) is enforced at the request boundary.

Method (see docs/fairness-audit.md): for each funnel stage, the unit is one person × opportunity
pair; a pair that reached a stage counts as assessed for the next one and as selected if it
reached it too (a funnel is monotone). For the engine's scores, each pair recommended in the
period is scored by its highest score, and the NYC scoring rate applies: the share of a group
scoring above the median score of the whole sample. Rates, impact ratios, small-group handling
and significance tests come from ``trellis.core.fairness``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from trellis.analytics import frames
from trellis.analytics.cache import cacheable
from trellis.analytics.schemas import AuditOutcome, BiasAudit, FairnessGroup, FairnessTable, Period
from trellis.analytics.service import APPLICATION_RANK, APPLICATION_STAGES, EVENT_STAGES
from trellis.audit.service import record
from trellis.core import fairness as core
from trellis.models import Application, ProtectedAttributes

DIMENSIONS = ("sex", "race_ethnicity", "intersectional")

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


@dataclass(frozen=True)
class Demographics:
    """Category labels per employee id, for each audited dimension (index 0: Unknown)."""

    labels: dict[str, list[str]]
    codes: dict[str, np.ndarray]  # dimension -> code per employee id (0 where unknown)

    def of(self, dimension: str, employee_ids: np.ndarray) -> np.ndarray:
        codes = self.codes[dimension]
        ids = employee_ids.astype(np.int64)
        inside = ids < codes.shape[0]
        out = np.zeros(ids.shape[0], dtype=np.int64)
        out[inside] = codes[ids[inside]]
        return out


def _demographics(session: Session) -> Demographics:
    """The one read of protected attributes: sex and race/ethnicity per employee id."""
    pa = ProtectedAttributes
    rows = frames.fetch_raw(session, select(pa.employee_id, pa.sex, pa.race_ethnicity))
    combos: dict[tuple[str | None, str | None], int] = {}
    combo_of = [combos.setdefault((r[1], r[2]), len(combos)) for r in rows]
    employees = np.array([r[0] for r in rows], dtype=np.int64)
    combo = np.array(combo_of, dtype=np.int64)
    size = int(employees.max(initial=0)) + 1
    labels: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for dim in DIMENSIONS:
        names = [core.UNKNOWN]
        index = {core.UNKNOWN: 0}
        per_combo = np.zeros(len(combos), dtype=np.int64)
        for (sex, race), c in combos.items():
            label = _label(dim, sex, race)
            if label not in index:
                index[label] = len(names)
                names.append(label)
            per_combo[c] = index[label]
        labels[dim] = names
        codes[dim] = np.zeros(size, dtype=np.int64)
        codes[dim][employees] = per_combo[combo]
    return Demographics(labels, codes)


def _event_pairs(session: Session, period: Period) -> np.ndarray:
    """One row per person × opportunity pair: employee id, furthest stage rank, best score
    when shown (NaN if none)."""
    lo, hi = period.bounds()
    pairs = frames.event_pairs(session, lo=lo, hi=hi, stages=EVENT_STAGES, scores=True)
    assert pairs.score is not None
    return np.stack([pairs.employee, pairs.stage, pairs.score], axis=1).astype(np.float64).reshape(-1, 3)


def _application_ranks(session: Session, period: Period) -> np.ndarray:
    lo, hi = period.bounds()
    submitted = func.coalesce(Application.submitted_at, Application.created_at)
    stmt = (select(Application.employee_id, case(APPLICATION_RANK, value=Application.status, else_=0))
            .where(submitted >= lo, submitted < hi))
    return frames.fetch_array(session, stmt)


def _label(dimension: str, sex: str | None, race: str | None) -> str:
    if dimension == "sex":
        return core.normalise_category(sex)
    if dimension == "race_ethnicity":
        return core.normalise_category(race)
    return core.intersection(sex, race)


def _table(dimension: str, labels: list[str], totals: np.ndarray, selected: np.ndarray) -> FairnessTable:
    counts = [core.GroupCount(labels[i], int(totals[i]), int(selected[i])) for i in range(len(labels))]
    result = core.impact_table(counts, dimension=dimension)
    return FairnessTable(dimension=dimension, reference_group=result.reference_group, total=result.total,
                         groups=[FairnessGroup(**g.__dict__) for g in result.groups])


def _outcome(demo: Demographics, employees: np.ndarray, values: np.ndarray, *, name: str, description: str,
             base: int, target: int, kind: str = "selection") -> AuditOutcome:
    """Assessed: rows whose value >= base; selected: those whose value >= target."""
    assessed = values >= base
    chosen = assessed & (values >= target)
    tables = []
    for dim in DIMENSIONS:
        codes = demo.of(dim, employees)
        n = len(demo.labels[dim])
        tables.append(_table(dim, demo.labels[dim], np.bincount(codes[assessed], minlength=n),
                             np.bincount(codes[chosen], minlength=n)))
    return AuditOutcome(name=name, kind=kind, description=description, assessed=int(assessed.sum()),
                        selected=int(chosen.sum()), tables=tables)


def audit_bias(session: Session, *, period: Period, actor: str = "system") -> BiasAudit:
    """Selection rates and impact ratios by sex, race/ethnicity and their intersection for each
    funnel stage and application stage, and scoring rates for the engine's scores. Reading the
    demographics is itself audited (who, when, for which period) — also when the figures come
    from the dashboards' cache."""
    record(session, actor=actor, action="demographics.read", entity_type="report", entity_id="bias_audit",
           reason="fairness audit (aggregates only)", data={"period": period.label})
    return _audit(session, period=period)


@cacheable(ProtectedAttributes.__tablename__, "recommendation_events", "applications")
def _audit(session: Session, *, period: Period) -> BiasAudit:
    demo = _demographics(session)
    pairs = _event_pairs(session, period)
    apps = _application_ranks(session, period)
    outcomes = []
    for k in range(1, len(EVENT_STAGES)):
        a, b = EVENT_STAGES[k - 1], EVENT_STAGES[k]
        outcomes.append(_outcome(demo, pairs[:, 0], pairs[:, 1], name=f"recommendation funnel: {a} → {b}",
                                 description=f"Pairs that reached '{a}' and went on to '{b}'.", base=k - 1, target=k))
    for k in range(1, len(APPLICATION_STAGES)):
        a, b = APPLICATION_STAGES[k - 1], APPLICATION_STAGES[k]
        outcomes.append(_outcome(demo, apps[:, 0], apps[:, 1], name=f"applications: {a} → {b}",
                                 description=f"Applications submitted in the period that reached '{a}' and then "
                                             f"'{b}'.", base=k - 1, target=k))
    outcomes.append(_outcome(demo, apps[:, 0], apps[:, 1], name="applications: applied → selected",
                             description="Applications submitted in the period that ended in selection.",
                             base=0, target=3))
    scored = pairs[~np.isnan(pairs[:, 2])]
    if scored.shape[0]:
        median = float(np.median(scored[:, 2]))
        outcomes.append(_outcome(
            demo, scored[:, 0], (scored[:, 2] > median).astype(np.int64), name="engine scores: above the median",
            description=f"Scoring rate: share scoring above the median ({median:.4g}) of all {scored.shape[0]} "
                        "recommendation scores in the period.", base=0, target=1, kind="scoring"))
    events, n_apps = pairs.shape[0], apps.shape[0]
    notes = []
    if not events:
        notes.append("No recommendation events in the period: the recommendation funnel and scores are empty.")
    if not n_apps:
        notes.append("No applications submitted in the period.")
    bind = session.get_bind()
    source = (f"Trellis database {bind.engine.url.render_as_string(hide_password=True)}: tables "
              "recommendation_events (funnel and scores), applications (statuses) and protected_attributes "
              "(self-reported sex and race/ethnicity).")
    return BiasAudit(title="Bias audit of the Trellis matching funnel", period=period.label,
                     generated_at=datetime.now(UTC), data_source=source, method=METHOD, outcomes=outcomes,
                     notes=notes)
