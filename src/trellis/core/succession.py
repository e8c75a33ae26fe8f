"""Succession: readiness bands for candidate successors and bench strength per role.

Readiness is read from two numbers for a person against a role's requirements: the match score
(``coverage_score``, 0–100) and the gap size (levels missing on required skills, summed):

* **ready now** — score ≥ ``ready_score`` (85) and at most ``ready_gap`` (1) level missing;
* **1–2 years** — score ≥ ``near_score`` (60) and at most ``near_gap`` (6) levels missing;
* **3+ years** — anyone else on the list.

Bench strength: ``strong`` when at least one person is ready now and at least two are ready
within two years; ``moderate`` when someone is ready within two years; ``weak`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from trellis.core.paths import GapItem, Requirement, coverage_score, skill_gap

Band = Literal["ready now", "1-2 years", "3+ years"]
BANDS: tuple[Band, ...] = ("ready now", "1-2 years", "3+ years")


@dataclass(frozen=True)
class Thresholds:
    ready_score: float = 85.0
    ready_gap: int = 1
    near_score: float = 60.0
    near_gap: int = 6


@dataclass(frozen=True)
class Successor:
    person_id: int
    score: float
    gap_levels: int
    band: Band
    gap: tuple[GapItem, ...]


@dataclass(frozen=True)
class Bench:
    counts: dict[str, int]
    strength: Literal["strong", "moderate", "weak"]


def readiness(score: float, gap_levels: int, t: Thresholds = Thresholds()) -> Band:
    if score >= t.ready_score and gap_levels <= t.ready_gap:
        return "ready now"
    if score >= t.near_score and gap_levels <= t.near_gap:
        return "1-2 years"
    return "3+ years"


def rank_successors(
    candidates: Mapping[int, Mapping[int, int]],
    requirements: Sequence[Requirement],
    *,
    limit: int = 10,
    min_score: float = 40.0,
    thresholds: Thresholds = Thresholds(),
) -> list[Successor]:
    """Candidates (person id → skill levels) ranked by band, then score, then smaller gap."""
    out = []
    for pid, have in candidates.items():
        score = coverage_score(have, requirements)
        if score < min_score:
            continue
        gap = skill_gap(have, requirements)
        levels = sum(g.levels_missing for g in gap if g.required)
        out.append(Successor(pid, score, levels, readiness(score, levels, thresholds), tuple(gap)))
    out.sort(key=lambda s: (BANDS.index(s.band), -s.score, s.gap_levels, s.person_id))
    return out[:limit]


def score_matrix(
    have: NDArray[np.float64], requirements: Sequence[Requirement], columns: Mapping[int, int]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``coverage_score`` and required levels missing for every row of ``have`` (people × skills,
    proficiency 0–5, skill id → column in ``columns``) at once; same numbers as the scalar
    functions."""
    n = have.shape[0]
    if not requirements:
        return np.full(n, 100.0), np.zeros(n, dtype=np.int64)
    cols = np.array([columns[r.skill_id] for r in requirements], dtype=np.int64)
    level = np.array([max(r.level, 1) for r in requirements], dtype=np.float64)
    weight = np.array([r.weight * (1.0 if r.required else 0.5) for r in requirements])
    required = np.array([r.required for r in requirements])
    got = have[:, cols]
    total = weight.sum()
    scores = np.round(100.0 * (np.minimum(got / level, 1.0) @ weight) / total, 2) if total else np.full(n, 100.0)
    missing = np.maximum(np.array([r.level for r in requirements])[None, :] - got, 0)
    gap_levels = missing[:, required].sum(axis=1).astype(np.int64)
    return scores, gap_levels


def rank_successors_matrix(
    person_ids: Sequence[int],
    have: NDArray[np.float64],
    requirements: Sequence[Requirement],
    columns: Mapping[int, int],
    *,
    limit: int = 10,
    min_score: float = 40.0,
    thresholds: Thresholds = Thresholds(),
) -> tuple[list[Successor], Bench]:
    """``rank_successors`` + ``bench_strength`` over a people × skills matrix: bands and the
    bench are computed for everyone, gap lists only for the ``limit`` people returned."""
    scores, gaps = score_matrix(have, requirements, columns)
    keep = np.nonzero(scores >= min_score)[0]
    sc, gp = scores[keep], gaps[keep]
    t = thresholds
    ready = (sc >= t.ready_score) & (gp <= t.ready_gap)
    near = ~ready & (sc >= t.near_score) & (gp <= t.near_gap)
    band_ix = np.where(ready, 0, np.where(near, 1, 2))
    order = np.lexsort((np.asarray(person_ids, dtype=np.int64)[keep], gp, -sc, band_ix))
    counts: dict[str, int] = {b: int((band_ix == k).sum()) for k, b in enumerate(BANDS)}
    out = []
    for x in order[:limit]:
        i = int(keep[x])
        row = {s: int(have[i, c]) for s, c in columns.items() if have[i, c] > 0}
        out.append(Successor(person_ids[i], float(scores[i]), int(gaps[i]), BANDS[int(band_ix[x])],
                             tuple(skill_gap(row, requirements))))
    return out, _strength(counts)


def _strength(counts: dict[str, int]) -> Bench:
    within = counts["ready now"] + counts["1-2 years"]
    strength: Literal["strong", "moderate", "weak"]
    if counts["ready now"] >= 1 and within >= 2:
        strength = "strong"
    elif within >= 1:
        strength = "moderate"
    else:
        strength = "weak"
    return Bench(counts, strength)


def bench_strength(successors: Iterable[Successor]) -> Bench:
    counts: dict[str, int] = dict.fromkeys(BANDS, 0)
    for s in successors:
        counts[s.band] += 1
    return _strength(counts)
