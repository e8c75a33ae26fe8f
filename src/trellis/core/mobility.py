"""Mobility metrics: internal mobility rate, internal fill rate, the move mix, time to fill,
12-month retention of movers against comparable stayers, gig participation and the funnel.
Pure functions over counts and numpy arrays; services feed them from the database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np
from numpy.typing import ArrayLike

INTERNAL_MOVES = ("promotion", "lateral", "demotion")


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def average_headcount(start: int, end: int) -> float:
    """The usual HR denominator: the mean of headcount at the period's start and end."""
    return (start + end) / 2


def mobility_rate(movers: int, headcount_start: int, headcount_end: int) -> float | None:
    """People who made at least one internal move / average headcount."""
    return ratio(movers, average_headcount(headcount_start, headcount_end))


def internal_fill_rate(filled_internally: int, filled_total: int) -> float | None:
    """Openings filled by internal candidates / all filled openings."""
    return ratio(filled_internally, filled_total)


@dataclass(frozen=True)
class MoveMix:
    promotions: int
    laterals: int
    demotions: int

    @property
    def total(self) -> int:
        return self.promotions + self.laterals + self.demotions

    @property
    def promotion_share(self) -> float | None:
        return ratio(self.promotions, self.total)

    @property
    def lateral_to_promotion(self) -> float | None:
        """Lateral moves per promotion (a common health sign of a marketplace)."""
        return ratio(self.laterals, self.promotions)


def move_mix(counts: Mapping[str, int]) -> MoveMix:
    return MoveMix(counts.get("promotion", 0), counts.get("lateral", 0), counts.get("demotion", 0))


@dataclass(frozen=True)
class Distribution:
    n: int
    mean: float | None
    median: float | None
    p90: float | None


def distribution(values: ArrayLike) -> Distribution:
    """Count, mean, median and 90th percentile (linear interpolation) of ``values``."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return Distribution(0, None, None, None)
    return Distribution(int(arr.size), float(arr.mean()), float(np.median(arr)), float(np.percentile(arr, 90)))


def time_to_fill(posted_days: ArrayLike, filled_days: ArrayLike) -> Distribution:
    """Days from posting to filling (day numbers, e.g. ``date.toordinal()``); negative spans
    (data errors) are dropped."""
    spans = np.asarray(filled_days, dtype=np.float64) - np.asarray(posted_days, dtype=np.float64)
    return distribution(spans[spans >= 0])


def retained(event_days: ArrayLike, exit_days: ArrayLike, horizon: int = 365) -> np.ndarray:
    """True where a person did not leave within ``horizon`` days after their event day.
    ``exit_days`` holds NaN for people who have not left."""
    events = np.asarray(event_days, dtype=np.float64)
    exits = np.asarray(exit_days, dtype=np.float64)
    left = ~np.isnan(exits) & (exits > events) & (exits <= events + horizon)
    return np.asarray(~left)


@dataclass(frozen=True)
class RetentionComparison:
    movers: int
    movers_retained: float | None
    stayers: int
    stayers_retained: float | None  # standardised to the movers' mix of strata
    stayers_retained_raw: float | None
    difference: float | None


def retention_vs_stayers(
    mover_strata: Sequence[object], mover_retained: ArrayLike,
    stayer_strata: Sequence[object], stayer_retained: ArrayLike,
) -> RetentionComparison:
    """12-month retention of movers against *comparable* stayers: the stayers' retention in each
    stratum (e.g. job family × level × tenure band) weighted by how many movers fall in it
    (direct standardisation). Strata with movers but no stayers use the stayers' overall rate."""
    m_ok = np.asarray(mover_retained, dtype=bool)
    s_ok = np.asarray(stayer_retained, dtype=bool)
    raw = float(s_ok.mean()) if s_ok.size else None
    mover_rate = float(m_ok.mean()) if m_ok.size else None
    if not m_ok.size or raw is None:
        return RetentionComparison(int(m_ok.size), mover_rate, int(s_ok.size), raw, raw, None)
    if len(stayer_strata) != s_ok.size:
        raise ValueError("stayer_strata and stayer_retained must have the same length")
    totals = Counter(stayer_strata)
    kept = Counter(compress(stayer_strata, s_ok.tolist()))
    weights = Counter(mover_strata)  # in order of first appearance
    standardised = sum(
        n * (kept[k] / totals[k] if k in totals else raw) for k, n in weights.items()
    ) / int(m_ok.size)
    return RetentionComparison(int(m_ok.size), mover_rate, int(s_ok.size), standardised, raw,
                               None if mover_rate is None else mover_rate - standardised)


def tenure_band(years: float) -> str:
    """Tenure bands used to compare like with like."""
    for limit, label in ((1, "<1y"), (3, "1-3y"), (5, "3-5y"), (10, "5-10y")):
        if years < limit:
            return label
    return "10y+"


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    count: int
    conversion: float | None  # from the previous stage
    cumulative: float | None  # from the first stage


def funnel(stages: Sequence[str], reached: Mapping[str, int]) -> list[FunnelStage]:
    """Counts per ordered stage with conversion from the previous and from the first stage."""
    out: list[FunnelStage] = []
    first = reached.get(stages[0], 0) if stages else 0
    previous: int | None = None
    for stage in stages:
        n = reached.get(stage, 0)
        out.append(FunnelStage(stage, n, None if previous is None else ratio(n, previous), ratio(n, first)))
        previous = n
    return out


def reached_at_least(stage_ranks: ArrayLike, counts: ArrayLike, n_stages: int) -> np.ndarray:
    """From counts of items whose furthest stage is rank r (0-based), how many reached each
    stage or a later one (a funnel is monotone: a selection implies an application)."""
    per_rank = np.bincount(np.asarray(stage_ranks, dtype=np.int64), weights=np.asarray(counts, dtype=np.float64),
                           minlength=n_stages)[:n_stages]
    return np.asarray(np.cumsum(per_rank[::-1])[::-1].astype(np.int64))


def participation_rate(participants: int, headcount: int) -> float | None:
    """Share of people who took part (e.g. in at least one gig or project)."""
    return ratio(participants, headcount)
