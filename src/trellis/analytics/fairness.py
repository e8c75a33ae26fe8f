"""The fairness audit: the ONLY service that reads demographics (``ProtectedAttributes``).

Everything else in Trellis — matching included — never imports or queries that table; a test
(``tests/analytics/test_demographics_boundary.py``) walks the source tree to keep it so. Only
this module's ``_demographics`` reads it, and only to count outcomes per
group. Who may run the audit (HR admins and auditors) is enforced at the request boundary.

Method (see docs/fairness-audit.md): for each funnel stage, the unit is one person: a person
whose furthest stage on any opening reached a stage counts as assessed for the next one and as
selected if they reached it too (a funnel is monotone). For the engine's scores, each person
recommended in the period is scored by their highest score, and the NYC scoring rate applies:
the share of a group scoring above the median score of everyone scored. A ratio under four
fifths is flagged only with evidence (enough selections in all, enough people in the group).
Rates, impact ratios, small-group handling and significance tests come from
``trellis.core.fairness``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from trellis.analytics import frames
from trellis.analytics.cache import cacheable
from trellis.analytics.schemas import AuditOutcome, BiasAudit, FairnessGroup, FairnessTable, Period
from trellis.analytics.service import APPLICATION_RANK, APPLICATION_STAGES, EVENT_STAGES, hidden_pairs
from trellis.audit.service import record
from trellis.core import fairness as core
from trellis.models import Application, ProtectedAttributes

DIMENSIONS = ("sex", "race_ethnicity", "intersectional")
MIN_SELECTED = 5  # selections in a comparison before a low ratio can be flagged
MIN_GROUP = 10  # people assessed in a category before its low ratio can be flagged
SIGNIFICANT = 0.05  # the summary says how many flags are also unlikely to be chance

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
    "Unit of analysis: one person, at the furthest stage they reached on any opening in the period (a person "
    "who reached a later stage also counts as having reached the earlier ones); never person × opening pairs, "
    "which let a few busy people look like many.",
    f"No flag without evidence: a ratio under 0.8 is flagged only when at least {MIN_SELECTED} people were "
    f"selected in the comparison and at least {MIN_GROUP} people of the category were assessed; otherwise the "
    "row says it is too small to judge. When nobody was selected there is no ratio.",
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


def _event_pairs(session: Session, period: Period, hidden: frozenset[int]) -> np.ndarray:
    """One row per person × opportunity pair: employee id, furthest stage rank, best score
    when shown (NaN if none); less the pairs of the applications in ``hidden``."""
    lo, hi = period.bounds()
    pairs = frames.event_pairs(session, lo=lo, hi=hi, stages=EVENT_STAGES, scores=True)
    assert pairs.score is not None
    kept = ~hidden_pairs(session, employees=pairs.employee, opportunities=pairs.opportunity, hidden=hidden)
    return (np.stack([pairs.employee[kept], pairs.stage[kept], pairs.score[kept]], axis=1)
            .astype(np.float64).reshape(-1, 3))


def _application_ranks(session: Session, period: Period, hidden: frozenset[int]) -> np.ndarray:
    lo, hi = period.bounds()
    submitted = func.coalesce(Application.submitted_at, Application.created_at)
    stmt = (select(Application.employee_id, case(APPLICATION_RANK, value=Application.status, else_=0))
            .where(submitted >= lo, submitted < hi, Application.id.not_in(sorted(hidden))))
    return frames.fetch_array(session, stmt)


def _label(dimension: str, sex: str | None, race: str | None) -> str:
    if dimension == "sex":
        return core.normalise_category(sex)
    if dimension == "race_ethnicity":
        return core.normalise_category(race)
    return core.intersection(sex, race)


def _table(dimension: str, labels: list[str], totals: np.ndarray, selected: np.ndarray) -> FairnessTable:
    counts = [core.GroupCount(labels[i], int(totals[i]), int(selected[i])) for i in range(len(labels))]
    result = core.impact_table(counts, dimension=dimension, min_selected=MIN_SELECTED, min_group=MIN_GROUP)
    return FairnessTable(dimension=dimension, reference_group=result.reference_group, total=result.total,
                         groups=[FairnessGroup(**g.__dict__) for g in result.groups])


def per_person(employees: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row per person: their id and their highest value (furthest stage, best score)."""
    ids, inverse = np.unique(employees.astype(np.int64), return_inverse=True)
    best = np.full(ids.shape[0], -np.inf)
    np.maximum.at(best, inverse, values.astype(np.float64))
    return ids, best


def _outcome(demo: Demographics, employees: np.ndarray, values: np.ndarray, *, name: str, description: str,
             base: int, target: int, kind: str = "selection") -> AuditOutcome:
    """Per person (their highest value over the rows): assessed when it is >= base, selected
    when it is >= target too."""
    pairs = int((values >= base).sum())
    employees, values = per_person(employees, values)
    assessed = values >= base
    chosen = assessed & (values >= target)
    tables = []
    for dim in DIMENSIONS:
        codes = demo.of(dim, employees)
        n = len(demo.labels[dim])
        tables.append(_table(dim, demo.labels[dim], np.bincount(codes[assessed], minlength=n),
                             np.bincount(codes[chosen], minlength=n)))
    return AuditOutcome(name=name, kind=kind, description=description, assessed=int(assessed.sum()),
                        selected=int(chosen.sum()), tables=tables, pairs=pairs)


