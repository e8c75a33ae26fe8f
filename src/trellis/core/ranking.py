"""Vectorised scoring over a fitted ``MatchIndex``: one person against every opportunity, one
opportunity against every person (rows changed since the last column refresh are corrected),
the top k of a score vector, and the two sides the batch multiplies."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trellis.core.batch import OpportunitySide, PeopleBlock
from trellis.core.features import ASP_INTEREST, BIG, skill_credit_rows
from trellis.core.match_index import MatchIndex

F32 = np.float32


def scores_for_person(index: MatchIndex, i: int) -> npt.NDArray[np.float32]:
    """Person row ``i`` against every opportunity (excluded pairs are pushed down by ``BIG``)."""
    s, oa, w, x = index.space_, index.oa_, index.weights_, index.X_[i]
    off = s.stored_offsets()
    score = oa.vec @ x[off["vec"]:off["vec"] + s.dim] if s.dim else np.zeros(len(oa.ids), dtype=F32)
    score = score + index.roles_.for_person(index.moves_, w, i, oa.role)
    for name, cols in (("fam", oa.family), ("lvl", oa.level), ("loc", oa.loc), ("hrs", oa.hrs), ("type", oa.types)):
        score = score + x[off[name] + cols]
    score += x[off["one"]] + x[off["oppc_sem"]] * index.opp_const_sem_ + x[off["oppc_any"]] * index.opp_const_any_
    eff = np.asarray(index.E_[i].toarray(), dtype=F32).ravel()
    score += w["required_skills"] * skill_credit_rows(eff, oa.req, oa.req_lv)
    score += w["preferred_skills"] * skill_credit_rows(eff, oa.pref, oa.pref_lv)
    if index.I_[i].nnz:
        score += w["aspiration"] * ASP_INTEREST * (oa.interest @ np.asarray(index.I_[i].toarray()).ravel())
    own, hidden = excluded_for_person(index, i)
    return np.asarray(np.where(own | hidden, score - BIG, score), dtype=F32)


def excluded_for_person(index: MatchIndex, i: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(in the person's own team, offered only elsewhere) for every opportunity: the own-team and
    visibility rules over person row ``i``."""
    oa = index.oa_
    own = _rows_touching(oa.team, _columns_of_row(index.team_, i))
    hidden = oa.restricted & ~_rows_touching(oa.visible, _columns_of_row(index.vis_, i))
    return own, hidden


def _columns_of_row(m: sp.csr_matrix, i: int) -> npt.NDArray[np.int32]:
    return np.asarray(m.indices[m.indptr[i]:m.indptr[i + 1]])


