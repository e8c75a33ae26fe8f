"""Mentor matching: a fit score for every mentee × mentor pair and a globally optimal assignment
under mentor capacity, language, pinned and forbidden pairs.

Fit (0–1) = skill fit × time-zone factor, where skill fit is the mentee's goal weights (summing
to 1) times the level the mentor can teach each goal skill at (divided by 5), and the time-zone
factor is ``1 - tz_weight × hours apart / 12`` (unknown time zone: half the penalty). A pair is
allowed only when the two share a language (a mentee who names none accepts any), the mentor
can teach at least one goal skill, and they are not the same person.

The assignment maximises the total fit: each mentor's column is repeated ``capacity`` times and
``scipy.optimize.linear_sum_assignment`` solves the expanded rectangular problem exactly
(disallowed pairs have fit 0 and are dropped afterwards, which is the same as leaving the
mentee unassigned). Pinned pairs are fixed first and use up capacity; forbidden pairs are
disallowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Mentor:
    person_id: int
    skills: Mapping[int, int]  # skill id -> level they can teach (1–5)
    capacity: int = 1
    languages: frozenset[str] = frozenset()
    utc_offset: float | None = None


@dataclass(frozen=True)
class Mentee:
    person_id: int
    goals: Mapping[int, float]  # skill id -> weight
    languages: frozenset[str] = frozenset()
    utc_offset: float | None = None


@dataclass(frozen=True)
class PairExplanation:
    fit: float
    shared_skills: tuple[tuple[int, int], ...]  # (skill id, mentor level), most useful first
    languages: tuple[str, ...]
    hours_apart: float | None
    pinned: bool = False


@dataclass(frozen=True)
class Pair:
    mentee: int  # index into the mentees sequence
    mentor: int  # index into the mentors sequence
    fit: float
    pinned: bool = False


def _hours_apart(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    d = abs(a - b) % 24
    return min(d, 24 - d)


def fit_matrix(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], *, tz_weight: float = 0.3
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The fit of every mentee × mentor pair and the mask of allowed pairs (vectorised)."""
    skills = sorted({s for m in mentees for s in m.goals} | {s for m in mentors for s in m.skills})
    col = {s: i for i, s in enumerate(skills)}
    goals = np.zeros((len(mentees), len(skills)))
    for r, me in enumerate(mentees):
        for s, w in me.goals.items():
            goals[r, col[s]] = max(w, 0.0)
    total = goals.sum(axis=1, keepdims=True)
    goals = np.divide(goals, total, out=np.zeros_like(goals), where=total > 0)
    teach = np.zeros((len(mentors), len(skills)))
    for r, mo in enumerate(mentors):
        for s, lvl in mo.skills.items():
            teach[r, col[s]] = min(max(lvl, 0), 5) / 5.0
    skill_fit = goals @ teach.T

    langs = sorted({x for me in mentees for x in me.languages} | {x for mo in mentors for x in mo.languages})
    lcol = {x: i for i, x in enumerate(langs)}
    ml = np.zeros((len(mentees), len(langs)), dtype=np.float32)
    for r, me in enumerate(mentees):
        for x in me.languages:
            ml[r, lcol[x]] = 1
    tl = np.zeros((len(mentors), len(langs)), dtype=np.float32)
    for r, mo in enumerate(mentors):
        for x in mo.languages:
            tl[r, lcol[x]] = 1
    shared = (ml @ tl.T) > 0
    any_language = ml.sum(axis=1) == 0
    language_ok = shared | any_language[:, None]

    a = np.array([np.nan if m.utc_offset is None else m.utc_offset for m in mentees])
    b = np.array([np.nan if m.utc_offset is None else m.utc_offset for m in mentors])
    d = np.abs(a[:, None] - b[None, :]) % 24
    d = np.minimum(d, 24 - d)
    d = np.where(np.isnan(d), 6.0, d)
    fit = skill_fit * (1.0 - tz_weight * d / 12.0)

    same = np.array([m.person_id for m in mentees])[:, None] == np.array([m.person_id for m in mentors])[None, :]
    allowed = language_ok & (skill_fit > 0) & ~same
    return np.where(allowed, fit, 0.0), allowed


def assign(
    fit: NDArray[np.float64],
    allowed: NDArray[np.bool_],
    capacities: Sequence[int],
    *,
    pins: Iterable[tuple[int, int]] = (),
    forbids: Iterable[tuple[int, int]] = (),
) -> list[Pair]:
    """Optimal assignment maximising total fit (see the module docstring). ``pins`` and
    ``forbids`` are (mentee index, mentor index) pairs. Raises ValueError on contradictions."""
    n, m = fit.shape
    cap = np.asarray(capacities, dtype=np.int64).copy()
    if cap.shape != (m,):
        raise ValueError("one capacity per mentor")
    ok = allowed.copy()
    forbid_set = set(forbids)
    for i, j in forbid_set:
        ok[i, j] = False
    pairs: list[Pair] = []
    pinned_rows: set[int] = set()
    for i, j in pins:
        if (i, j) in forbid_set:
            raise ValueError(f"pair ({i}, {j}) is both pinned and forbidden")
        if i in pinned_rows:
            raise ValueError(f"mentee {i} is pinned to more than one mentor")
        if cap[j] <= 0:
            raise ValueError(f"mentor {j} has more pins than capacity")
        cap[j] -= 1
        pinned_rows.add(i)
        pairs.append(Pair(i, j, float(fit[i, j]), pinned=True))
    rows = np.array([i for i in range(n) if i not in pinned_rows and ok[i].any()], dtype=np.int64)
    cap = np.minimum(np.maximum(cap, 0), len(rows))
    cols = np.nonzero((cap > 0) & (ok[rows].any(axis=0) if len(rows) else np.zeros(m, bool)))[0]
    if len(rows) == 0 or len(cols) == 0:
        return pairs
    owner = np.repeat(cols, cap[cols])
    sub = np.where(ok[np.ix_(rows, owner)], fit[np.ix_(rows, owner)], 0.0)
    r, c = linear_sum_assignment(sub, maximize=True)
    for a, b in zip(r, c, strict=True):
        i, j = int(rows[a]), int(owner[b])
        if ok[i, j] and sub[a, b] > 0:
            pairs.append(Pair(i, j, float(fit[i, j])))
    pairs.sort(key=lambda p: (p.mentee, p.mentor))
    return pairs


def greedy_assign(fit: NDArray[np.float64], allowed: NDArray[np.bool_], capacities: Sequence[int]) -> list[Pair]:
    """Baseline for benchmarks only: take the best remaining pair while capacity lasts."""
    cap = list(capacities)
    flat = np.argsort(-np.where(allowed, fit, -1.0), axis=None, kind="stable")
    taken: set[int] = set()
    pairs = []
    for idx in flat:
        i, j = divmod(int(idx), fit.shape[1])
        if not allowed[i, j] or fit[i, j] <= 0:
            break
        if i in taken or cap[j] <= 0:
            continue
        taken.add(i)
        cap[j] -= 1
        pairs.append(Pair(i, j, float(fit[i, j])))
    return pairs


def explain(mentee: Mentee, mentor: Mentor, fit: float, *, pinned: bool = False, top: int = 5) -> PairExplanation:
    shared = sorted(
        ((s, mentor.skills[s]) for s in mentee.goals if s in mentor.skills),
        key=lambda x: (-mentee.goals[x[0]] * x[1], x[0]),
    )[:top]
    langs = tuple(sorted(mentee.languages & mentor.languages))
    return PairExplanation(round(fit, 4), tuple(shared), langs, _hours_apart(mentee.utc_offset, mentor.utc_offset),
                           pinned)
