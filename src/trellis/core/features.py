"""Feature arrays behind the matcher. Every component is bilinear in a person row and an
opportunity row, so the whole score is one product ``X · Yᵀ`` (dense part) plus a sparse
skill part; that is what makes scoring over all opportunities, all people, or everyone at once
(batch) a few vectorised array operations, and explanations exactly consistent with ranking.

Person side, per component (unweighted, values in [0, 1]):
  eff       effective level per skill (trust × proficiency, or partial credit through a related skill)
  vec       profile/history vector mixed with the mean of the person's skill vectors
  asp_role  0.6 on target roles; asp_fam 0.25 on target families; interests 0.15 × share of skills
  move      career-move plausibility from the person's role to each role
  lvl       level fit for each opportunity level; loc  location fit per (remote mode, location)
  hrs       gig-hours fit per hours value; type_pen / lvl_pen: −BIG where a rule excludes
Opportunity side: one-hot columns for role, family, level, (mode, location), hours and type, the
text vector, and the required/preferred/interest skill weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trellis.core.rules import (
    Rules,
    opportunity_team_key,
    opportunity_visibility_keys,
    type_exclusions,
    visibility_keys,
)
from trellis.core.rules import team_keys as person_team_keys
from trellis.core.scoring import LOCATION_SHARE, NEUTRAL, Trust, hours_fit
from trellis.core.types import OPPORTUNITY_TYPES, REMOTE_MODES, OpportunityData, Profile

F32 = np.float32
BIG = 1.0e4
ASP_ROLE, ASP_FAM, ASP_INTEREST = 0.6, 0.25, 0.15
Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


def _vocab(values: Sequence[int]) -> dict[int, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def _normalise_rows(m: Array) -> Array:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.asarray(m / np.where(norms > 0, norms, 1.0), dtype=F32)


@dataclass
class Space:
    """Vocabularies and the dense column layout, fixed at fit time."""

    skills: dict[int, int]
    related: sp.csr_matrix  # S × S, partial credit through a related skill (already × related_credit); symmetric
    skill_vectors: Array | None  # S × d, unit rows
    dim: int
    roles: dict[int, int]  # + one 'unknown' column at len(roles)
    families: dict[int, int]
    levels: dict[int, int]
    locations: dict[int, int]
    hours: dict[int, int]  # hours value -> column; column 0 is 'not applicable'
    keys: dict[str, int]  # team and visibility keys
    plausibility: npt.NDArray[np.float64] | None  # (R+1) × (R+1), NaN = no observations
    trust: Trust
    rules: Rules
    semantic_mix: float

    @property
    def n_roles(self) -> int:
        return len(self.roles) + 1

    @property
    def n_families(self) -> int:
        return len(self.families) + 1

    @property
    def n_levels(self) -> int:
        return len(self.levels) + 1

    @property
    def n_locations(self) -> int:
        return len(self.locations) + 1

    def offsets(self) -> dict[str, int]:
        sizes = [("vec", self.dim), ("role", self.n_roles), ("fam", self.n_families), ("lvl", self.n_levels),
                 ("loc", len(REMOTE_MODES) * self.n_locations), ("hrs", len(self.hours) + 1),
                 ("type", len(OPPORTUNITY_TYPES)), ("one", 1), ("oppc_sem", 1), ("oppc_any", 1)]
        out: dict[str, int] = {}
        pos = 0
        for name, size in sizes:
            out[name] = pos
            pos += size
        out["end"] = pos
        return out

    def stored_offsets(self) -> dict[str, int]:
        """The layout of the stored person matrix: `offsets` without the role block, which is
        kept as each person's row into `move_rows` plus their target roles (`role_columns.RoleColumns`)."""
        full = self.offsets()
        return {k: v if v < full["fam"] else v - self.n_roles for k, v in full.items() if k != "role"}


def role_rows(space: Space, profiles: Sequence[Profile]) -> IntArray:
    """Each person's row of `move_rows`: their role's, else the last (neutral) one."""
    unknown = space.n_roles
    return np.array([space.roles.get(p.role, unknown) if p.role is not None else unknown for p in profiles],
                    dtype=np.int64)


def move_rows(space: Space) -> Array:
    """(R+2) × (R+1): row r holds the career-move plausibility from role r to every role column
    (unobserved: neutral); the last row, neutral throughout, is for people without a known role."""
    out = np.full((space.n_roles + 1, space.n_roles), NEUTRAL, dtype=F32)
    if space.plausibility is not None:
        out[:-1] = np.where(np.isnan(space.plausibility), NEUTRAL, space.plausibility)
    return out