def audit_bias(session: Session, *, period: Period, actor: str = "system",
               hidden: frozenset[int] = frozenset()) -> BiasAudit:
    """Selection rates and impact ratios by sex, race/ethnicity and their intersection for each
    funnel stage and application stage, and scoring rates for the engine's scores. Reading the
    demographics is itself audited (who, when, for which period) — also when the figures come
    from the dashboards' cache. The applications in ``hidden`` (those the viewer may not see,
    ``applications.service.hidden_application_ids``) are left out of every count."""
    record(session, actor=actor, action="demographics.read", entity_type="report", entity_id="bias_audit",
           reason="fairness audit (aggregates only)", data={"period": period.label})
    return _audit(session, period=period, hidden=hidden)


@cacheable(ProtectedAttributes.__tablename__, "recommendation_events", "applications")
def _audit(session: Session, *, period: Period, hidden: frozenset[int] = frozenset()) -> BiasAudit:
    demo = _demographics(session)
    pairs = _event_pairs(session, period, hidden)
    apps = _application_ranks(session, period, hidden)
    outcomes = []
    for k in range(1, len(EVENT_STAGES)):
        a, b = EVENT_STAGES[k - 1], EVENT_STAGES[k]
        outcomes.append(_outcome(demo, pairs[:, 0], pairs[:, 1], name=f"recommendation funnel: {a} → {b}",
                                 description=f"People who reached '{a}' on some recommended opening and went "
                                             f"on to '{b}' on one.", base=k - 1, target=k))
    for k in range(1, len(APPLICATION_STAGES)):
        a, b = APPLICATION_STAGES[k - 1], APPLICATION_STAGES[k]
        outcomes.append(_outcome(demo, apps[:, 0], apps[:, 1], name=f"applications: {a} → {b}",
                                 description=f"People whose applications submitted in the period reached '{a}' and "
                                             f"then '{b}'.", base=k - 1, target=k))
    outcomes.append(_outcome(demo, apps[:, 0], apps[:, 1], name="applications: applied → selected",
                             description="People who applied in the period and were selected for an opening.",
                             base=0, target=3))
    scored = pairs[~np.isnan(pairs[:, 2])]
    if scored.shape[0]:
        people, best = per_person(scored[:, 0], scored[:, 2])
        median = float(np.median(best))
        outcomes.append(_outcome(
            demo, people, (best > median).astype(np.int64), name="engine scores: above the median",
            description=f"Scoring rate: share of people whose best recommendation score is above the median "
                        f"({median:.4g}) of the {people.shape[0]} people scored in the period.",
            base=0, target=1, kind="scoring"))
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


HEADLINE = "applications: applied → selected"


def headline(audit: BiasAudit) -> AuditOutcome | None:
    """The outcome the page leads with: selection from application, else the one with the most
    people selected (None when nobody was selected anywhere)."""
    chosen = [o for o in audit.outcomes if o.selected]
    if not chosen:
        return None
    return next((o for o in chosen if o.name == HEADLINE), max(chosen, key=lambda o: o.selected))


def summary(audit: BiasAudit) -> str:
    """The audit in one paragraph: what was looked at, what is flagged, what is too small to judge."""
    if not audit.outcomes or not any(o.assessed for o in audit.outcomes):
        return f"{audit.period}: nobody was recommended or applied in this period, so there is nothing to audit."
    applied = next((o for o in audit.outcomes if o.name == HEADLINE), None)
    parts = [f"{audit.period}: {applied.assessed} people applied and {applied.selected} were selected."
             if applied else f"{audit.period}:"]
    flags = [(o, dim, g) for o in audit.outcomes for dim, g in o.flagged]
    if flags:
        shown = "; ".join(f"{g.group} ({dim.replace('_', ' ')}) in {o.name}: impact ratio {g.impact_ratio:.2f}"
                          + (f", Fisher p = {g.fisher_p:.2g}" if g.fisher_p is not None else "")
                          for o, dim, g in flags[:2])
        more = f" and {len(flags) - 2} more" if len(flags) > 2 else ""
        parts.append(f"{len(flags)} group results are below four fifths with enough evidence to judge: {shown}{more}.")
        significant = sum(1 for _o, _d, g in flags if g.fisher_p is not None and g.fisher_p < SIGNIFICANT)
        parts.append(f"{significant or 'None'} of them {'is' if significant == 1 else 'are'} statistically "
                     f"significant (Fisher p < {SIGNIFICANT}){'' if significant else ': the gaps may be chance'}.")
    else:
        parts.append("No group is below four fifths with enough people and selections to judge.")
    small = sum(1 for o in audit.outcomes for t in o.tables for g in t.groups
                if g.note and g.impact_ratio is not None and g.impact_ratio < core.FOUR_FIFTHS)
    if small:
        parts.append(f"{small} low ratios are not flagged because too few people were selected or assessed.")
    empty = [o.name for o in audit.outcomes if o.assessed and not o.selected]
    if empty:
        parts.append(f"Nobody was selected in {len(empty)} of the {len(audit.outcomes)} outcomes, so they have no "
                     "ratios.")
    return " ".join(parts)
