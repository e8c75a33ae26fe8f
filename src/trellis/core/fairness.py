"""Fairness metrics for bias audits: selection rates, impact ratios, the four-fifths flag,
small-group handling, and significance tests.

Definitions follow New York City's rules for Local Law 144 (6 RCNY §5-300, §5-301):

* selection rate = selected / assessed, per category;
* scoring rate (for tools that score rather than select) = the share of a category scoring
  *above the median score of the whole sample*;
* impact ratio = a category's rate / the rate of the most selected (highest-rate) category;
* a category under 2% of the data may be left out of the impact-ratio calculation, with the
  reason stated and its count and rate still reported; the "unknown" category is reported.

Beside the EEOC four-fifths rule (impact ratio < 0.8 is evidence of adverse impact), each
category is compared with the reference category by Fisher's exact test and a pooled
two-proportion z-test (scipy.stats), because a low ratio on small counts may be chance.
Pure: numpy and scipy only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

UNKNOWN = "Unknown"
FOUR_FIFTHS = 0.8
MIN_SHARE = 0.02
_UNKNOWN_VALUES = {"", "unknown", "none", "null", "prefer not to say", "prefer_not_to_say", "declined",
                   "not disclosed", "undisclosed"}


@dataclass(frozen=True)
class GroupCount:
    """How many people of one category were assessed (``total``) and selected."""

    group: str
    total: int
    selected: int


@dataclass(frozen=True)
class GroupResult:
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
    note: str | None = None  # why a low ratio is not flagged (too little evidence), if it is not


@dataclass(frozen=True)
class ImpactTable:
    """One dimension (sex, race/ethnicity, intersectional) of one audited outcome."""

    dimension: str
    reference_group: str | None
    total: int
    groups: tuple[GroupResult, ...]

    @property
    def excluded(self) -> tuple[GroupResult, ...]:
        return tuple(g for g in self.groups if g.excluded)

    @property
    def flagged(self) -> tuple[GroupResult, ...]:
        return tuple(g for g in self.groups if g.below_four_fifths)


def normalise_category(value: str | None) -> str:
    """A demographic value as reported; missing or declined answers become ``Unknown``."""
    if value is None or value.strip().lower() in _UNKNOWN_VALUES:
        return UNKNOWN
    return value.strip()


def intersection(sex: str | None, race_ethnicity: str | None) -> str:
    """The intersectional category of sex × race/ethnicity (unknown if either part is)."""
    a, b = normalise_category(sex), normalise_category(race_ethnicity)
    if UNKNOWN in (a, b):
        return UNKNOWN
    return f"{b} · {a}"


def selection_rate(selected: int, total: int) -> float | None:
    if selected < 0 or total < 0 or selected > total:
        raise ValueError(f"selected ({selected}) must lie between 0 and total ({total})")
    return selected / total if total else None


def impact_ratios(rates: Mapping[str, float]) -> dict[str, float]:
    """Each rate divided by the highest rate (the most selected category scores 1.0)."""
    top = max(rates.values(), default=0.0)
    if top <= 0:
        return {g: 0.0 for g in rates}
    return {g: r / top for g, r in rates.items()}


def fisher_exact_p(selected_a: int, total_a: int, selected_b: int, total_b: int) -> float:
    """Two-sided Fisher's exact test p-value for two categories' selection counts: the
    probability, under the hypergeometric law of the 2×2 table with fixed margins, of every
    table at most as likely as the observed one (the definition ``scipy.stats.fisher_exact``
    uses; computed here in one vectorised ``scipy.stats.hypergeom`` call, which stays fast on
    counts in the hundreds of thousands)."""
    population, successes = total_a + total_b, selected_a + selected_b
    if not total_a or not total_b or successes in (0, population):
        return 1.0
    support = np.arange(max(0, total_a - (population - successes)), min(total_a, successes) + 1)
    log_p = stats.hypergeom.logpmf(support, population, successes, total_a)
    observed = log_p[selected_a - support[0]]
    return float(min(1.0, np.exp(log_p[log_p <= observed + 1e-7]).sum()))


def two_proportion_z(selected_a: int, total_a: int, selected_b: int, total_b: int) -> tuple[float, float]:
    """Pooled two-proportion z statistic (a minus b) and its two-sided p-value."""
    if not total_a or not total_b:
        return 0.0, 1.0
    p_a, p_b = selected_a / total_a, selected_b / total_b
    pooled = (selected_a + selected_b) / (total_a + total_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    if se == 0:
        return 0.0, 1.0
    z = (p_a - p_b) / se
    return z, float(2 * stats.norm.sf(abs(z)))


def scoring_counts(scores: ArrayLike, groups: Sequence[str]) -> list[GroupCount]:
    """NYC scoring rate inputs: per category, how many were scored and how many scored *above*
    the median score of the whole sample (ties at the median do not count as above)."""
    values = np.asarray(scores, dtype=np.float64)
    if values.shape[0] != len(groups):
        raise ValueError("scores and groups must have the same length")
    if values.size == 0:
        return []
    above = values > float(np.median(values))
    labels = np.asarray(groups, dtype=object)
    out = []
    for group in sorted(set(groups)):
        mask = labels == group
        out.append(GroupCount(group, int(mask.sum()), int(above[mask].sum())))
    return out


def impact_table(
    counts: Iterable[GroupCount],
    *,
    dimension: str,
    min_share: float = MIN_SHARE,
    threshold: float = FOUR_FIFTHS,
    min_selected: int = 0,
    min_group: int = 0,
) -> ImpactTable:
    """Selection rates, impact ratios against the highest-rate category, the four-fifths flag
    and significance tests. Categories under ``min_share`` of the total and the ``Unknown``
    category are reported with their counts and rates but left out of the impact ratios,
    each with the reason. When nobody compared was selected there is no ratio at all (0 / 0).
    A low ratio is flagged only with evidence: at least ``min_selected`` selections among the
    compared categories and at least ``min_group`` assessed in the category; otherwise the
    row says why it is not flagged."""
    rows = [c for c in counts if c.total > 0]
    total = sum(c.total for c in rows)
    reasons: dict[str, str] = {}
    for c in rows:
        share = c.total / total
        if c.group == UNKNOWN:
            reasons[c.group] = "unknown category: counted and reported, not compared"
        elif share < min_share:
            reasons[c.group] = (f"under {min_share:.0%} of the data ({c.total} of {total}, {share:.2%}); "
                                "excluded from impact ratios as 6 RCNY §5-301(d) allows")
    compared = {c.group: c.selected / c.total for c in rows if c.group not in reasons}
    selections = sum(c.selected for c in rows if c.group not in reasons)
    ratios = impact_ratios(compared) if selections else {}
    reference = max(compared, key=lambda g: (compared[g], -len(g), g)) if compared and selections else None
    ref = next((c for c in rows if c.group == reference), None)
    results = []
    for c in sorted(rows, key=lambda c: (c.group == UNKNOWN, c.group)):
        ratio = ratios.get(c.group)
        fisher = z = z_p = None
        if ref is not None and c.group != reference:
            fisher = fisher_exact_p(c.selected, c.total, ref.selected, ref.total)
            z, z_p = two_proportion_z(c.selected, c.total, ref.selected, ref.total)
        low = ratio is not None and ratio < threshold
        note = None
        if c.group in reasons:
            pass
        elif not selections:
            note = "nobody compared was selected: no ratio"
        elif selections < min_selected:
            note = f"only {selections} selected in all (under {min_selected}): too few to judge"
        elif c.total < min_group:
            note = f"only {c.total} assessed (under {min_group}): too few to judge"
        results.append(GroupResult(
            group=c.group, total=c.total, selected=c.selected, rate=selection_rate(c.selected, c.total),
            share=c.total / total, impact_ratio=ratio,
            below_four_fifths=low and note is None,
            excluded=c.group in reasons, exclusion_reason=reasons.get(c.group),
            fisher_p=fisher, z=z, z_p=z_p, note=note,
        ))
    return ImpactTable(dimension=dimension, reference_group=reference, total=total, groups=tuple(results))


def counts_from_pairs(groups: Sequence[str], selected: ArrayLike) -> list[GroupCount]:
    """Group counts from one label and one selected flag per assessed person."""
    flags = np.asarray(selected, dtype=bool)
    labels = np.asarray(groups, dtype=object)
    return [GroupCount(g, int((labels == g).sum()), int(flags[labels == g].sum())) for g in sorted(set(groups))]
