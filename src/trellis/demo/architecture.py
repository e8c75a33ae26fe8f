"""The demo company's job architecture (``demo/data/architecture.toml``) turned into roles with
levels and skill requirements, and the career-move model between those roles.

Moves follow the roles' skill requirements: a lateral move goes mostly to a role whose
requirements overlap the current one's, a promotion climbs the same track, a senior individual
contributor may become a manager. The same kernel generates histories (backwards), aspirations
and internal fills (forwards), so the data is informative without being scripted.
"""

from __future__ import annotations

import bisect
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from trellis.errors import Invalid

IC_LEVELS = (1, 2, 3, 4, 5)
LEVEL_NAMES = {1: "Associate", 3: "Senior", 5: "Principal"}
CORE_MIN = {1: 2, 2: 3, 3: 3, 4: 4, 5: 4}
EXEC_LEVEL = 6
Choices = tuple[list[int], list[float]]  # targets and their cumulative probabilities


@dataclass(frozen=True)
class Requirement:
    skill: str  # library id
    min_level: int
    required: bool
    weight: float


@dataclass(frozen=True)
class RoleSpec:
    key: str
    title: str
    family: str
    track: str  # a track id, "manager" or "executive"
    level: int
    kind: str  # ic | manager | executive
    requirements: tuple[Requirement, ...]
    is_critical: bool = False


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    family: str
    share: float
    tracks: dict[str, float]


@dataclass(frozen=True)
class Division:
    id: str
    name: str
    departments: tuple[Department, ...]


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    country: str
    timezone: str
    weight: float
    languages: dict[str, str]  # ISO 639-1 code -> library skill id


@dataclass
class Architecture:
    families: dict[str, str]  # id -> name
    roles: list[RoleSpec]
    divisions: list[Division]
    offices: list[Office]
    role_index: dict[str, int] = field(default_factory=dict)
    similarity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    forward: list[Choices] = field(default_factory=list)  # per role: where people move next
    backward: list[Choices] = field(default_factory=list)  # per role: where its people came from

    def ic_role(self, track: str, level: int) -> int:
        return self.role_index[f"{track}-{level}"]

    def manager_role(self, family: str) -> int:
        return self.role_index[f"{family}-manager"]

    def director_role(self, family: str) -> int:
        return self.role_index[f"{family}-director"]


def read_spec() -> dict[str, Any]:
    path = resources.files("trellis.demo") / "data" / "architecture.toml"
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _ic_title(title: str, level: int, lead: str) -> str:
    prefix = {**LEVEL_NAMES, 4: lead}.get(level)
    return f"{prefix} {title}" if prefix else title


def build_architecture(rng: np.random.Generator, skill_ids: set[str]) -> Architecture:
    """Roles and requirements from the spec; the only randomness is which preferred skills a
    track asks for, drawn once per track so that its levels agree with each other."""
    spec = read_spec()
    unknown = sorted({s for s in _skills_named(spec) if s not in skill_ids})
    if unknown:
        raise Invalid("architecture.toml names skills that are not in skills.csv", details=unknown)
    roles: list[RoleSpec] = []
    families: dict[str, str] = {}
    for fam_id, fam in spec["families"].items():
        families[fam_id] = fam["name"]
        critical = set(fam.get("critical", []))
        comps = [str(c) for c in rng.permutation(fam["competences"])]
        for track_id, track in fam["tracks"].items():
            pool = [str(p) for p in rng.permutation(track["preferred"])]
            for level in IC_LEVELS:
                reqs = _ic_requirements(track, fam, spec, pool, comps, level)
                roles.append(RoleSpec(f"{track_id}-{level}", _ic_title(track["title"], level, fam["lead"]), fam_id,
                                      track_id, level, "ic", reqs, is_critical=track_id in critical and level >= 4))
        heads = [t["core"][0] for t in fam["tracks"].values()] + [t["core"][1] for t in fam["tracks"].values()]
        domain = list(dict.fromkeys(heads))
        for key, title, level in ((f"{fam_id}-manager", fam["manager"], 4), (f"{fam_id}-director", fam["director"], 5)):
            reqs = _manager_requirements(spec, fam, domain, level)
            roles.append(RoleSpec(key, title, fam_id, "manager", level, "manager", reqs,
                                  is_critical=level == 5 and bool(critical)))
    lead = spec["leadership"]
    families["leadership"] = lead["name"]
    for key, title, top in (("vp", "Vice President", 4), ("ceo", "Chief Executive Officer", 5)):
        reqs = tuple(Requirement(s, top, True, 1.0) for s in lead["skills"])
        roles.append(RoleSpec(key, title, "leadership", "executive", EXEC_LEVEL, "executive", reqs, is_critical=True))
    divisions = [
        Division(d["id"], d["name"], tuple(
            Department(p["id"], p["name"], p["family"], float(p["share"]),
                       {k: float(v) for k, v in p["tracks"].items()})
            for p in d["departments"]))
        for d in spec["divisions"]
    ]
    offices = [Office(o["id"], o["name"], o["country"], o["timezone"], float(o["weight"]), dict(o["languages"]))
               for o in spec["locations"]]
    arch = Architecture(families, roles, divisions, offices)
    arch.role_index = {r.key: i for i, r in enumerate(roles)}
    _check_departments(arch)
    arch.similarity = role_similarity(roles)
    weights = move_weights(arch)
    arch.forward = [_cumulative(row) for row in weights]
    arch.backward = [_cumulative(col) for col in weights.T]
    return arch


