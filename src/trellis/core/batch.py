"""Batch scoring: every person's top-k opportunities, block by block of people. Each block is
one float32 matrix product plus a sparse skill product, rule masks, and a blockwise top-k that
avoids a full ``argpartition`` over the score matrix. Blocks are independent and picklable, so
the same function runs in-process or on a Dask cluster."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trellis.core.features import BIG

F32 = np.float32
IdArray = npt.NDArray[np.int64]
ScoreArray = npt.NDArray[np.float32]


@dataclass
class OpportunitySide:
    """Everything a block needs from the opportunities (shipped once to every worker)."""

    ids: npt.NDArray[np.int64]
    dense: npt.NDArray[np.float32]  # O × D
    pair_skill: npt.NDArray[np.int64]  # expanded column -> skill column
    pair_level: npt.NDArray[np.float32]  # expanded column -> required level
    skills: sp.csr_matrix  # O × n_pairs, weighted (required + preferred)
    interest: sp.csr_matrix  # O × S, weighted
    interest_cols: npt.NDArray[np.int64]
    skills_and_interest: sp.csr_matrix  # [skills | interest columns in use], one product for both
    team: sp.csr_matrix  # O × K
    visible: sp.csr_matrix  # O × K
    restricted: npt.NDArray[np.int64]  # rows with a visibility restriction
    inactive: npt.NDArray[np.int64]


@dataclass
class PeopleBlock:
    ids: npt.NDArray[np.int64]
    dense: npt.NDArray[np.float32]  # B × D
    eff: sp.csr_matrix  # B × S
    interests: sp.csr_matrix
    team: sp.csr_matrix
    visible: sp.csr_matrix


def block_scores(block: PeopleBlock, side: OpportunitySide) -> npt.NDArray[np.float32]:
    """Ranking scores (0–1 scale, −BIG where a rule excludes), opportunities × people: every
    product and addition runs on contiguous rows, and nothing is transposed."""
    scores = np.asarray(side.dense @ block.dense.T, dtype=F32)  # O × B
    parts = []
    if side.skills.nnz:
        used = np.unique(side.pair_skill)
        eff_t = np.asarray(block.eff[:, used].T.toarray(), dtype=F32)  # used skills × B
        where = np.searchsorted(used, side.pair_skill)
        parts.append(np.minimum(1.0, eff_t[where] / side.pair_level[:, None]).astype(F32))
    else:
        parts.append(np.zeros((side.skills.shape[1], block.dense.shape[0]), dtype=F32))
    sparse = side.skills
    if side.interest.nnz and block.interests.nnz:
        parts.append(np.asarray(block.interests[:, side.interest_cols].T.toarray(), dtype=F32))
        sparse = side.skills_and_interest
    if sparse.nnz:
        scores += np.asarray(sparse @ (np.vstack(parts) if len(parts) > 1 else parts[0]), dtype=F32)
    own = (side.team @ block.team.T).tocoo()
    scores[own.row, own.col] = -BIG
    if len(side.restricted):
        seen = (side.visible[side.restricted] @ block.visible.T).toarray() > 0
        sub = scores[side.restricted]
        sub[~seen] = -BIG
        scores[side.restricted] = sub
    if len(side.inactive):
        scores[side.inactive] = -BIG
    return scores


def top_k(scores: npt.NDArray[np.float32], k: int, chunk: int = 64) -> tuple[IdArray, ScoreArray]:
    """Top k of every column of ``scores`` (items × people), best first, as people × k.

    The k-th largest of the chunk maxima bounds each column's k-th largest score from below, so
    only the chunks whose maximum reaches it are read again (usually 1–2 % of the matrix); a
    full argpartition over all scores is what this avoids."""
    n_items, n_people = scores.shape
    k = min(k, n_items)
    if k == 0:
        return np.zeros((n_people, 0), dtype=np.int64), np.zeros((n_people, 0), dtype=F32)
    n_chunks = n_items // chunk
    if n_chunks < 2 * k:
        idx = np.argpartition(-scores, k - 1, axis=0)[:k].T
    else:
        body = n_chunks * chunk
        maxima = scores[:body].reshape(n_chunks, chunk, n_people).max(axis=1)
        tail = scores[body:]
        all_max = np.vstack([maxima, tail.max(axis=0, keepdims=True)]) if len(tail) else maxima
        threshold = np.partition(all_max, all_max.shape[0] - k, axis=0)[all_max.shape[0] - k]
        cs, ps = np.nonzero(maxima >= threshold[None, :])
        rows = cs[:, None] * chunk + np.arange(chunk)[None, :]
        cand_item, cand_person = rows.ravel(), np.repeat(ps, chunk)
        if len(tail):
            cand_item = np.concatenate([cand_item, np.tile(np.arange(body, n_items), n_people)])
            cand_person = np.concatenate([cand_person, np.repeat(np.arange(n_people), len(tail))])
        vals = scores[cand_item, cand_person]
        keep = vals >= threshold[cand_person]
        cand_item, cand_person, vals = cand_item[keep], cand_person[keep], vals[keep]
        order = np.lexsort((cand_item, -vals, cand_person))
        cand_item, cand_person = cand_item[order], cand_person[order]
        starts = np.searchsorted(cand_person, np.arange(n_people))
        idx = cand_item[starts[:, None] + np.arange(k)[None, :]]
    part = scores[idx, np.arange(n_people)[:, None]]
    order = np.argsort(-part, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(part, order, axis=1)


def score_block(block: PeopleBlock, side: OpportunitySide, k: int) -> tuple[IdArray, ScoreArray]:
    """(opportunity ids, scores 0–100) of each person's top k eligible opportunities; −1 / NaN pad."""
    idx, vals = top_k(block_scores(block, side), k)
    ok = vals > -BIG / 2
    ids = np.where(ok, side.ids[idx], -1)
    return ids.astype(np.int64), np.where(ok, vals * 100.0, np.nan).astype(F32)
