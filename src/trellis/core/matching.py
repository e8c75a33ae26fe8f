"""The matcher: explainable two-way matching of people and opportunities.

    m = Matcher(Weights(), Rules()).fit(opportunities, people, skill_links=..., skill_vectors=...)
    m.recommend(person_id, k=20)       # opportunities for a person, best first
    m.candidates(opportunity_id, k=50) # people for an opportunity
    m.explain(person_id, opportunity_id)

Scores are 0–100; each result carries named components that add up to the score, how each skill
is met, the score after adding each missing skill (re-scored), and the rules that exclude it.
The fitted arrays and their incremental updates live in ``match_index.py``, the vectorised
scoring in ``ranking.py``, the feature columns in ``features.py``, the explanations in
``explain.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trellis.core import explain as ex
from trellis.core import ranking
from trellis.core.batch import OpportunitySide, PeopleBlock, score_block
from trellis.core.features import BIG, PersonParts, Space, opportunity_arrays, person_parts
from trellis.core.match_index import MatchIndex, families, locations
from trellis.core.rules import Rules, rule_hits, type_hit
from trellis.core.scoring import Trust, Weights, plausibility_matrix, skill_similarity
from trellis.core.types import (
    OPPORTUNITY_TYPES,
    BatchResult,
    Filters,
    Match,
    OpportunityData,
    Profile,
    RuleHit,
    SkillLevel,
    SkillMatch,
)

F32 = np.float32
BlockMapper = Callable[[list[PeopleBlock], OpportunitySide, int], list[tuple[Any, Any]]]


class Matcher(MatchIndex):
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
        keys = sorted(person_keys(people))
        self.skill_ids_ = skill_list
        self.space_ = Space(
            skills={s: i for i, s in enumerate(skill_list)}, related=sp.csr_matrix(related * self.related_credit),
            skill_vectors=vectors, dim=dim, roles=role_index,
            families=_vocab([f for p in people for f in families(p)] + [f for o in opportunities
                                                                           for f in families(o)]),
            levels=_vocab(o.level for o in opportunities if o.level is not None),
            locations=_vocab([loc for p in people for loc in locations(p)]
                             + [loc for o in opportunities for loc in locations(o)]),
            hours={h: i + 1 for i, h in enumerate(sorted({o.hours_per_week for o in opportunities
                                                          if o.hours_per_week}))},
            keys={k: i for i, k in enumerate(keys)}, plausibility=plaus, trust=self.trust or Trust(),
            rules=self.rules or Rules(), semantic_mix=self.semantic_mix)
        self.labels_: ex.Labels = labels or {}
        self._set_opportunities(list(opportunities))
        self._set_people(list(people))
        return self

    # ------------------------------------------------------------------ queries
    def recommend(self, person_id: int, k: int = 20, filters: Filters | None = None) -> list[Match]:
        """The k best opportunities for one person, scored over all opportunities at once."""
        f = filters or Filters()
        i = self._person_row(person_id)
        scores = ranking.scores_for_person(self, i)
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
        rows = ranking.top(np.where(mask, scores, -np.inf), k, f.min_score / 100.0)
        return self._matches(i, rows, people_side=False)

    def candidates(self, opportunity_id: int, k: int = 50, filters: Filters | None = None) -> list[Match]:
        """The k best people for one opportunity, scored over all people at once. Skill gaps are
        listed without re-scoring (``explain`` re-scores them for one pair)."""
        f = filters or Filters()
        j = self._opp_row(opportunity_id)
        scores = ranking.scores_for_opportunity(self, j)
        mask = self.person_active_.copy()
        for values, name in ((f.roles, "role"), (f.families, "family"), (f.locations, "location"),
                             (f.org_units, "org_unit")):
            if values is not None:
                mask &= np.isin(self.p_attr_[name], list(values))
        excluded = scores < -BIG / 2
        if not f.include_excluded:
            mask &= ~excluded
        scores = np.where(excluded, scores + np.round(-scores / BIG) * BIG, scores)
        rows = ranking.top(np.where(mask, scores, -np.inf), k, f.min_score / 100.0)
        return self._matches(j, rows, people_side=True)

    def explain(self, person: int | Profile, opportunity: int | OpportunityData, *, you: bool = True) -> Match:
        """The full explanation of one pair, including every rule that excludes it, in words
        written to the person (``you``) or about them (for a hiring manager or HR)."""
        p = person if isinstance(person, Profile) else self.people_[self._person_row(person)]
        o = opportunity if isinstance(opportunity, OpportunityData) else self.opportunities_[self._opp_row(opportunity)]
        oa, j = (self.oa_, self.opp_index_[o.id]) if isinstance(opportunity, int) else \
            (opportunity_arrays(self.space_, [o]), 0)
        return ex.explain_pairs(self, [p], [0], oa, [j], [o], what_if=None, people_side=False,
                                you=you)[0]

    def hidden(self, person_id: int) -> list[tuple[RuleHit, int]]:
        """The rules that keep open opportunities out of this person's suggestions, each with
        how many it hides (an opening two rules exclude counts under both), most first, in
        words written to the person. The rules of `rule_hits`, counted over every opening at once."""
        i = self._person_row(person_id)
        profile, rules, oa = self.people_[i], self.space_.rules, self.oa_
        active = self.opp_active_
        found: list[tuple[RuleHit, int]] = []
        for t, kind in enumerate(OPPORTUNITY_TYPES):
            hit = type_hit(profile, kind, rules, you=True)
            if hit is not None:
                found.append((hit, int(np.count_nonzero(active & (oa.types == t)))))
        if profile.level is not None:
            levels = np.array([*self.space_.levels, -1])[oa.level]  # -1: the opening has no level
            gap = levels - profile.level
            outside = (levels >= 0) & ((gap < -rules.max_levels_down) | (gap > rules.max_levels_up))
            found.append((RuleHit("level_band", (
                f"they are outside the levels suggestions stay within (up to {rules.max_levels_up} up or "
                f"{rules.max_levels_down} down from your level {profile.level})")),
                int(np.count_nonzero(active & outside))))
        own, elsewhere = ranking.excluded_for_person(self, i)
        found.append((RuleHit("own_team", "it is in your own team"), int(np.count_nonzero(active & own))))
        found.append((RuleHit("visibility", "it is offered only to other parts of the company or other locations"),
                      int(np.count_nonzero(active & elsewhere))))
        counts: dict[tuple[str, str], int] = {}
        for hit, n in found:
            if n:
                counts[(hit.rule, hit.text)] = counts.get((hit.rule, hit.text), 0) + n
        return [(RuleHit(rule, text), n) for (rule, text), n in sorted(counts.items(), key=lambda kv: -kv[1])]

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
        """Every opportunity as the batch's right-hand side (``core/batch.py``)."""
        return ranking.opportunity_side(self)

    def people_blocks(self, block_size: int) -> list[PeopleBlock]:
        """The active people in blocks of ``block_size`` rows, the batch's left-hand sides."""
        return ranking.people_blocks(self, block_size)

    def _matches(self, fixed: int, rows: npt.NDArray[np.int64], people_side: bool) -> list[Match]:
        if people_side:
            profiles = [self.people_[int(r)] for r in rows]
            opp = self.opportunities_[fixed]
            matches = ex.explain_pairs(self, profiles, list(range(len(rows))), self.oa_, [fixed] * len(rows),
                                       [opp] * len(rows), what_if=0, people_side=True, you=False)
        else:
            ojs = [int(r) for r in rows]
            matches = ex.explain_pairs(self, [self.people_[fixed]], [0] * len(rows), self.oa_, ojs,
                                       [self.opportunities_[j] for j in ojs], what_if=self.what_if,
                                       people_side=False)
        return sorted(matches, key=lambda m: (not m.eligible, -m.score))


def person_keys(people: Iterable[Profile]) -> set[str]:
    """The team and visibility keys of everyone (built up one person at a time: a set per person
    first, ~66 MB at 100,000 people, left the heap that much larger for good)."""
    keys: set[str] = set()
    for p in people:
        keys.update((f"m{p.id}", f"m{p.manager}", f"u{p.org_unit}", f"l{p.location}"))
        keys.update(f"u{u}" for u in p.org_path)
    return keys


def _vocab(values: Iterable[int]) -> dict[int, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


__all__ = ["Matcher", "PersonParts", "SkillLevel", "SkillMatch", "rule_hits"]