def _skills_named(spec: dict[str, Any]) -> set[str]:
    names = set(spec["management"]) | set(spec["direction"]) | set(spec["principal"])
    names |= set(spec["leadership"]["skills"])
    for fam in spec["families"].values():
        names |= set(fam["senior"]) | set(fam["competences"])
        for track in fam["tracks"].values():
            names |= set(track["core"]) | set(track["preferred"])
    for office in spec["locations"]:
        names |= set(office["languages"].values())
    return names


def _ic_requirements(track: dict[str, Any], fam: dict[str, Any], spec: dict[str, Any], pool: list[str],
                     comps: list[str], level: int) -> tuple[Requirement, ...]:
    reqs: dict[str, Requirement] = {}
    base = CORE_MIN[level]
    for i, skill in enumerate(track["core"]):
        bump = 1 if level >= 3 and i < 2 else 0
        reqs[skill] = Requirement(skill, min(5, base + bump), True, 1.0 if i < 3 else 0.8)
    senior = fam["senior"][: {3: 2, 4: 3}.get(level, len(fam["senior"]) if level == 5 else 0)]
    for skill in senior:
        reqs.setdefault(skill, Requirement(skill, 4 if level == 5 else 3, True, 0.7))
    if level == 5:
        for skill in spec["principal"]:
            reqs.setdefault(skill, Requirement(skill, 3, True, 0.6))
    for skill in pool[: 3 + level // 2]:
        reqs.setdefault(skill, Requirement(skill, max(1, base - 1), False, 0.5))
    for skill in comps[:2]:
        reqs.setdefault(skill, Requirement(skill, min(4, base), False, 0.3))
    return tuple(reqs.values())


def _manager_requirements(spec: dict[str, Any], fam: dict[str, Any], domain: list[str],
                          level: int) -> tuple[Requirement, ...]:
    reqs: dict[str, Requirement] = {}
    for skill in spec["management"][: 4 if level == 4 else None]:
        reqs[skill] = Requirement(skill, level - 1, True, 0.9)
    if level == 5:
        for skill in spec["direction"]:
            reqs.setdefault(skill, Requirement(skill, 3, True, 0.8))
    for skill in fam["senior"][:2]:
        reqs.setdefault(skill, Requirement(skill, 3, True, 0.6))
    for skill in domain[: 6 if level == 4 else 4]:
        reqs.setdefault(skill, Requirement(skill, 3, False, 0.5))
    return tuple(reqs.values())


def _check_departments(arch: Architecture) -> None:
    tracks = {r.track for r in arch.roles if r.kind == "ic"}
    bad = [f"{d.id}: {t}" for div in arch.divisions for d in div.departments for t in d.tracks if t not in tracks]
    bad += [f"{d.id}: family {d.family}" for div in arch.divisions for d in div.departments
            if d.family not in arch.families]
    if bad:
        raise Invalid("architecture.toml: departments name unknown tracks or families", details=bad)


def role_similarity(roles: list[RoleSpec]) -> np.ndarray:
    """Cosine similarity of the roles' weighted requirement vectors."""
    skills = sorted({q.skill for r in roles for q in r.requirements})
    col = {s: i for i, s in enumerate(skills)}
    matrix = np.zeros((len(roles), len(skills)))
    for i, role in enumerate(roles):
        for q in role.requirements:
            matrix[i, col[q.skill]] = q.weight * (1.0 if q.required else 0.6)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    sim: np.ndarray = matrix @ matrix.T
    np.fill_diagonal(sim, 0.0)
    return sim


def move_weights(arch: Architecture) -> np.ndarray:
    """W[a, b]: the relative chance that a person in role a moves next to role b."""
    roles, sim = arch.roles, arch.similarity
    n = len(roles)
    weights = np.zeros((n, n))
    level = np.array([r.level for r in roles])
    kind = np.array([r.kind for r in roles])
    for a, role in enumerate(roles):
        same_level = (level == role.level) & (kind == role.kind)
        lateral = np.where(same_level, np.clip(sim[a] - 0.15, 0, None) ** 2, 0.0)
        if lateral.sum() > 0:
            weights[a] += (0.45 if role.kind != "ic" else 0.3) * lateral / lateral.sum()
        if role.kind == "ic":
            if role.level < 5:
                weights[a, arch.ic_role(role.track, role.level + 1)] += 0.6
            if role.level in (3, 4):
                weights[a, arch.manager_role(role.family)] += 0.04 * (role.level - 2)
            if role.level == 5:
                weights[a, arch.director_role(role.family)] += 0.15
            if role.level > 1:
                weights[a, arch.ic_role(role.track, role.level - 1)] += 0.01
        elif role.kind == "manager" and role.level == 4:
            weights[a, arch.director_role(role.family)] += 0.45
            for track in {r.track for r in roles if r.family == role.family and r.kind == "ic"}:
                weights[a, arch.ic_role(track, 4)] += 0.05
        elif role.kind == "manager":
            weights[a, arch.role_index["vp"]] += 0.1
        elif role.key == "vp":
            weights[a, arch.role_index["ceo"]] += 0.2
    return weights


def _cumulative(weights: np.ndarray) -> Choices:
    targets = np.flatnonzero(weights > 0)
    if targets.size == 0:
        return [], []
    cum = np.cumsum(weights[targets])
    return [int(t) for t in targets], [float(c) for c in cum / cum[-1]]


def draw(rng: np.random.Generator, choices: Choices, exclude: int = -1) -> int:
    """One draw from a precomputed (targets, cumulative probabilities) pair; -1 if there is none."""
    targets, cum = choices
    if not targets:
        return -1
    for _ in range(4):
        pick = targets[min(bisect.bisect_right(cum, rng.random()), len(targets) - 1)]
        if pick != exclude:
            return pick
    return -1
