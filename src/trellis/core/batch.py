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
    """Ranking scores (0–1 scale, −BIG where a rule excludes) for every person × opportunity."""
    scores = np.asarray(block.dense @ side.dense.T, dtype=F32)
    if side.skills.nnz:
        used = np.unique(side.pair_skill)
        eff = np.asarray(block.eff[:, used].toarray(), dtype=F32)
        where = np.searchsorted(used, side.pair_skill)
        expanded = np.minimum(1.0, eff[:, where] / side.pair_level[None, :]).astype(F32)
        scores += np.asarray(side.skills @ expanded.T, dtype=F32).T
    if side.interest.nnz and block.interests.nnz:
        cols = side.interest_cols
        x = np.asarray(block.interests[:, cols].toarray(), dtype=F32)
        scores += np.asarray(side.interest[:, cols] @ x.T, dtype=F32).T
    own = (block.team @ side.team.T).tocoo()
    scores[own.row, own.col] = -BIG
    if len(side.restricted):
        seen = (block.visible @ side.visible[side.restricted].T).toarray() > 0
        sub = scores[:, side.restricted]
        sub[~seen] = -BIG
        scores[:, side.restricted] = sub
    if len(side.inactive):
        scores[:, side.inactive] = -BIG
    return scores


def top_k(scores: npt.NDArray[np.float32], k: int, chunk: int = 64) -> tuple[IdArray, ScoreArray]:
    """Row-wise top-k, best first. The k-th largest of the chunk maxima bounds the k-th largest
    score from below, so only the few scores above it need sorting (ties fall back to argpartition)."""
    n_rows, n_cols = scores.shape
    k = min(k, n_cols)
    if k == 0:
        return np.zeros((n_rows, 0), dtype=np.int64), np.zeros((n_rows, 0), dtype=F32)
    n_chunks = n_cols // chunk
    if n_chunks < 2 * k:
        idx = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        maxima = scores[:, : n_chunks * chunk].reshape(n_rows, n_chunks, chunk).max(axis=2)
        if n_chunks * chunk < n_cols:
            maxima = np.concatenate([maxima, scores[:, n_chunks * chunk:].max(axis=1, keepdims=True)], axis=1)
        threshold = np.partition(maxima, maxima.shape[1] - k, axis=1)[:, maxima.shape[1] - k]
        rows, cols = np.nonzero(scores >= threshold[:, None])
        counts = np.bincount(rows, minlength=n_rows)
        idx = np.empty((n_rows, k), dtype=np.int64)
        if counts.max() > 8 * k:  # heavy ties: exact fallback for those rows
            heavy = np.flatnonzero(counts > 8 * k)
            idx[heavy] = np.argpartition(-scores[heavy], k - 1, axis=1)[:, :k]
            keep = counts[rows] <= 8 * k
            rows, cols = rows[keep], cols[keep]
        light = np.flatnonzero(counts <= 8 * k)
        if len(light):
            vals = scores[rows, cols]
            order = np.lexsort((-vals, rows))
            rows, cols = rows[order], cols[order]
            starts = np.searchsorted(rows, light)
            take = starts[:, None] + np.arange(k)[None, :]
            idx[light] = cols[take]
    part = np.take_along_axis(scores, idx, axis=1)
    order = np.argsort(-part, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(part, order, axis=1)


def score_block(block: PeopleBlock, side: OpportunitySide, k: int) -> tuple[IdArray, ScoreArray]:
    """(opportunity ids, scores 0–100) of each person's top k eligible opportunities; −1 / NaN pad."""
    scores = block_scores(block, side)
    idx, vals = top_k(scores, k)
    ok = vals > -BIG / 2
    ids = np.where(ok, side.ids[idx], -1)
    return ids.astype(np.int64), np.where(ok, vals * 100.0, np.nan).astype(F32)
