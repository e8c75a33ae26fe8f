"""The role block of the person side without a dense people × roles matrix: which row of the
move-plausibility table (`features.move_rows`) each person takes, and their target roles. The
one-person and one-opening scorers add it; the batch puts it back into full rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from trellis.core.features import ASP_ROLE, Space, role_rows
from trellis.core.types import Profile

F32 = np.float32
Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass
class RoleColumns:
    """The person side of the role block without a dense P × R matrix (106 MB at 100,000 people
    and 282 roles): which row of `move_rows` each person takes, and their target role columns
    (-1 pads)."""

    move_row: IntArray  # P
    targets: IntArray  # P × T

    @classmethod
    def of(cls, space: Space, profiles: Sequence[Profile]) -> RoleColumns:
        chosen = [sorted({space.roles[r] for r in p.target_roles if r in space.roles}) for p in profiles]
        targets = np.full((len(profiles), max((len(c) for c in chosen), default=0)), -1, dtype=np.int64)
        for i, columns in enumerate(chosen):
            targets[i, :len(columns)] = columns
        return cls(role_rows(space, profiles), targets)

    def dense(self, moves: Array, w: Mapping[str, float], rows: IntArray) -> Array:
        """The role block of people ``rows``, as a dense person matrix would hold it."""
        block = w["career_move"] * moves[self.move_row[rows]]
        targets = self.targets[rows]
        for t in range(targets.shape[1]):
            has = np.flatnonzero(targets[:, t] >= 0)
            block[has, targets[has, t]] += w["aspiration"] * ASP_ROLE
        return block

    def for_person(self, moves: Array, w: Mapping[str, float], i: int, columns: IntArray) -> Array:
        """Person ``i``'s role value at each of ``columns`` (one per opportunity)."""
        aspired = np.isin(columns, self.targets[i][self.targets[i] >= 0])
        return np.asarray(w["career_move"] * moves[self.move_row[i], columns] + w["aspiration"] * ASP_ROLE * aspired,
                          dtype=F32)

    def for_column(self, moves: Array, w: Mapping[str, float], column: int) -> Array:
        """Every person's role value at one role column."""
        aspired = (self.targets == column).any(axis=1) if self.targets.shape[1] else np.zeros(len(self.move_row), bool)
        return np.asarray(w["career_move"] * moves[self.move_row, column] + w["aspiration"] * ASP_ROLE * aspired,
                          dtype=F32)

    def replace(self, i: int, other: RoleColumns) -> None:
        """Person ``i`` takes the (single) row of ``other``; appended when ``i`` is the next row."""
        width = max(self.targets.shape[1], other.targets.shape[1])
        if width > self.targets.shape[1]:
            self.targets = np.pad(self.targets, ((0, 0), (0, width - self.targets.shape[1])), constant_values=-1)
        row = np.full(width, -1, dtype=np.int64)
        row[:other.targets.shape[1]] = other.targets[0]
        if i == len(self.move_row):
            self.move_row = np.append(self.move_row, other.move_row[0])
            self.targets = np.vstack([self.targets, row[None, :]])
        else:
            self.move_row[i] = other.move_row[0]
            self.targets[i] = row
