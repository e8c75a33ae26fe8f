"""The matcher's fitted index: people and opportunities as arrays in one feature space (built
by ``Matcher.fit``), and its incremental upkeep: add, replace or remove one person or
opportunity without fitting again."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from trellis.core.features import (
    OpportunityArrays,
    Space,
    merged_person_rows,
    move_rows,
    opportunity_arrays,
    person_key_rows,
    person_parts,
)
from trellis.core.role_columns import RoleColumns
from trellis.core.types import OpportunityData, Profile

F32 = np.float32


class MatchIndex:
    """The learned state of a ``Matcher`` (names end in ``_``) and how it changes row by row."""

    space_: Space
    weights_: dict[str, float]

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
        width = self.space_.stored_offsets()["end"]
        self.X_ = np.zeros((len(people), width), dtype=F32, order="F")  # filled in place: no second copy
        self.moves_ = move_rows(self.space_)
        self.roles_ = RoleColumns.of(self.space_, people)
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
        self.roles_.replace(len(self.people_) if i is None else i, RoleColumns.of(self.space_, [profile]))
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
                and all(f in s.families for f in families(p)) and all(loc in s.locations for loc in locations(p))
                and all(k in s.keys for k in (f"m{p.id}", f"m{p.manager}", f"u{p.org_unit}", f"l{p.location}",
                                              *(f"u{u}" for u in p.org_path))))

    def _covers_opportunity(self, o: OpportunityData) -> bool:
        s = self.space_
        return (all(r.skill in s.skills for r in o.requirements) and (o.role is None or o.role in s.roles)
                and all(f in s.families for f in families(o)) and all(loc in s.locations for loc in locations(o))
                and (o.level is None or o.level in s.levels)
                and (not o.hours_per_week or o.hours_per_week in s.hours))

    # ------------------------------------------------------------------ rows
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


def families(x: Profile | OpportunityData) -> list[int]:
    if isinstance(x, Profile):
        return [f for f in (x.family, *x.target_families) if f is not None]
    return [x.family] if x.family is not None else []


def locations(x: Profile | OpportunityData) -> list[int]:
    if isinstance(x, Profile):
        return [loc for loc in (x.location, *x.accepted_locations) if loc is not None]
    return [x.location] if x.location is not None else []


def _vstack(mats: list[sp.csr_matrix], width: int) -> sp.csr_matrix:
    if not mats:
        return sp.csr_matrix((0, width), dtype=F32)
    return sp.csr_matrix(sp.vstack(mats, format="csr"), dtype=F32)


def _replace_row(m: sp.csr_matrix, i: int, row: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix(sp.vstack([m[:i], row, m[i + 1:]], format="csr"), dtype=F32)
