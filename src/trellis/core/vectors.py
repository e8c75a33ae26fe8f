"""Nearest-neighbour search over unit vectors (inner product = cosine), numpy only.

An inverted-file layout: the vectors are clustered by k-means and stored sorted by cluster, so a
query scores the centroids, then only the vectors of its ``probes`` nearest clusters. Below
``exact_below`` vectors there is a single cluster and the search is exact. The layout is plain
arrays (centroids, cluster starts, the original row of each sorted vector), so it can be saved
with `numpy.save` and memory-mapped by every process that searches it.

A layout can hold its vectors as int16 with one scale per row (`IvfLayout.quantised`): float16's
memory, but cast to float32 five times faster (a search converts most lists of a batch; a
re-ranking gathers thousands of rows) and closer to float32 (a step of 1/32,767 of the row's
largest component)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


def _normalised(rows: FloatArray) -> FloatArray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatArray = (rows / norms).astype(np.float32)
    return out


def spherical_kmeans(vectors: FloatArray, clusters: int, *, iterations: int = 8, sample: int = 32768,
                     seed: int = 0) -> FloatArray:
    """Unit centroids fitted on a sample of the rows (cosine k-means, k-means++-like seeding by
    a random choice of rows: enough for an index, where clusters only bound the search)."""
    rng = np.random.default_rng(seed)
    rows = vectors if len(vectors) <= sample else vectors[np.sort(rng.choice(len(vectors), sample, replace=False))]
    rows = np.asarray(rows, dtype=np.float32)
    centroids = rows[rng.choice(len(rows), clusters, replace=False)].copy()
    for _ in range(iterations):
        assign = np.argmax(rows @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, rows)
        empty = np.bincount(assign, minlength=clusters) == 0
        sums[empty] = rows[rng.choice(len(rows), int(empty.sum()), replace=False)]
        centroids = _normalised(sums)
    return centroids


QUANTUM = 32767  # int16


def quantise_rows(vectors: FloatArray) -> tuple[npt.NDArray[np.int16], FloatArray]:
    """Each row as int16 times its own scale (largest absolute value / 32,767; a zero row keeps 1)."""
    scales = np.abs(vectors).max(axis=1) / QUANTUM if len(vectors) else np.zeros(0, np.float32)
    scales[scales == 0] = 1.0
    rows = np.rint(vectors / scales[:, None]).astype(np.int16)
    return rows, scales.astype(np.float32)


def inverse(order: IntArray) -> IntArray:
    out = np.empty_like(order)
    out[order] = np.arange(len(order), dtype=order.dtype)
    return out


@dataclass(frozen=True)
class IvfLayout:
    """``vectors`` sorted by cluster; cluster ``c`` holds rows ``starts[c]`` to ``starts[c+1]``;
    ``rows[i]`` is the original position of sorted vector ``i``."""

    vectors: FloatArray | npt.NDArray[np.int16]  # float32 (or float16 on disk), or int16 with scales
    centroids: FloatArray
    starts: IntArray
    rows: IntArray
    where: IntArray  # inverse of rows: the sorted position of each original row
    scales: FloatArray | None = None  # int16 vectors: each sorted row is vectors[i] * scales[i]

    @classmethod
    def build(cls, vectors: FloatArray, *, list_size: int = 160, exact_below: int = 4096) -> IvfLayout:
        vectors = np.asarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        if n < exact_below:
            centroids = np.zeros((1, dim), dtype=np.float32)
            same = np.arange(n, dtype=np.int64)
            return cls(vectors, centroids, np.array([0, n], dtype=np.int64), same, same)
        clusters = max(2, n // list_size)
        centroids = spherical_kmeans(vectors, clusters)
        assign = np.concatenate([np.argmax(vectors[i : i + 8192] @ centroids.T, axis=1) for i in range(0, n, 8192)])
        order = np.argsort(assign, kind="stable").astype(np.int64)
        counts = np.bincount(assign, minlength=clusters)
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(np.ascontiguousarray(vectors[order]), centroids, starts, order, inverse(order))

    def quantised(self) -> IvfLayout:
        """The same layout with int16 vectors, each row scaled by its largest absolute value."""
        vectors, scales = quantise_rows(np.asarray(self.vectors, dtype=np.float32))
        return IvfLayout(vectors, self.centroids, self.starts, self.rows, self.where, scales)

    def rows_of(self, original: IntArray) -> FloatArray:
        """The vectors of the given original rows."""
        at = self.where[original]
        out = np.asarray(self.vectors[at], dtype=np.float32)
        if self.scales is not None:
            out *= self.scales[at][:, None]
        return out

    @property
    def clusters(self) -> int:
        return len(self.starts) - 1

    def search(self, queries: FloatArray, k: int, *, probes: int = 24, per_cluster: int | None = None
               ) -> tuple[IntArray, FloatArray]:
        """The ``k`` best (original row, score) per query, best first; -1 / -inf pad when fewer.
        Queries are grouped by the clusters they probe, so each cluster is one matrix product;
        each cluster offers at most ``per_cluster`` rows per query (default ``k``)."""
        q = np.asarray(queries, dtype=np.float32)
        nq = len(q)
        out_rows = np.full((nq, k), -1, dtype=np.int64)
        out_scores = np.full((nq, k), -np.inf, dtype=np.float32)
        if nq == 0 or k == 0:
            return out_rows, out_scores
        probes = min(probes, self.clusters)
        if self.clusters == 1:
            probe = np.zeros((nq, 1), dtype=np.int64)
        else:
            near = q @ self.centroids.T
            probe = np.argpartition(-near, probes - 1, axis=1)[:, :probes]
        width = probe.shape[1]
        take_at_most = min(per_cluster or k, k)
        # Each (query, probed cluster) pair fills its own slots of one dense candidate table.
        slot_rows = np.full((nq, width * take_at_most), -1, dtype=np.int64)
        slot_scores = np.full((nq, width * take_at_most), -np.inf, dtype=np.float32)
        pairs = np.argsort(probe.ravel(), kind="stable")  # (query, probe) pairs, cluster by cluster
        clusters = probe.ravel()[pairs]
        bounds = np.flatnonzero(np.diff(clusters)) + 1
        for group, cluster in zip(np.split(pairs, bounds), clusters[np.r_[0, bounds]], strict=True):
            lo, hi = int(self.starts[cluster]), int(self.starts[cluster + 1])
            if hi == lo:
                continue
            group_q, group_probe = group // width, group % width
            block = q[group_q] @ np.asarray(self.vectors[lo:hi], dtype=np.float32).T  # (queries in group) x rows
            if self.scales is not None:
                block *= self.scales[lo:hi]
            take = min(take_at_most, hi - lo)
            best = np.argpartition(-block, take - 1, axis=1)[:, :take] if take < hi - lo else np.tile(
                np.arange(hi - lo), (len(group_q), 1))
            columns = group_probe[:, None] * take_at_most + np.arange(take)[None, :]
            slot_rows[group_q[:, None], columns] = best + lo
            slot_scores[group_q[:, None], columns] = np.take_along_axis(block, best, axis=1)
        keep = min(k, slot_scores.shape[1])
        top = np.argpartition(-slot_scores, keep - 1, axis=1)[:, :keep] if keep < slot_scores.shape[1] else \
            np.tile(np.arange(keep), (nq, 1))
        top_scores = np.take_along_axis(slot_scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top, top_scores = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)
        sorted_rows = np.take_along_axis(slot_rows, top, axis=1)
        found = sorted_rows >= 0
        out_rows[:, :keep][found] = self.rows[sorted_rows[found]]
        out_scores[:, :keep][found] = top_scores[found]
        return out_rows, out_scores
