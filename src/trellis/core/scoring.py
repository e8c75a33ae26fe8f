"""Small scoring functions. Each maps one aspect of a person–opportunity pair to a value in
[0, 1]; the matcher multiplies values by weights and adds them up. All are pure and vectorised
where the matcher needs them to be."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trellis.core.types import Profile, SkillLevel

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Weights:
    """How much each component counts. Normalised to sum to 1, so a score is 0–100."""

    required_skills: float = 0.40
    preferred_skills: float = 0.10
    semantic: float = 0.15
    aspiration: float = 0.10
    career_move: float = 0.08
    level: float = 0.07
    logistics: float = 0.10

    def normalised(self) -> dict[str, float]:
        raw = {f.name: max(0.0, float(getattr(self, f.name))) for f in fields(self)}
        total = sum(raw.values())
        if total <= 0:
            raise ValueError("at least one weight must be positive")
        return {k: v / total for k, v in raw.items()}


COMPONENT_LABELS = {
    "required_skills": "Required skills",
    "preferred_skills": "Preferred skills",
    "semantic": "Profile and history vs posting text",
    "aspiration": "Fit with stated aspirations",
    "career_move": "How common this career move is",
    "level": "Level gap",
    "logistics": "Location, remote and hours",
}


@dataclass(frozen=True)
class Trust:
    """How much a claimed proficiency counts, by where it came from. Verified skills count fully."""

    self_declared: float = 0.8
    inferred: float = 0.7
    manager: float = 1.0
    assessed: float = 1.0
    verified: float = 1.0

    def factor(self, skill: SkillLevel) -> float:
        if skill.verified:
            return self.verified
        return {"self": self.self_declared, "inferred": self.inferred, "manager": self.manager,
                "assessed": self.assessed}.get(skill.source, self.self_declared)


NEUTRAL = 0.5  # the value of a component we have no information for


def proficiency_credit(have: FloatArray | float, need: FloatArray | float) -> FloatArray:
    """Credit for holding a skill at ``have`` when ``need`` is asked: linear up to full credit."""
    need_arr = np.maximum(np.asarray(need, dtype=np.float64), 1e-9)
    return np.asarray(np.minimum(1.0, np.asarray(have, dtype=np.float64) / need_arr), dtype=np.float64)


def level_fit(person_level: int | None, opportunity_level: int | None) -> float:
    """A step up is the most natural move, a lateral one nearly as good, big jumps less so."""
    if person_level is None or opportunity_level is None:
        return NEUTRAL
    gap = opportunity_level - person_level
    table = {0: 0.9, 1: 1.0, 2: 0.5, -1: 0.5}
    if gap in table:
        return table[gap]
    return 0.15 if gap > 0 else 0.1


def location_fit(profile: Profile, mode: str, location: int | None) -> float:
    """Whether the person can work where the opening is, given their remote preference."""
    if mode == "remote":
        return 0.7 if profile.remote == "onsite" else 1.0
    accepted = set(profile.accepted_locations)
    if profile.location is not None:
        accepted.add(profile.location)
    if location is None or location in accepted:
        base = 1.0
    elif profile.relocation:
        base = 0.6
    else:
        base = 0.2 if mode == "hybrid" else 0.0
    if profile.remote == "remote":
        base *= 0.6 if mode == "hybrid" else 0.3
    return base


def hours_fit(available: int, needed: int | None) -> float:
    """Gig hours: full when the person has the hours they need; neutral when they did not say."""
    if not needed:
        return 1.0
    if available <= 0:
        return NEUTRAL
    return min(1.0, available / needed)


LOCATION_SHARE = 0.75  # logistics = 0.75 × location fit + 0.25 × hours fit


def plausibility_matrix(counts: Mapping[tuple[int, int], float], roles: Sequence[int]) -> FloatArray:
    """Career-move plausibility from observed moves: row ``a`` holds, for each destination ``b``,
    0.2 + 0.8 × (moves a→b / the most common move out of a). Rows without observations are NaN
    (the matcher then uses the neutral value)."""
    index = {r: i for i, r in enumerate(roles)}
    mat = np.zeros((len(roles), len(roles)), dtype=np.float64)
    for (a, b), n in counts.items():
        if a in index and b in index and n > 0:
            mat[index[a], index[b]] += float(n)
    if not roles:  # an empty organisation (found by the API fuzzer: max of a 0×0 matrix)
        return mat
    peak = mat.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(peak > 0, 0.2 + 0.8 * mat / np.where(peak > 0, peak, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)


def skill_similarity(
    skills: Sequence[int],
    links: Iterable[tuple[int, int, float]] = (),
    vectors: npt.NDArray[np.float32] | None = None,
    *,
    threshold: float = 0.6,
    neighbours: int = 10,
    block: int = 2048,
) -> sp.csr_matrix:
    """Skill–skill relatedness in [0, 1] (zero diagonal): the maximum of taxonomy links (given
    strength, symmetric) and embedding cosine similarity of the skills' labels, keeping each
    skill's ``neighbours`` most similar above ``threshold``. ``vectors`` rows follow ``skills``."""
    index = {s: i for i, s in enumerate(skills)}
    n = len(skills)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for a, b, strength in links:
        if a in index and b in index and a != b:
            s = float(min(1.0, max(0.0, strength)))
            rows += [index[a], index[b]]
            cols += [index[b], index[a]]
            vals += [s, s]
    if vectors is not None and n > 1:
        vec = np.asarray(vectors, dtype=np.float32)
        k = min(neighbours, n - 1)
        for start in range(0, n, block):
            sims = vec[start:start + block] @ vec.T
            for i in range(sims.shape[0]):
                sims[i, start + i] = -1.0
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < n else np.argsort(-sims, axis=1)
            top_sims = np.take_along_axis(sims, top, axis=1)
            keep = top_sims >= threshold
            r = np.repeat(np.arange(start, start + sims.shape[0]), k)[keep.ravel()]
            rows += r.tolist()
            cols += top[keep].tolist()
            vals += top_sims[keep].astype(np.float64).tolist()
    if not rows:
        return sp.csr_matrix((n, n), dtype=np.float64)
    # duplicate pairs keep their largest value; the result is made symmetric
    r_all, c_all, v_all = np.asarray(rows), np.asarray(cols), np.asarray(vals, dtype=np.float64)
    order = np.lexsort((-v_all, c_all, r_all))
    r, c, v = r_all[order], c_all[order], v_all[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    best = sp.csr_matrix((v[first], (r[first], c[first])), shape=(n, n))
    mat = sp.csr_matrix(best.maximum(best.T))
    mat.setdiag(0.0)
    mat.eliminate_zeros()
    return mat
