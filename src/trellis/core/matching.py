"""The matcher: explainable two-way matching of people and opportunities.

    m = Matcher(Weights(), Rules()).fit(opportunities, people, skill_links=..., skill_vectors=...)
    m.recommend(person_id, k=20)       # opportunities for a person, best first
    m.candidates(opportunity_id, k=50) # people for an opportunity
    m.explain(person_id, opportunity_id)

Scores are 0–100; each result carries named components that add up to the score, how each skill
is met, the score after adding each missing skill (re-scored), and the rules that exclude it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trellis.core import explain as ex
from trellis.core.batch import OpportunitySide, PeopleBlock, score_block
from trellis.core.features import (
    ASP_INTEREST,
    BIG,
    OpportunityArrays,
    PersonParts,
    Space,
    merged_person_rows,
    opportunity_arrays,
    person_key_rows,
    person_parts,
    skill_credit_rows,
)
from trellis.core.rules import Rules, rule_hits
from trellis.core.scoring import Trust, Weights, plausibility_matrix, skill_similarity
from trellis.core.types import (
    OPPORTUNITY_TYPES,
    BatchResult,
    Filters,
    Match,
    OpportunityData,
    Profile,
    SkillLevel,
    SkillMatch,
)

F32 = np.float32
BlockMapper = Callable[[list[PeopleBlock], OpportunitySide, int], list[tuple[Any, Any]]]


class Matcher:
    """Estimator-style: ``__init__`` stores parameters, ``fit`` learns the index (state ends in ``_``)."""

    def __init__(self, weights: Weights | None = None, rules: Rules | None = None, trust: Trust | None = None, *,
                 related_credit: float = 0.5, similarity_threshold: float = 0.6, semantic_mix: float = 0.5,
                 block_size: int = 2048, what_if: int = 3) -> None:
        self.weights = weights
        self.rules = rules
        self.trust = trust
        self.related_credit = related_credit
        self.similarity_threshold = similarity_threshold
        self.semantic_mix = semantic_mix
        self.block_size = block_size
        self.what_if = what_if

    # ------------------------------------------------------------------ fitting
    def fit(self, opportunities: Sequence[OpportunityData], people: Sequence[Profile], *,
            skills: Sequence[int] | None = None, skill_links: Iterable[tuple[int, int, float]] = (),
            skill_vectors: npt.NDArray[np.float32] | None = None,
            transitions: Mapping[tuple[int, int], float] | None = None,
            labels: ex.Labels | None = None) -> Matcher:
        """``skills`` orders the rows of ``skill_vectors`` (default: every skill mentioned);
        ``skill_links`` are taxonomy links (a, b, strength); ``transitions`` maps (from role, to
        role) to observed move counts (None: career-move plausibility stays neutral)."""
        self.weights_ = (self.weights or Weights()).normalised()
        if skills is None:
            skills = sorted({s.skill for p in people for s in p.skills} | {r.skill for o in opportunities
                             for r in o.requirements} | {i for p in people for i in p.interests})
        skill_list = list(skills)
        related = skill_similarity(skill_list, skill_links, skill_vectors, threshold=self.similarity_threshold)
        vectors = None
        if skill_vectors is not None:
            v = np.asarray(skill_vectors, dtype=F32)
            vectors = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        vecs = [p.text_vector for p in people] + [o.text_vector for o in opportunities]
        dims = [len(v) for v in vecs if v is not None]
        dim = dims[0] if dims else (0 if vectors is None else vectors.shape[1])
        roles = sorted({r for p in people for r in (p.role, *p.target_roles) if r is not None}
                       | {o.role for o in opportunities if o.role is not None}
                       | {r for pair in (transitions or {}) for r in pair})
        role_index = {r: i for i, r in enumerate(roles)}
        plaus = None
        if transitions is not None:
            plaus = np.full((len(roles) + 1, len(roles) + 1), np.nan)
            plaus[: len(roles), : len(roles)] = plausibility_matrix(transitions, roles)
        keys = sorted(set().union(*(({f"m{p.id}", f"m{p.manager}", f"u{p.org_unit}", f"l{p.location}"}
                                     | {f"u{u}" for u in p.org_path}) for p in people), set()))
        self.skill_ids_ = skill_list
        self.space_ = Space(
            skills={s: i for i, s in enumerate(skill_list)}, related=sp.csr_matrix(related * self.related_credit),
            skill_vectors=vectors, dim=dim, roles=role_index,
            families=_vocab([f for p in people for f in _families(p)] + [f for o in opportunities
                                                                           for f in _families(o)]),
            levels=_vocab(o.level for o in opportunities if o.level is not None),
            locations=_vocab([loc for p in people for loc in _locations(p)]
                             + [loc for o in opportunities for loc in _locations(o)]),
            hours={h: i + 1 for i, h in enumerate(sorted({o.hours_per_week for o in opportunities
                                                          if o.hours_per_week}))},
            keys={k: i for i, k in enumerate(keys)}, plausibility=plaus, trust=self.trust or Trust(),
            rules=self.rules or Rules(), semantic_mix=self.semantic_mix)
        self.labels_: ex.Labels = labels or {}
        self._set_opportunities(list(opportunities))
        self._set_people(list(people))
        return self

    def _set_opportunities(self, opps: list[OpportunityData]) -> None:
        self.opportunities_ = opps
        self.opp_index_ = {o.id: i for i, o in enumerate(opps)}
        self.oa_: OpportunityArrays = opportunity_arrays(self.space_, opps)
        w = self.weights_
        self.opp_const_any_ = (w["required_skills"] * 0.5 * self.oa_.req_neutral
                               + w["preferred_skills"] * 0.5 * self.oa_.pref_neutral).astype(F32)
        self.opp_const_sem_ = (w["semantic"] * 0.5 * ~self.oa_.has_vec).astype(F32)
        self.opp_active_ = np.ones(len(opps), dtype=bool)

    def _set_people(self, people: list[Profile], chunk: int = 10000) -> None:
        self.people_ = people
        self.person_index_ = {p.id: i for i, p in enumerate(people)}
        width = self.space_.offsets()["end"]
        self.X_ = np.zeros((len(people), width), dtype=F32, order="F")  # filled in place: no second copy
        eff, interests, team, vis = [], [], [], []
        for start in range(0, len(people), chunk):
            part = people[start:start + chunk]
            parts = person_parts(self.space_, part)
            self.X_[start:start + len(part)] = merged_person_rows(self.space_, parts, self.weights_)
            eff.append(parts.eff)
            interests.append(parts.interests)
            t, v = person_key_rows(self.space_, part)
            team.append(t)
            vis.append(v)
        n_s, n_k = len(self.space_.skills), len(self.space_.keys)
        self.E_ = _vstack(eff, n_s)
        self.I_ = _vstack(interests, n_s)
        self.team_ = _vstack(team, n_k)
        self.vis_ = _vstack(vis, n_k)
        self._refresh_columns()
        self.person_active_ = np.ones(len(people), dtype=bool)

    def _refresh_columns(self) -> None:
        self.E_csc_, self.I_csc_ = self.E_.tocsc(), self.I_.tocsc()
        self.team_csc_, self.vis_csc_ = self.team_.tocsc(), self.vis_.tocsc()
        self.dirty_: set[int] = set()
        ppl = self.people_
        self.p_attr_ = {name: np.array([-1 if getattr(p, name) is None else getattr(p, name) for p in ppl],
                                       dtype=np.int64) for name in ("role", "family", "location", "org_unit")}

    # ------------------------------------------------------------------ incremental updates
    def update_person(self, profile: Profile) -> bool:
        """Replace or add one person's row. False: the profile uses something the index has not
        seen (a new skill, role, location...) and the caller should ``fit`` again."""
        if not self._covers_person(profile):
            return False
        parts = person_parts(self.space_, [profile])
        row = merged_person_rows(self.space_, parts, self.weights_)
        team, vis = person_key_rows(self.space_, [profile])
        i = self.person_index_.get(profile.id)
        if i is None:
            self.people_.append(profile)
            i = self.person_index_[profile.id] = len(self.people_) - 1
            self.X_ = np.asfortranarray(np.vstack([self.X_, row]))
            self.E_, self.I_ = sp.vstack([self.E_, parts.eff]).tocsr(), sp.vstack([self.I_, parts.interests]).tocsr()
            self.team_, self.vis_ = sp.vstack([self.team_, team]).tocsr(), sp.vstack([self.vis_, vis]).tocsr()
            self.person_active_ = np.append(self.person_active_, True)
            self._refresh_columns()
            return True
        self.people_[i] = profile
        self.X_[i] = row[0]
        self.E_, self.I_ = _replace_row(self.E_, i, parts.eff), _replace_row(self.I_, i, parts.interests)
        self.team_, self.vis_ = _replace_row(self.team_, i, team), _replace_row(self.vis_, i, vis)
        self.person_active_[i] = True
        for name in self.p_attr_:
            value = getattr(profile, name)
            self.p_attr_[name][i] = -1 if value is None else value
        self.dirty_.add(i)
        if len(self.dirty_) > 256:
            self._refresh_columns()
        return True

    def remove_person(self, person_id: int) -> None:
        i = self.person_index_.get(person_id)
        if i is not None:
            self.person_active_[i] = False

    def update_opportunity(self, opportunity: OpportunityData) -> bool:
        """Replace or add one opportunity's row (cheap: the opportunity side is small)."""
        if not self._covers_opportunity(opportunity):
            return False
        opps = list(self.opportunities_)
        i = self.opp_index_.get(opportunity.id)
        if i is None:
            opps.append(opportunity)
        else:
            opps[i] = opportunity
        active = self.opp_active_
        self._set_opportunities(opps)
        self.opp_active_[: len(active)] = active
        self.opp_active_[self.opp_index_[opportunity.id]] = True
        return True

    def remove_opportunity(self, opportunity_id: int) -> None:
        i = self.opp_index_.get(opportunity_id)
        if i is not None:
            self.opp_active_[i] = False

    def _covers_person(self, p: Profile) -> bool:
        s = self.space_
        return (all(x.skill in s.skills for x in p.skills) and all(i in s.skills for i in p.interests)
                and all(r in s.roles for r in (p.role, *p.target_roles) if r is not None)
                and all(f in s.families for f in _families(p)) and all(loc in s.locations for loc in _locations(p))
                and all(k in s.keys for k in (f"m{p.id}", f"m{p.manager}", f"u{p.org_unit}", f"l{p.location}",
                                              *(f"u{u}" for u in p.org_path))))

    def _covers_opportunity(self, o: OpportunityData) -> bool:
        s = self.space_
        return (all(r.skill in s.skills for r in o.requirements) and (o.role is None or o.role in s.roles)
                and all(f in s.families for f in _families(o)) and all(loc in s.locations for loc in _locations(o))
                and (o.level is None or o.level in s.levels)
                and (not o.hours_per_week or o.hours_per_week in s.hours))

    # ------------------------------------------------------------------ queries
    def recommend(self, person_id: int, k: int = 20, filters: Filters | None = None) -> list[Match]:
        """The k best opportunities for one person, scored over all opportunities at once."""
        f = filters or Filters()
        i = self._person_row(person_id)
        scores = self._scores_for_person(i)
        mask = self.opp_active_.copy()
        oa = self.oa_
        if f.types is not None:
            mask &= np.isin(oa.types, [OPPORTUNITY_TYPES.index(t) for t in f.types if t in OPPORTUNITY_TYPES])
        for values, attr in ((f.roles, oa.role_ids), (f.families, oa.family_ids), (f.locations, oa.location_ids),
                             (f.org_units, oa.org_unit_ids)):
            if values is not None:
                mask &= np.isin(attr, list(values))
        if f.remote_only:
            mask &= oa.remote
        excluded = scores < -BIG / 2
        if not f.include_excluded:
            mask &= ~excluded
        scores = np.where(excluded, scores + np.round(-scores / BIG) * BIG, scores)
        rows = _top(np.where(mask, scores, -np.inf), k, f.min_score / 100.0)
        return self._matches(i, rows, people_side=False)

    def candidates(self, opportunity_id: int, k: int = 50, filters: Filters | None = None) -> list[Match]:
        """The k best people for one opportunity, scored over all people at once. Skill gaps are
        listed without re-scoring (``explain`` re-scores them for one pair)."""
        f = filters or Filters()
        j = self._opp_row(opportunity_id)
        scores = self._scores_for_opportunity(j)
        mask = self.person_active_.copy()
        for values, name in ((f.roles, "role"), (f.families, "family"), (f.locations, "location"),
                             (f.org_units, "org_unit")):
            if values is not None:
                mask &= np.isin(self.p_attr_[name], list(values))
        excluded = scores < -BIG / 2
        if not f.include_excluded:
            mask &= ~excluded
        scores = np.where(excluded, scores + np.round(-scores / BIG) * BIG, scores)
        rows = _top(np.where(mask, scores, -np.inf), k, f.min_score / 100.0)
        return self._matches(j, rows, people_side=True)

    def explain(self, person: int | Profile, opportunity: int | OpportunityData) -> Match:
        """The full explanation of one pair, including every rule that excludes it."""
        p = person if isinstance(person, Profile) else self.people_[self._person_row(person)]
        o = opportunity if isinstance(opportunity, OpportunityData) else self.opportunities_[self._opp_row(opportunity)]
        oa, j = (self.oa_, self.opp_index_[o.id]) if isinstance(opportunity, int) else \
            (opportunity_arrays(self.space_, [o]), 0)
        return ex.explain_pairs(self, [p], [0], oa, [j], [o], what_if=None, people_side=False)[0]

    def score(self, person: Profile, opportunity: OpportunityData) -> float:
        """The score of any pair (re-scored from scratch; rules do not apply)."""
        parts = person_parts(self.space_, [person])
        values = ex.pair_values(self.space_, parts, 0, opportunity_arrays(self.space_, [opportunity]), 0)
        return round(ex.score_of(values, self.weights_), 2)

    # ------------------------------------------------------------------ batch
    def batch(self, k: int = 20, block_size: int | None = None, mapper: BlockMapper | None = None) -> BatchResult:
        """Every active person's top k. ``mapper(blocks, side, k)`` may run the blocks elsewhere
        (e.g. on Dask); the default runs them here, one after another."""
        side = self.opportunity_side()
        blocks = self.people_blocks(block_size or self.block_size)
        run = mapper or (lambda bs, s, kk: [score_block(b, s, kk) for b in bs])
        results = run(blocks, side, k)
        ids = np.concatenate([b.ids for b in blocks]) if blocks else np.zeros(0, dtype=np.int64)
        kk = min(k, len(side.ids))
        top = np.concatenate([r[0] for r in results]) if results else np.zeros((0, kk), dtype=np.int64)
        val = np.concatenate([r[1] for r in results]) if results else np.zeros((0, kk), dtype=F32)
        return BatchResult(person_ids=ids, ids=top, scores=val)

    def opportunity_side(self) -> OpportunitySide:
        s, oa, w = self.space_, self.oa_, self.weights_
        off = s.offsets()
        n = len(oa.ids)
        dense = np.zeros((n, off["end"]), dtype=F32)
        rows = np.arange(n)
        dense[:, off["vec"]:off["vec"] + s.dim] = oa.vec
        for name, cols in (("role", oa.role), ("fam", oa.family), ("lvl", oa.level), ("loc", oa.loc),
                           ("hrs", oa.hrs), ("type", oa.types)):
            dense[rows, off[name] + cols] = 1.0
        dense[:, off["one"]] = 1.0
        dense[:, off["oppc_sem"]] = self.opp_const_sem_
        dense[:, off["oppc_any"]] = self.opp_const_any_
        # one expanded column per distinct (skill, required level); required and preferred share it
        req, req_lv, pref, pref_lv = oa.req.tocoo(), oa.req_lv.tocoo(), oa.pref.tocoo(), oa.pref_lv.tocoo()
        r_all = np.concatenate([req.row, pref.row])
        s_all = np.concatenate([req.col, pref.col]).astype(np.int64)
        lv_all = np.concatenate([req_lv.data, pref_lv.data]).astype(np.int64)
        v_all = np.concatenate([w["required_skills"] * req.data, w["preferred_skills"] * pref.data])
        keys_all, col_all = np.unique(s_all * 16 + lv_all, return_inverse=True)
        skills = sp.csr_matrix((v_all.astype(F32), (r_all, col_all)), shape=(n, len(keys_all)))
        interest = sp.csr_matrix(oa.interest * (w["aspiration"] * ASP_INTEREST), dtype=F32)
        inactive = np.flatnonzero(~self.opp_active_)
        cols = np.unique(oa.interest.indices).astype(np.int64)
        both = sp.csr_matrix(sp.hstack([skills, interest[:, cols]], format="csr"), dtype=F32)
        return OpportunitySide(ids=oa.ids, dense=dense, pair_skill=keys_all // 16,
                               pair_level=(keys_all % 16).astype(F32), skills=skills,
                               interest=interest, interest_cols=cols, skills_and_interest=both,
                               team=oa.team, visible=oa.visible, restricted=np.flatnonzero(oa.restricted),
                               inactive=inactive)

    def people_blocks(self, block_size: int) -> list[PeopleBlock]:
        active = np.flatnonzero(self.person_active_)
        ids = np.array([p.id for p in self.people_], dtype=np.int64)
        out = []
        for start in range(0, len(active), block_size):
            rows = active[start:start + block_size]
            out.append(PeopleBlock(ids=ids[rows], dense=np.ascontiguousarray(self.X_[rows]), eff=self.E_[rows],
                                   interests=self.I_[rows], team=self.team_[rows], visible=self.vis_[rows]))
        return out

    # ------------------------------------------------------------------ internals
    def _person_row(self, person_id: int) -> int:
        i = self.person_index_.get(person_id)
        if i is None or not self.person_active_[i]:
            raise KeyError(f"person {person_id} is not in the index")
        return i

    def _opp_row(self, opportunity_id: int) -> int:
        j = self.opp_index_.get(opportunity_id)
        if j is None or not self.opp_active_[j]:
            raise KeyError(f"opportunity {opportunity_id} is not in the index")
        return j

    def _scores_for_person(self, i: int) -> npt.NDArray[np.float32]:
        s, oa, w, x = self.space_, self.oa_, self.weights_, self.X_[i]
        off = s.offsets()
        score = oa.vec @ x[off["vec"]:off["vec"] + s.dim] if s.dim else np.zeros(len(oa.ids), dtype=F32)
        for name, cols in (("role", oa.role), ("fam", oa.family), ("lvl", oa.level), ("loc", oa.loc),
                           ("hrs", oa.hrs), ("type", oa.types)):
            score = score + x[off[name] + cols]
        score += x[off["one"]] + x[off["oppc_sem"]] * self.opp_const_sem_ + x[off["oppc_any"]] * self.opp_const_any_
        eff = np.asarray(self.E_[i].toarray(), dtype=F32).ravel()
        score += w["required_skills"] * skill_credit_rows(eff, oa.req, oa.req_lv)
        score += w["preferred_skills"] * skill_credit_rows(eff, oa.pref, oa.pref_lv)
        if self.I_[i].nnz:
            score += w["aspiration"] * ASP_INTEREST * (oa.interest @ np.asarray(self.I_[i].toarray()).ravel())
        own = (oa.team @ self.team_[i].T).toarray().ravel() > 0
        hidden = oa.restricted & ~((oa.visible @ self.vis_[i].T).toarray().ravel() > 0)
        return np.asarray(np.where(own | hidden, score - BIG, score), dtype=F32)

    def _scores_for_opportunity(self, j: int) -> npt.NDArray[np.float32]:
        s, oa, x = self.space_, self.oa_, self.X_
        off = s.offsets()
        score = x[:, off["vec"]:off["vec"] + s.dim] @ oa.vec[j] if s.dim else np.zeros(x.shape[0], dtype=F32)
        for name, cols in (("role", oa.role), ("fam", oa.family), ("lvl", oa.level), ("loc", oa.loc),
                           ("hrs", oa.hrs), ("type", oa.types)):
            score = score + x[:, off[name] + cols[j]]
        score += x[:, off["one"]] + x[:, off["oppc_sem"]] * self.opp_const_sem_[j] + x[:, off["oppc_any"]] * \
            self.opp_const_any_[j]
        score += self._people_skill_scores(self.E_csc_, self.I_csc_, j)
        if self.dirty_:
            rows = np.fromiter(self.dirty_, dtype=np.int64)
            score[rows] += self._people_skill_scores(self.E_[rows].tocsc(), self.I_[rows].tocsc(), j) - \
                self._people_skill_scores(self.E_csc_[rows], self.I_csc_[rows], j)
        team_cols, vis_cols = oa.team[j].indices, oa.visible[j].indices
        own = np.asarray(self.team_csc_[:, team_cols].sum(axis=1)).ravel() > 0
        hidden = np.zeros(len(score), dtype=bool)
        if oa.restricted[j]:
            hidden = ~(np.asarray(self.vis_csc_[:, vis_cols].sum(axis=1)).ravel() > 0)
        if self.dirty_:
            rows = np.fromiter(self.dirty_, dtype=np.int64)
            own[rows] = np.asarray(self.team_[rows][:, team_cols].sum(axis=1)).ravel() > 0
            if oa.restricted[j]:
                hidden[rows] = ~(np.asarray(self.vis_[rows][:, vis_cols].sum(axis=1)).ravel() > 0)
        return np.asarray(np.where(own | hidden, score - BIG, score), dtype=F32)

    def _people_skill_scores(self, eff: sp.csc_matrix, interests: sp.csc_matrix, j: int) -> npt.NDArray[np.float32]:
        oa, w = self.oa_, self.weights_
        out = np.zeros(eff.shape[0], dtype=np.float64)
        for mat, lv, weight in ((oa.req, oa.req_lv, w["required_skills"]),
                                (oa.pref, oa.pref_lv, w["preferred_skills"])):
            a, b = mat.indptr[j], mat.indptr[j + 1]
            if a == b:
                continue
            sub = eff[:, mat.indices[a:b]].tocoo()
            credit = np.minimum(1.0, sub.data / lv.data[a:b][sub.col]) * mat.data[a:b][sub.col] * weight
            out += np.bincount(sub.row, weights=credit, minlength=eff.shape[0])
        a, b = oa.interest.indptr[j], oa.interest.indptr[j + 1]
        if a < b:
            sub = interests[:, oa.interest.indices[a:b]].tocoo()
            vals = sub.data * oa.interest.data[a:b][sub.col] * w["aspiration"] * ASP_INTEREST
            out += np.bincount(sub.row, weights=vals, minlength=eff.shape[0])
        return out.astype(F32)

    def _matches(self, fixed: int, rows: npt.NDArray[np.int64], people_side: bool) -> list[Match]:
        if people_side:
            profiles = [self.people_[int(r)] for r in rows]
            opp = self.opportunities_[fixed]
            matches = ex.explain_pairs(self, profiles, list(range(len(rows))), self.oa_, [fixed] * len(rows),
                                       [opp] * len(rows), what_if=0, people_side=True)
        else:
            ojs = [int(r) for r in rows]
            matches = ex.explain_pairs(self, [self.people_[fixed]], [0] * len(rows), self.oa_, ojs,
                                       [self.opportunities_[j] for j in ojs], what_if=self.what_if,
                                       people_side=False)
        return sorted(matches, key=lambda m: (not m.eligible, -m.score))


