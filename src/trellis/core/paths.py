"""The career graph: roles as nodes, edges weighted by observed moves blended with content
similarity; the k best paths to a target role and the most plausible next moves, each step with
its skill gap, estimated time and how many people took it.

Edge probability (conditional on a move out of the source role ``i``)::

    P[i, j] = (1 - a_i) * observed_share[i, j] + a_i * content_share[i, j]
    a_i     = prior_strength / (prior_strength + moves_out_of_i)

``observed_share`` is the share of the moves out of ``i`` that went to ``j``; ``content_share`` is
``sim[i, j] / (content_damping + sum of sim[i, :])`` over the ``content_neighbours`` roles most
similar to ``i`` (similarity at least ``min_similarity``, same level or up to ``max_level_jump``
above), so a role with only weakly similar neighbours keeps most of its mass as "no plausible
move" instead of sending it all to one loosely related role. The blend
weight ``a_i`` is a pseudo-count: a role with no observed moves is pure content similarity, a role
with ``prior_strength`` observed moves is half and half, and a well-travelled role is dominated by
what people actually did. Path costs are ``-log P`` summed over the steps, so the best path is
the most probable chain of moves.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

MoveType = Literal["promotion", "lateral", "demotion"]
_EPS = 1e-12


@dataclass(frozen=True)
class Requirement:
    """One skill a role asks for."""

    skill_id: int
    level: int
    weight: float = 1.0
    required: bool = True


@dataclass(frozen=True)
class Move:
    """One observed move between two roles, from job histories."""

    source: int
    target: int
    months_in_role: float | None = None
    move_type: str | None = None


@dataclass(frozen=True)
class GapItem:
    """A skill a person lacks (or holds below the needed level) for a role."""

    skill_id: int
    required_level: int
    current_level: int
    weight: float
    required: bool
    priority: float

    @property
    def levels_missing(self) -> int:
        return self.required_level - self.current_level


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    probability: float
    observed_count: int
    observed_share: float
    content_similarity: float
    median_months: float | None
    move_type: MoveType


@dataclass(frozen=True)
class Step:
    edge: Edge
    gap: tuple[GapItem, ...]
    months: float
    months_basis: Literal["observed", "source role", "level default"]


@dataclass(frozen=True)
class CareerPath:
    roles: tuple[int, ...]
    steps: tuple[Step, ...]
    probability: float
    months: float


def skill_gap(have: Mapping[int, int], requirements: Iterable[Requirement]) -> list[GapItem]:
    """Missing skills and levels in priority order: requirement weight × levels missing, with
    preferred skills at half weight; ties broken by levels missing, then skill id."""
    items = []
    for req in requirements:
        current = have.get(req.skill_id, 0)
        if current >= req.level:
            continue
        factor = 1.0 if req.required else 0.5
        items.append(GapItem(req.skill_id, req.level, current, req.weight, req.required,
                             round(req.weight * factor * (req.level - current), 6)))
    items.sort(key=lambda g: (-g.priority, -g.levels_missing, g.skill_id))
    return items


def coverage_score(have: Mapping[int, int], requirements: Sequence[Requirement]) -> float:
    """0–100: weighted share of the requirement levels a person meets (preferred skills count
    half; a skill held below the level earns partial credit)."""
    total = got = 0.0
    for req in requirements:
        w = req.weight * (1.0 if req.required else 0.5)
        total += w
        got += w * min(have.get(req.skill_id, 0) / max(req.level, 1), 1.0)
    return 100.0 if total == 0 else round(100.0 * got / total, 2)


def default_months(level: int) -> float:
    """Time in role before a move when nothing was observed: 12 months plus 6 per level, at most 48."""
    return float(min(12 + 6 * max(level, 1), 48))


def _move_type(level_from: int, level_to: int) -> MoveType:
    if level_to > level_from:
        return "promotion"
    return "lateral" if level_to == level_from else "demotion"


@dataclass
class CareerGraph:
    """Estimator: ``fit(roles, levels, moves, similarity, requirements)`` then ``paths`` /
    ``next_moves``. Parameters are documented in the module docstring."""

    prior_strength: float = 5.0
    content_neighbours: int = 8
    min_similarity: float = 0.15
    max_level_jump: int = 1
    max_out_edges: int = 25
    content_damping: float = 1.0
    role_ids_: list[int] = field(default_factory=list, init=False, repr=False)
    index_: dict[int, int] = field(default_factory=dict, init=False, repr=False)
    levels_: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64), init=False, repr=False)
    probability_: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)), init=False, repr=False)
    counts_: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)), init=False, repr=False)
    similarity_: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)), init=False, repr=False)
    requirements_: dict[int, tuple[Requirement, ...]] = field(default_factory=dict, init=False, repr=False)
    edge_months_: dict[tuple[int, int], float] = field(default_factory=dict, init=False, repr=False)
    edge_types_: dict[tuple[int, int], MoveType] = field(default_factory=dict, init=False, repr=False)
    source_months_: dict[int, float] = field(default_factory=dict, init=False, repr=False)
    cost_: csr_matrix | None = field(default=None, init=False, repr=False)

    def fit(
        self,
        roles: Sequence[int],
        levels: Sequence[int],
        moves: Iterable[Move],
        similarity: NDArray[np.float64] | None = None,
        requirements: Mapping[int, Sequence[Requirement]] | None = None,
    ) -> CareerGraph:
        n = len(roles)
        if len(levels) != n:
            raise ValueError("roles and levels differ in length")
        self.role_ids_ = list(roles)
        self.index_ = {r: i for i, r in enumerate(self.role_ids_)}
        self.levels_ = np.asarray(levels, dtype=np.int64)
        sim = np.zeros((n, n)) if similarity is None else np.asarray(similarity, dtype=np.float64)
        if sim.shape != (n, n):
            raise ValueError(f"similarity must be {n}×{n}, got {sim.shape}")
        self.similarity_ = sim
        self.requirements_ = {r: tuple(reqs) for r, reqs in (requirements or {}).items()}

        counts = np.zeros((n, n))
        months: dict[tuple[int, int], list[float]] = defaultdict(list)
        source_months: dict[int, list[float]] = defaultdict(list)
        types: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
        for mv in moves:
            i, j = self.index_.get(mv.source), self.index_.get(mv.target)
            if i is None or j is None or i == j:
                continue
            counts[i, j] += 1
            if mv.months_in_role is not None:
                months[(i, j)].append(mv.months_in_role)
                source_months[i].append(mv.months_in_role)
            if mv.move_type in ("promotion", "lateral", "demotion"):
                types[(i, j)][mv.move_type] += 1
        self.counts_ = counts
        self.edge_months_ = {k: float(median(v)) for k, v in months.items()}
        self.source_months_ = {k: float(median(v)) for k, v in source_months.items()}
        self.edge_types_ = {k: c.most_common(1)[0][0] for k, c in types.items()}  # type: ignore[misc]

        out = counts.sum(axis=1)
        observed = np.divide(counts, out[:, None], out=np.zeros_like(counts), where=out[:, None] > 0)
        content = self._content_share(sim)
        denom = self.prior_strength + out
        alpha = np.divide(self.prior_strength, denom, out=np.zeros_like(denom), where=denom > 0)
        has_content = content.sum(axis=1) > 0
        alpha = np.where(has_content, alpha, 0.0)  # nothing similar: trust observations alone
        prob = (1 - alpha)[:, None] * observed + alpha[:, None] * content
        self.probability_ = self._prune(prob)
        rows, cols = np.nonzero(self.probability_)
        costs = -np.log(self.probability_[rows, cols]) + 1e-9
        self.cost_ = csr_matrix((costs, (rows, cols)), shape=(n, n))
        return self

    def _content_share(self, sim: NDArray[np.float64]) -> NDArray[np.float64]:
        n = sim.shape[0]
        lv = self.levels_
        diff = lv[None, :] - lv[:, None]
        eligible = (diff >= 0) & (diff <= self.max_level_jump) & (sim >= self.min_similarity)
        np.fill_diagonal(eligible, False)
        masked = np.where(eligible, sim, 0.0)
        if n > self.content_neighbours:
            kth = np.partition(masked, n - self.content_neighbours, axis=1)[:, n - self.content_neighbours]
            masked = np.where(masked >= kth[:, None], masked, 0.0)
        total = masked.sum(axis=1, keepdims=True) + self.content_damping
        share: NDArray[np.float64] = np.divide(masked, total, out=np.zeros_like(masked), where=total > 0)
        return share

    def _prune(self, prob: NDArray[np.float64]) -> NDArray[np.float64]:
        n = prob.shape[0]
        if n > self.max_out_edges:
            kth = np.partition(prob, n - self.max_out_edges, axis=1)[:, n - self.max_out_edges]
            prob = np.where(prob >= kth[:, None], prob, 0.0)
        prob[prob < _EPS] = 0.0
        return prob

    # ---- reading the graph -------------------------------------------------------------------
    def edge(self, source: int, target: int) -> Edge:
        i, j = self.index_[source], self.index_[target]
        count = int(self.counts_[i, j])
        out = float(self.counts_[i].sum())
        return Edge(
            source=source,
            target=target,
            probability=float(self.probability_[i, j]),
            observed_count=count,
            observed_share=count / out if out else 0.0,
            content_similarity=float(self.similarity_[i, j]),
            median_months=self.edge_months_.get((i, j)),
            move_type=self.edge_types_.get((i, j), _move_type(int(self.levels_[i]), int(self.levels_[j]))),
        )

    def step(self, source: int, target: int, have: Mapping[int, int]) -> Step:
        e = self.edge(source, target)
        i = self.index_[source]
        if e.median_months is not None:
            months, basis = e.median_months, "observed"
        elif i in self.source_months_:
            months, basis = self.source_months_[i], "source role"
        else:
            months, basis = default_months(int(self.levels_[i])), "level default"
        gap = tuple(skill_gap(have, self.requirements_.get(target, ())))
        return Step(e, gap, months, basis)  # type: ignore[arg-type]

    def _after(self, have: Mapping[int, int], role: int) -> dict[int, int]:
        """The profile after holding ``role``: its requirements are assumed met."""
        out = dict(have)
        for req in self.requirements_.get(role, ()):
            out[req.skill_id] = max(out.get(req.skill_id, 0), req.level)
        return out

    def _build(self, roles: Sequence[int], have: Mapping[int, int]) -> CareerPath:
        steps = []
        profile = dict(have)
        for a, b in itertools.pairwise(roles):
            steps.append(self.step(a, b, profile))
            profile = self._after(profile, b)
        prob = math.prod(s.edge.probability for s in steps)
        return CareerPath(tuple(roles), tuple(steps), prob, sum(s.months for s in steps))

    def paths(
        self, source: int, target: int, have: Mapping[int, int], *, k: int = 3, max_steps: int = 4,
        max_expansions: int = 200_000,
    ) -> list[CareerPath]:
        """The k most probable simple paths of at most ``max_steps`` moves, best first: A* over
        partial paths with the unbounded shortest distance to the target as the (admissible)
        heuristic, so the first k paths that reach the target are the k best."""
        if source not in self.index_ or target not in self.index_:
            raise KeyError("unknown role")
        s, t = self.index_[source], self.index_[target]
        if s == t or self.cost_ is None:
            return []
        h = dijkstra(self.cost_.T.tocsr(), indices=t)
        if not np.isfinite(h[s]):
            return []
        cost = self.cost_
        heap: list[tuple[float, float, tuple[int, ...]]] = [(float(h[s]), 0.0, (s,))]
        found: list[tuple[int, ...]] = []
        expansions = 0
        while heap and len(found) < k and expansions < max_expansions:
            _, g, path = heapq.heappop(heap)
            node = path[-1]
            if node == t:
                found.append(path)
                continue
            if len(path) - 1 >= max_steps:
                continue
            expansions += 1
            start, end = cost.indptr[node], cost.indptr[node + 1]
            for nb, c in zip(cost.indices[start:end], cost.data[start:end], strict=True):
                nxt = int(nb)
                if nxt in path or not np.isfinite(h[nxt]):
                    continue
                g2 = g + float(c)
                heapq.heappush(heap, (g2 + float(h[nxt]), g2, (*path, nxt)))
        return [self._build([self.role_ids_[i] for i in p], have) for p in found]

    def next_moves(
        self, source: int, have: Mapping[int, int], *, k: int = 5, exclude: Iterable[int] = (),
        allow: Sequence[MoveType] = ("lateral", "promotion"),
    ) -> list[Step]:
        """The most plausible next roles from ``source`` (lateral and upward by default), by
        edge probability."""
        if source not in self.index_:
            raise KeyError("unknown role")
        i = self.index_[source]
        skip = {self.index_[r] for r in exclude if r in self.index_} | {i}
        order = np.argsort(-self.probability_[i], kind="stable")
        out: list[Step] = []
        for j in order:
            if self.probability_[i, j] <= 0 or len(out) >= k:
                break
            if int(j) in skip:
                continue
            st = self.step(source, self.role_ids_[int(j)], have)
            if st.edge.move_type in allow:
                out.append(st)
        return out
