"""Workforce analytics on arrays: talent-flow matrices, net importers and exporters, skills
supply against demand, emerging skills, and indicators of talent hoarding. Pure numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


def flow_matrix(sources: ArrayLike, targets: ArrayLike, n: int, weights: ArrayLike | None = None) -> np.ndarray:
    """``n × n`` matrix whose cell (i, j) counts moves from unit i to unit j."""
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    w = np.ones(src.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    flat = np.bincount(src * n + dst, weights=w, minlength=n * n)
    return np.asarray(flat.reshape(n, n).round().astype(np.int64))


@dataclass(frozen=True)
class NetFlows:
    inflow: np.ndarray
    outflow: np.ndarray
    net: np.ndarray  # positive: net importer of talent


def net_flows(matrix: ArrayLike) -> NetFlows:
    """Moves in and out of each unit, ignoring moves inside a unit (the diagonal)."""
    m = np.array(matrix, dtype=np.int64)
    np.fill_diagonal(m, 0)
    inflow, outflow = m.sum(axis=0), m.sum(axis=1)
    return NetFlows(inflow, outflow, inflow - outflow)


def supply_at_level(counts: ArrayLike, needed: ArrayLike) -> np.ndarray:
    """How many people hold each skill at or above the needed level.

    ``counts`` is a ``skills × 6`` matrix: counts[s, p] people hold skill s at proficiency p
    (1–5; column 0 unused). ``needed`` is the level asked for each skill."""
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != 6:
        raise ValueError("counts must be a skills × 6 matrix (proficiency 0..5)")
    at_or_above = np.cumsum(c[:, ::-1], axis=1)[:, ::-1]  # column p: people with proficiency >= p
    need = np.clip(np.asarray(needed, dtype=np.int64), 0, c.shape[1] - 1)
    return np.asarray(at_or_above[np.arange(c.shape[0]), need])


@dataclass(frozen=True)
class Gap:
    demand: np.ndarray
    supply: np.ndarray
    gap: np.ndarray  # demand - supply; positive is a shortage
    coverage: np.ndarray  # supply / demand, NaN where nothing is demanded


def supply_demand_gap(demand: ArrayLike, supply: ArrayLike) -> Gap:
    d = np.asarray(demand, dtype=np.float64)
    s = np.asarray(supply, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(d > 0, s / np.where(d > 0, d, 1), np.nan)
    return Gap(d, s, d - s, coverage)


def weighted_level(levels: ArrayLike, weights: ArrayLike, keys: ArrayLike, n: int) -> np.ndarray:
    """Per key (0..n-1), the weighted median of the levels asked for it (0 where none)."""
    lv = np.asarray(levels, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    k = np.asarray(keys, dtype=np.int64)
    table = np.zeros((n, 6))
    np.add.at(table, (k, np.clip(lv, 0, 5)), w)
    cum = np.cumsum(table, axis=1)
    half = cum[:, -1:] / 2
    out = np.argmax(cum >= half, axis=1)
    out[cum[:, -1] == 0] = 0
    return np.asarray(out)


def growth(previous: ArrayLike, current: ArrayLike, *, prior: float = 1.0) -> np.ndarray:
    """Smoothed relative growth (current + prior) / (previous + prior) - 1: a skill that goes
    from 0 to 1 does not outrank one that goes from 20 to 40."""
    p = np.asarray(previous, dtype=np.float64)
    c = np.asarray(current, dtype=np.float64)
    return np.asarray((c + prior) / (p + prior) - 1)


@dataclass(frozen=True)
class HoardingFlags:
    release_rate: np.ndarray  # released / recommended, NaN where nobody was recommended
    baseline: float | None  # the organisation's release rate
    flagged: np.ndarray
    reasons: list[list[str]]


def hoarding_flags(
    recommended: ArrayLike, released: ArrayLike, blocked: ArrayLike, approval_days: ArrayLike,
    *, min_recommended: int = 5, low_ratio: float = 0.5, max_blocked: int = 2, slow_days: float = 14.0,
    decisions: ArrayLike | None = None, min_decisions: int = 3, blocked_share: float = 0.5,
) -> HoardingFlags:
    """Managers whose reports are often recommended but rarely released.

    Flags, each with its reason: a release rate under ``low_ratio`` × the organisation's rate
    (with at least ``min_recommended`` reports recommended); ``max_blocked`` or more moves
    blocked by the manager; a median approval delay over ``slow_days`` days (NaN: none).

    With ``decisions`` (how many of their reports' moves each manager decided on), the last
    two need evidence: at least ``min_decisions`` decisions, and blocked moves that are at least
    ``blocked_share`` of them — one slow answer or two refusals out of twenty flag nobody."""
    rec = np.asarray(recommended, dtype=np.float64)
    rel = np.asarray(released, dtype=np.float64)
    blk = np.asarray(blocked, dtype=np.int64)
    days = np.asarray(approval_days, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(rec > 0, rel / np.where(rec > 0, rec, 1), np.nan)
    baseline = float(rel.sum() / rec.sum()) if rec.sum() else None
    reasons: list[list[str]] = [[] for _ in range(rec.shape[0])]
    if baseline is not None and baseline > 0:
        low = (rec >= min_recommended) & (rate < low_ratio * baseline)
        for i in np.flatnonzero(low):
            reasons[i].append(f"{int(rel[i])} of {int(rec[i])} recommended reports released "
                              f"({rate[i]:.0%} vs {baseline:.0%} overall)")
    enough = np.ones(rec.shape[0], dtype=bool)
    many_blocked = blk >= max_blocked
    if decisions is not None:
        dec = np.asarray(decisions, dtype=np.int64)
        enough = dec >= min_decisions
        many_blocked &= enough & (blk >= blocked_share * np.maximum(dec, 1))
    for i in np.flatnonzero(many_blocked):
        of = f" of {int(np.asarray(decisions)[i])} decided" if decisions is not None else ""
        reasons[i].append(f"{int(blk[i])} moves blocked{of}")
    slow = ~np.isnan(days) & (days > slow_days) & enough
    for i in np.flatnonzero(slow):
        reasons[i].append(f"median decision delay {days[i]:.0f} days")
    flagged = np.array([bool(r) for r in reasons], dtype=bool)
    return HoardingFlags(rate, baseline, flagged, reasons)