def _rows_touching(m: sp.csr_matrix, columns: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    """The rows of a 0/1 matrix with a one in any of ``columns`` (index arithmetic: a sparse
    product per request cost more in scipy's checks than in the product)."""
    out = np.zeros(m.shape[0], dtype=bool)
    if len(columns) and m.nnz:
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        out[rows[np.isin(m.indices, columns)]] = True
    return out


def scores_for_opportunity(index: MatchIndex, j: int) -> npt.NDArray[np.float32]:
    """Opportunity row ``j`` against every person (excluded pairs are pushed down by ``BIG``)."""
    s, oa, x = index.space_, index.oa_, index.X_
    off = s.stored_offsets()
    score = x[:, off["vec"]:off["vec"] + s.dim] @ oa.vec[j] if s.dim else np.zeros(x.shape[0], dtype=F32)
    score = score + index.roles_.for_column(index.moves_, index.weights_, int(oa.role[j]))
    for name, cols in (("fam", oa.family), ("lvl", oa.level), ("loc", oa.loc), ("hrs", oa.hrs), ("type", oa.types)):
        score = score + x[:, off[name] + cols[j]]
    score += x[:, off["one"]] + x[:, off["oppc_sem"]] * index.opp_const_sem_[j] + x[:, off["oppc_any"]] * \
        index.opp_const_any_[j]
    score += _people_skill_scores(index, index.E_csc_, index.I_csc_, j)
    if index.dirty_:
        rows = np.fromiter(index.dirty_, dtype=np.int64)
        score[rows] += _people_skill_scores(index, index.E_[rows].tocsc(), index.I_[rows].tocsc(), j) - \
            _people_skill_scores(index, index.E_csc_[rows], index.I_csc_[rows], j)
    team_cols, vis_cols = oa.team[j].indices, oa.visible[j].indices
    own = np.asarray(index.team_csc_[:, team_cols].sum(axis=1)).ravel() > 0
    hidden = np.zeros(len(score), dtype=bool)
    if oa.restricted[j]:
        hidden = ~(np.asarray(index.vis_csc_[:, vis_cols].sum(axis=1)).ravel() > 0)
    if index.dirty_:
        rows = np.fromiter(index.dirty_, dtype=np.int64)
        own[rows] = np.asarray(index.team_[rows][:, team_cols].sum(axis=1)).ravel() > 0
        if oa.restricted[j]:
            hidden[rows] = ~(np.asarray(index.vis_[rows][:, vis_cols].sum(axis=1)).ravel() > 0)
    return np.asarray(np.where(own | hidden, score - BIG, score), dtype=F32)


def _people_skill_scores(index: MatchIndex, eff: sp.csc_matrix, interests: sp.csc_matrix,
                         j: int) -> npt.NDArray[np.float32]:
    oa, w = index.oa_, index.weights_
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


def opportunity_side(index: MatchIndex) -> OpportunitySide:
    """Every opportunity as one dense row plus sparse skill and interest columns."""
    s, oa, w = index.space_, index.oa_, index.weights_
    off = s.offsets()
    n = len(oa.ids)
    dense = np.zeros((n, off["end"]), dtype=F32)
    rows = np.arange(n)
    dense[:, off["vec"]:off["vec"] + s.dim] = oa.vec
    for name, cols in (("role", oa.role), ("fam", oa.family), ("lvl", oa.level), ("loc", oa.loc),
                       ("hrs", oa.hrs), ("type", oa.types)):
        dense[rows, off[name] + cols] = 1.0
    dense[:, off["one"]] = 1.0
    dense[:, off["oppc_sem"]] = index.opp_const_sem_
    dense[:, off["oppc_any"]] = index.opp_const_any_
    # one expanded column per distinct (skill, required level); required and preferred share it
    req, req_lv, pref, pref_lv = oa.req.tocoo(), oa.req_lv.tocoo(), oa.pref.tocoo(), oa.pref_lv.tocoo()
    r_all = np.concatenate([req.row, pref.row])
    s_all = np.concatenate([req.col, pref.col]).astype(np.int64)
    lv_all = np.concatenate([req_lv.data, pref_lv.data]).astype(np.int64)
    v_all = np.concatenate([w["required_skills"] * req.data, w["preferred_skills"] * pref.data])
    keys_all, col_all = np.unique(s_all * 16 + lv_all, return_inverse=True)
    skills = sp.csr_matrix((v_all.astype(F32), (r_all, col_all)), shape=(n, len(keys_all)))
    interest = sp.csr_matrix(oa.interest * (w["aspiration"] * ASP_INTEREST), dtype=F32)
    inactive = np.flatnonzero(~index.opp_active_)
    cols = np.unique(oa.interest.indices).astype(np.int64)
    both = sp.csr_matrix(sp.hstack([skills, interest[:, cols]], format="csr"), dtype=F32)
    return OpportunitySide(ids=oa.ids, dense=dense, pair_skill=keys_all // 16,
                           pair_level=(keys_all % 16).astype(F32), skills=skills,
                           interest=interest, interest_cols=cols, skills_and_interest=both,
                           team=oa.team, visible=oa.visible, restricted=np.flatnonzero(oa.restricted),
                           inactive=inactive)


def people_blocks(index: MatchIndex, block_size: int) -> list[PeopleBlock]:
    """The active people, ``block_size`` rows at a time."""
    active = np.flatnonzero(index.person_active_)
    ids = np.array([p.id for p in index.people_], dtype=np.int64)
    out = []
    for start in range(0, len(active), block_size):
        rows = active[start:start + block_size]
        out.append(PeopleBlock(ids=ids[rows], dense=full_rows(index, rows), eff=index.E_[rows],
                               interests=index.I_[rows], team=index.team_[rows], visible=index.vis_[rows]))
    return out


def full_rows(index: MatchIndex, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
    """People ``rows`` in the full layout (`Space.offsets`) the opportunity side multiplies: the
    stored columns with the role block put back in its place."""
    s = index.space_
    full, stored = s.offsets(), s.stored_offsets()
    out = np.empty((len(rows), full["end"]), dtype=F32)
    x = index.X_[rows]
    out[:, :full["role"]] = x[:, :stored["fam"]]
    out[:, full["role"]:full["fam"]] = index.roles_.dense(index.moves_, index.weights_, rows)
    out[:, full["fam"]:] = x[:, stored["fam"]:]
    return out


def top(scores: npt.NDArray[np.float32], k: int, floor: float) -> npt.NDArray[np.int64]:
    """Indices of the k best finite scores at or above ``floor``, best first (ties: lower index)."""
    valid = np.flatnonzero(np.isfinite(scores) & (scores >= floor))
    if len(valid) > k:
        part = np.argpartition(-scores[valid], k - 1)[:k]
        valid = valid[part]
    return valid[np.argsort(-scores[valid], kind="stable")].astype(np.int64)