def _families(x: Profile | OpportunityData) -> list[int]:
    if isinstance(x, Profile):
        return [f for f in (x.family, *x.target_families) if f is not None]
    return [x.family] if x.family is not None else []


def _locations(x: Profile | OpportunityData) -> list[int]:
    if isinstance(x, Profile):
        return [loc for loc in (x.location, *x.accepted_locations) if loc is not None]
    return [x.location] if x.location is not None else []


def _vocab(values: Iterable[int]) -> dict[int, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def _vstack(mats: list[sp.csr_matrix], width: int) -> sp.csr_matrix:
    if not mats:
        return sp.csr_matrix((0, width), dtype=F32)
    return sp.csr_matrix(sp.vstack(mats, format="csr"), dtype=F32)


def _replace_row(m: sp.csr_matrix, i: int, row: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix(sp.vstack([m[:i], row, m[i + 1:]], format="csr"), dtype=F32)


def _top(scores: npt.NDArray[np.float32], k: int, floor: float) -> npt.NDArray[np.int64]:
    valid = np.flatnonzero(np.isfinite(scores) & (scores >= floor))
    if len(valid) > k:
        part = np.argpartition(-scores[valid], k - 1)[:k]
        valid = valid[part]
    return valid[np.argsort(-scores[valid], kind="stable")].astype(np.int64)


__all__ = ["Matcher", "PersonParts", "SkillLevel", "SkillMatch", "rule_hits"]
