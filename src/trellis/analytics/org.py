"""The organisation tree for the analytics: units, a unit's subtree, and each unit's department
(a top-level unit, or a child of the root when there is a single root), read once per session."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.analytics.cache import memo, shared
from trellis.analytics.frames import fetch_raw, lookup
from trellis.errors import NotFound
from trellis.models import OrgUnit


@dataclass(frozen=True)
class OrgTree:
    names: dict[int, str]
    parent: dict[int, int | None]

    def subtree(self, unit_id: int | None) -> set[int] | None:
        """The unit and everything under it; None (no filter) for the whole organisation."""
        if unit_id is None:
            return None
        if unit_id not in self.names:
            raise NotFound(f"org unit {unit_id} does not exist")
        children: dict[int | None, list[int]] = {}
        for uid, pid in self.parent.items():
            children.setdefault(pid, []).append(uid)
        out, stack = set(), [unit_id]
        while stack:
            uid = stack.pop()
            out.add(uid)
            stack.extend(children.get(uid, []))
        return out

    def departments(self) -> dict[int, int]:
        """Each unit mapped to its department: a top-level unit, or a child of the root when
        the organisation has a single root. (A unit inside a parent cycle maps to the first unit
        its walk up meets twice.)"""
        roots = [u for u, p in self.parent.items() if p is None]
        top = set(roots) if len(roots) != 1 else {u for u, p in self.parent.items() if p == roots[0]} | set(roots)
        out: dict[int, int] = {}
        for uid in self.parent:
            if uid in out:
                continue
            path, cur, seen = [], uid, set()
            while cur not in out and cur not in top and self.parent.get(cur) is not None and cur not in seen:
                seen.add(cur)
                path.append(cur)
                cur = self.parent[cur]  # type: ignore[assignment]
            if cur in seen:  # a cycle: no shared answer, walk each unit on its own
                for unit in path:
                    out[unit] = self._walk(unit, top)
                continue
            found = out.get(cur, cur)
            for unit in path:
                out[unit] = found
            out.setdefault(cur, found)
        return out

    def _walk(self, uid: int, top: set[int]) -> int:
        cur, seen = uid, set()
        while cur not in top and self.parent.get(cur) is not None and cur not in seen:
            seen.add(cur)
            cur = self.parent[cur]  # type: ignore[assignment]
        return cur

    def department_ids(self) -> list[int]:
        return sorted(set(self.departments().values()))

    def label(self, unit_id: int | None) -> str:
        return "Whole organisation" if unit_id is None else self.names.get(unit_id, f"unit {unit_id}")

    def unit_mask(self, units: set[int] | None) -> np.ndarray | None:
        """A boolean table over org unit ids (None: no filter)."""
        if units is None:
            return None
        mask = np.zeros(max(self.names, default=0) + 1, dtype=bool)
        mask[sorted(units)] = True
        return mask


def in_units(mask: np.ndarray | None, unit_ids: np.ndarray) -> np.ndarray:
    """Rows whose org unit (-1: none) is in the mask; every row when there is no filter."""
    if mask is None:
        return np.ones(unit_ids.shape[0], dtype=bool)
    return lookup(mask, unit_ids, False).astype(bool)


def org_tree(session: Session) -> OrgTree:
    def build() -> OrgTree:
        rows = fetch_raw(session, select(OrgUnit.id, OrgUnit.name, OrgUnit.parent_id))
        return OrgTree({r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows})

    return shared(session, ("org_tree",), ("org_units",), build)


def departments(session: Session) -> dict[int, int]:
    """Each org unit's department (``OrgTree.departments``), once per session."""
    return memo(session, ("unit_departments",), lambda: org_tree(session).departments())


def department_of_unit(session: Session) -> np.ndarray:
    """Each org unit's department id, indexed by unit id (-1 for ids that are not units)."""

    def build() -> np.ndarray:
        dept = departments(session)
        return _dict_table(dept, size=max(org_tree(session).names, default=-1) + 1)

    return memo(session, ("department_of_unit",), build)


def _dict_table(mapping: dict[int, int], *, size: int | None = None) -> np.ndarray:
    out = np.full(max(mapping, default=-1) + 1 if size is None else size, -1, dtype=np.int64)
    out[list(mapping)] = list(mapping.values())
    return out


def department_table(session: Session) -> tuple[list[int], np.ndarray]:
    """The departments (sorted ids) and, over org unit ids, each unit's department column
    (-1 for ids that are not units)."""

    def build() -> tuple[list[int], np.ndarray]:
        tree = org_tree(session)
        dept = departments(session)
        ids = sorted(set(dept.values()))
        col = {d: i for i, d in enumerate(ids)}
        table = np.full(max(tree.names, default=0) + 1, -1, dtype=np.int64)
        for unit, d in dept.items():
            table[unit] = col[d]
        return ids, table

    return memo(session, ("departments",), build)