@dataclass
class PersonParts:
    """Unweighted person-side features for a list of profiles (rows follow the list)."""

    eff: sp.csr_matrix  # P × S
    direct: sp.csr_matrix  # P × S, trust × proficiency of held skills only
    text: Array  # P × d, the normalised profile text vectors (zero rows: none)
    interests: sp.csr_matrix  # P × S (0/1)
    vec: Array  # P × d
    has_vec: npt.NDArray[np.bool_]
    asp_role: Array
    asp_fam: Array
    asp_const: npt.NDArray[np.float64]  # NaN where the person stated aspirations
    move: Array
    lvl: Array
    lvl_pen: Array
    loc: Array
    hrs: Array
    type_pen: Array


def effective_levels(space: Space, profiles: Sequence[Profile]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(effective, direct): direct = trust × proficiency; effective adds partial credit through
    related skills (related strength × their level), keeping the best source per skill."""
    held = [s for p in profiles for s in p.skills]
    owner = np.repeat(np.arange(len(profiles)), [len(p.skills) for p in profiles])
    # loaders share one object per distinct held skill: work out each distinct object once
    objects, which = np.unique(np.fromiter(map(id, held), dtype=np.int64, count=len(held)), return_inverse=True)
    first = np.zeros(len(objects), dtype=np.int64)
    first[which] = np.arange(len(held))  # any position of each object will do
    distinct = [held[i] for i in first]
    col_of = np.array([space.skills.get(s.skill, -1) for s in distinct], dtype=np.int64)
    val_of = np.array([float(s.level) * space.trust.factor(s) for s in distinct], dtype=F32)
    cols, vals = col_of[which], val_of[which]
    keep = cols >= 0
    n, n_skills = len(profiles), len(space.skills)
    direct = _max_coo(owner[keep].astype(np.int64), cols[keep], vals[keep], (n, n_skills))
    rel = space.related
    if rel.nnz == 0 or direct.nnz == 0:
        return direct, direct
    d = direct.tocoo()
    counts = np.diff(rel.indptr)[d.col]
    starts = rel.indptr[d.col]
    total = int(counts.sum())
    rep = np.repeat(np.arange(len(d.col)), counts)
    offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    pos = np.repeat(starts, counts) + offs
    r2 = np.concatenate([d.row, d.row[rep]])
    c2 = np.concatenate([d.col, rel.indices[pos]])
    v2 = np.concatenate([d.data, d.data[rep] * rel.data[pos].astype(F32)])
    return _max_coo(r2.astype(np.int64), c2.astype(np.int64), v2.astype(F32), (n, n_skills)), direct


def _max_coo(rows: IntArray, cols: IntArray, vals: Array, shape: tuple[int, int]) -> sp.csr_matrix:
    if len(rows) == 0:
        return sp.csr_matrix(shape, dtype=F32)
    key = rows * shape[1] + cols
    order = np.lexsort((-vals, key))
    key, vals = key[order], vals[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, vals = key[first], vals[first]
    return sp.csr_matrix((vals, (key // shape[1], key % shape[1])), shape=shape, dtype=F32)


def person_parts(space: Space, profiles: Sequence[Profile]) -> PersonParts:
    n = len(profiles)
    eff, direct = effective_levels(space, profiles)
    # semantic vector: the profile text mixed with the level-weighted mean of held skills' vectors
    vec = np.zeros((n, space.dim), dtype=F32)
    has_text = np.zeros(n, dtype=bool)
    for i, p in enumerate(profiles):
        if p.text_vector is not None and space.dim:
            vec[i] = p.text_vector
            has_text[i] = True
    vec = text = _normalise_rows(vec)
    if space.skill_vectors is not None and space.dim:
        skill_part = _normalise_rows(np.asarray(direct @ space.skill_vectors, dtype=F32))
        has_skill = np.asarray(direct.getnnz(axis=1) > 0)
        mix = np.where(has_text & has_skill, space.semantic_mix, np.where(has_text, 1.0, 0.0)).astype(F32)
        vec = _normalise_rows(mix[:, None] * vec + (1 - mix)[:, None] * skill_part)
    has_vec = np.linalg.norm(vec, axis=1) > 0

    interest_rows = [(i, space.skills[s]) for i, p in enumerate(profiles) for s in p.interests if s in space.skills]
    interests = sp.csr_matrix(
        (np.ones(len(interest_rows), dtype=F32),
         ([r for r, _ in interest_rows], [c for _, c in interest_rows])), shape=(n, len(space.skills)), dtype=F32)
    interests.sum_duplicates()
    interests.data[:] = 1.0

    asp_role = np.zeros((n, space.n_roles), dtype=F32)
    asp_fam = np.zeros((n, space.n_families), dtype=F32)
    asp_const = np.full(n, np.nan)
    lvl = np.full((n, space.n_levels), NEUTRAL, dtype=F32)
    lvl_pen = np.zeros((n, space.n_levels), dtype=F32)
    type_pen = np.zeros((n, len(OPPORTUNITY_TYPES)), dtype=F32)
    for i, p in enumerate(profiles):
        targets = [space.roles[r] for r in p.target_roles if r in space.roles]
        fams = [space.families[f] for f in p.target_families if f in space.families]
        asp_role[i, targets] = ASP_ROLE
        asp_fam[i, fams] = ASP_FAM
        if not p.target_roles and not p.target_families and not p.interests:
            asp_const[i] = NEUTRAL
        for kind in type_exclusions(p, space.rules):
            type_pen[i, OPPORTUNITY_TYPES.index(kind)] = -BIG
    move = move_rows(space)[role_rows(space, profiles)]  # each person's moves from their role
    if space.levels:
        lvl[:, :-1], lvl_pen[:, :-1] = _level_rows(space, profiles)
    return PersonParts(eff=eff, direct=direct, text=text, interests=interests, vec=vec, has_vec=has_vec,
                       asp_role=asp_role, asp_fam=asp_fam, asp_const=asp_const, move=move, lvl=lvl, lvl_pen=lvl_pen,
                       loc=_location_rows(space, profiles), hrs=_hours_rows(space, profiles), type_pen=type_pen)


def _level_rows(space: Space, profiles: Sequence[Profile]) -> tuple[Array, Array]:
    """Vectorised ``scoring.level_fit`` and the level-band rule for every opportunity level."""
    person = np.array([np.nan if p.level is None else p.level for p in profiles], dtype=np.float64)
    gap = np.array(list(space.levels), dtype=np.float64)[None, :] - person[:, None]
    fit = np.select([gap == 0, gap == 1, gap == 2, gap == -1, gap > 0], [0.9, 1.0, 0.5, 0.5, 0.15], 0.1)
    fit = np.where(np.isnan(gap), NEUTRAL, fit)
    rules = space.rules
    bad = ~np.isnan(gap) & ((gap < -rules.max_levels_down) | (gap > rules.max_levels_up))
    return fit.astype(F32), np.where(bad, -BIG, 0.0).astype(F32)


def _location_rows(space: Space, profiles: Sequence[Profile]) -> Array:
    """Vectorised ``scoring.location_fit`` for every (remote mode, location) column."""
    n, n_loc = len(profiles), space.n_locations
    accepted = np.zeros((n, n_loc), dtype=bool)
    accepted[:, -1] = True  # opening without a location
    pref = np.array([p.remote for p in profiles])
    reloc = np.array([p.relocation for p in profiles], dtype=bool)
    for i, p in enumerate(profiles):
        for loc in (*p.accepted_locations, p.location):
            if loc is not None and loc in space.locations:
                accepted[i, space.locations[loc]] = True
    out = np.zeros((n, len(REMOTE_MODES) * n_loc), dtype=F32)
    for m, mode in enumerate(REMOTE_MODES):
        block = slice(m * n_loc, (m + 1) * n_loc)
        if mode == "remote":
            out[:, block] = np.where(pref == "onsite", 0.7, 1.0)[:, None]
            continue
        away = np.where(reloc, 0.6, 0.2 if mode == "hybrid" else 0.0)
        base = np.where(accepted, 1.0, away[:, None])
        factor = np.where(pref == "remote", 0.6 if mode == "hybrid" else 0.3, 1.0)
        out[:, block] = base * factor[:, None]
    return out


def _hours_rows(space: Space, profiles: Sequence[Profile]) -> Array:
    out = np.ones((len(profiles), len(space.hours) + 1), dtype=F32)
    values, which = np.unique(np.array([p.gig_hours for p in profiles], dtype=np.int64), return_inverse=True)
    for hours, col in space.hours.items():
        out[:, col] = np.array([hours_fit(int(a), hours) for a in values], dtype=F32)[which]
    return out


def merged_person_rows(space: Space, parts: PersonParts, w: Mapping[str, float]) -> Array:
    """The stored person matrix (`Space.stored_offsets`): with the role block (`role_columns`)
    put back, its product with the opportunity matrix is the ranking score (weights folded in,
    rule penalties included; skills are added from the sparse part)."""
    off = space.stored_offsets()
    n = parts.vec.shape[0]
    x = np.zeros((n, off["end"]), dtype=F32)
    x[:, off["vec"]:off["vec"] + space.dim] = w["semantic"] * parts.vec
    x[:, off["fam"]:off["fam"] + space.n_families] = w["aspiration"] * parts.asp_fam
    x[:, off["lvl"]:off["lvl"] + space.n_levels] = w["level"] * parts.lvl + parts.lvl_pen
    x[:, off["loc"]:off["loc"] + parts.loc.shape[1]] = w["logistics"] * LOCATION_SHARE * parts.loc
    x[:, off["hrs"]:off["hrs"] + parts.hrs.shape[1]] = w["logistics"] * (1 - LOCATION_SHARE) * parts.hrs
    x[:, off["type"]:off["type"] + len(OPPORTUNITY_TYPES)] = parts.type_pen
    asp = np.nan_to_num(parts.asp_const, nan=0.0)
    x[:, off["one"]] = w["aspiration"] * asp + w["semantic"] * NEUTRAL * (~parts.has_vec)
    x[:, off["oppc_sem"]] = parts.has_vec
    x[:, off["oppc_any"]] = 1.0
    return x


def person_key_rows(space: Space, profiles: Sequence[Profile]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(team keys, visibility keys) as 0/1 sparse rows over ``space.keys``."""
    def build(key_sets: list[set[str]]) -> sp.csr_matrix:
        r = [i for i, ks in enumerate(key_sets) for k in ks if k in space.keys]
        c = [space.keys[k] for ks in key_sets for k in ks if k in space.keys]
        m = sp.csr_matrix((np.ones(len(r), dtype=F32), (r, c)), shape=(len(key_sets), len(space.keys)))
        m.sum_duplicates()
        m.data[:] = 1.0
        return m
    return (build([person_team_keys(p) for p in profiles]), build([visibility_keys(p) for p in profiles]))


@dataclass
class OpportunityArrays:
    """Opportunity-side rows. Skill requirements are CSR rows over skills with a parallel array
    of required levels; ``req``/``pref`` weights are normalised per row (sum 1)."""

    ids: IntArray
    types: IntArray
    vec: Array
    has_vec: npt.NDArray[np.bool_]
    role: IntArray
    family: IntArray
    level: IntArray
    loc: IntArray
    hrs: IntArray
    req: sp.csr_matrix  # weights
    req_lv: sp.csr_matrix  # required levels, same structure
    pref: sp.csr_matrix
    pref_lv: sp.csr_matrix
    req_neutral: npt.NDArray[np.bool_]
    pref_neutral: npt.NDArray[np.bool_]
    interest: sp.csr_matrix  # 1 / number of skills, over the posting's skills
    team: sp.csr_matrix
    visible: sp.csr_matrix
    restricted: npt.NDArray[np.bool_]
    remote: npt.NDArray[np.bool_]
    location_ids: IntArray
    org_unit_ids: IntArray
    role_ids: IntArray
    family_ids: IntArray


def opportunity_arrays(space: Space, opps: Sequence[OpportunityData]) -> OpportunityArrays:
    n, n_skills = len(opps), len(space.skills)
    vec = np.zeros((n, space.dim), dtype=F32)
    for i, o in enumerate(opps):
        if o.text_vector is not None and space.dim:
            vec[i] = o.text_vector
    vec = _normalise_rows(vec)
    if space.skill_vectors is not None and space.dim:
        held = [(i, space.skills[r.skill], r.weight) for i, o in enumerate(opps) for r in o.requirements
                if r.skill in space.skills]
        m = sp.csr_matrix(([w for *_, w in held], ([r for r, *_ in held], [c for _, c, _ in held])),
                          shape=(n, n_skills), dtype=F32)
        skill_part = _normalise_rows(np.asarray(m @ space.skill_vectors, dtype=F32))
        has_text = np.linalg.norm(vec, axis=1) > 0
        has_skill = np.asarray(m.getnnz(axis=1) > 0)
        mix = np.where(has_text & has_skill, space.semantic_mix, np.where(has_text, 1.0, 0.0)).astype(F32)
        vec = _normalise_rows(mix[:, None] * vec + (1 - mix)[:, None] * skill_part)

    req_rows: list[dict[int, tuple[float, int]]] = []
    pref_rows: list[dict[int, tuple[float, int]]] = []
    for o in opps:
        req_d: dict[int, tuple[float, int]] = {}
        pref_d: dict[int, tuple[float, int]] = {}
        for r in o.requirements:
            if r.skill in space.skills and r.weight > 0:
                (req_d if r.required else pref_d)[space.skills[r.skill]] = (float(r.weight), int(r.level))
        # a posting that lists only one kind of skill scores the other kind the same way
        req_rows.append(req_d or pref_d)
        pref_rows.append(pref_d or req_d)
    req, req_lv = _skill_rows(req_rows, n_skills)
    pref, pref_lv = _skill_rows(pref_rows, n_skills)
    both_missing = np.array([not r for r in req_rows], dtype=bool)

    any_skills = (req + pref).tocsr()
    any_skills.data[:] = 1.0
    counts = np.maximum(np.diff(any_skills.indptr), 1)
    interest = sp.csr_matrix(sp.diags(1.0 / counts) @ any_skills, dtype=F32)

    def col(vocab: dict[int, int], value: int | None) -> int:
        return vocab.get(value, len(vocab)) if value is not None else len(vocab)

    n_loc = space.n_locations
    team_r, team_c, vis_r, vis_c = [], [], [], []
    # the own-team and visibility masks exist only while their rule is on (as in rule_hits)
    own_team, visibility = space.rules.exclude_own_team, space.rules.enforce_visibility
    for i, o in enumerate(opps):
        key = opportunity_team_key(o) if own_team else None
        if key is not None and key in space.keys:
            team_r.append(i)
            team_c.append(space.keys[key])
        for k in opportunity_visibility_keys(o):
            if k in space.keys:
                vis_c.append(space.keys[k])
                vis_r.append(i)
    n_keys = len(space.keys)
    return OpportunityArrays(
        ids=np.array([o.id for o in opps], dtype=np.int64),
        types=np.array([OPPORTUNITY_TYPES.index(o.type) for o in opps], dtype=np.int64),
        vec=vec, has_vec=np.linalg.norm(vec, axis=1) > 0,
        role=np.array([col(space.roles, o.role) for o in opps], dtype=np.int64),
        family=np.array([col(space.families, o.family) for o in opps], dtype=np.int64),
        level=np.array([col(space.levels, o.level) for o in opps], dtype=np.int64),
        loc=np.array([REMOTE_MODES.index(o.remote if o.remote in REMOTE_MODES else "onsite") * n_loc
                      + col(space.locations, o.location) for o in opps], dtype=np.int64),
        hrs=np.array([space.hours.get(o.hours_per_week, 0) if o.type in ("gig", "project") and o.hours_per_week
                      else 0 for o in opps], dtype=np.int64),
        req=req, req_lv=req_lv, pref=pref, pref_lv=pref_lv,
        req_neutral=both_missing, pref_neutral=both_missing, interest=interest,
        team=sp.csr_matrix((np.ones(len(team_r), dtype=F32), (team_r, team_c)), shape=(n, n_keys)),
        visible=sp.csr_matrix((np.ones(len(vis_r), dtype=F32), (vis_r, vis_c)), shape=(n, n_keys)),
        restricted=np.array([visibility and bool(o.visible_org_units or o.visible_locations) for o in opps],
                            dtype=bool),
        remote=np.array([o.remote == "remote" for o in opps], dtype=bool),
        location_ids=np.array([-1 if o.location is None else o.location for o in opps], dtype=np.int64),
        org_unit_ids=np.array([-1 if o.org_unit is None else o.org_unit for o in opps], dtype=np.int64),
        role_ids=np.array([-1 if o.role is None else o.role for o in opps], dtype=np.int64),
        family_ids=np.array([-1 if o.family is None else o.family for o in opps], dtype=np.int64),
    )


def _skill_rows(rows: list[dict[int, tuple[float, int]]], n_skills: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(weights normalised per row, levels) as two CSR matrices with the same structure."""
    indptr, cols, vals, lvls = [0], [], [], []
    for row in rows:
        total = sum(w for w, _ in row.values())
        for c in sorted(row):
            w, lv = row[c]
            cols.append(c)
            vals.append(w / total)
            lvls.append(lv)
        indptr.append(len(cols))
    shape = (len(rows), n_skills)
    ind, ptr = np.asarray(cols, dtype=np.int32), np.asarray(indptr, dtype=np.int64)
    return (sp.csr_matrix((np.asarray(vals, dtype=F32), ind, ptr), shape=shape),
            sp.csr_matrix((np.asarray(lvls, dtype=F32), ind.copy(), ptr.copy()), shape=shape))


def skill_credit_rows(eff_dense: Array, weights: sp.csr_matrix, levels: sp.csr_matrix) -> Array:
    """For one person's effective levels (dense over skills): Σ weight × min(1, have / need) per row."""
    credit = np.minimum(1.0, eff_dense[weights.indices] / np.maximum(levels.data, 1e-9)) * weights.data
    rows = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    return np.bincount(rows, weights=credit, minlength=weights.shape[0]).astype(F32)
