"""The organisation tree for the analytics: units, a unit's subtree, and each unit's department
(a top-level unit, or a child of the root when there is a single root), read once per session;
and the org units a filter offers: the top of the tree, and units found by name or external id."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from trellis.analytics.cache import memo, shared
from trellis.analytics.frames import fetch_raw, lookup
from trellis.analytics.schemas import UnitChoice, UnitMatch, UnitMatches
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


TOP_LEVELS = 3  # the root, its divisions and their departments
MAX_CHOICES = 200  # a filter list stays short enough to scan; deeper units are found by name


def unit_choices(session: Session, *, levels: int = TOP_LEVELS, selected: int | None = None,
                 limit: int = MAX_CHOICES) -> list[UnitChoice]:
    """The units of the top ``levels`` of the tree in tree order (siblings by name), each with
    its depth, for a filter list; a level that would take the list past ``limit`` units is left
    out. A ``selected`` unit that is not listed is placed under its nearest listed ancestor (at
    the end when none is), so that the list shows what is filtered. NotFound when ``selected``
    is not an org unit."""
    cols = (OrgUnit.id, OrgUnit.name, OrgUnit.parent_id)
    children: dict[int | None, list[tuple[int, str]]] = {}
    parents: list[int | None] = [None]
    count = 0
    for _depth in range(levels):
        where = OrgUnit.parent_id.is_(None) if parents == [None] else OrgUnit.parent_id.in_(parents)
        rows = session.execute(select(*cols).where(where).order_by(OrgUnit.id).limit(limit + 1)).all()
        if not rows or (count and count + len(rows) > limit):
            break
        for uid, name, pid in rows[:limit]:
            children.setdefault(pid, []).append((uid, name))
        count += len(rows[:limit])
        parents = [r[0] for r in rows[:limit]]
    out: list[UnitChoice] = []
    stack = [(uid, name, 0) for uid, name in _by_name(children.get(None, []))[::-1]]
    while stack:
        uid, name, depth = stack.pop()
        out.append(UnitChoice(id=uid, name=name, depth=depth))
        stack.extend((c, n, depth + 1) for c, n in _by_name(children.get(uid, []))[::-1])
    if selected is not None and all(c.id != selected for c in out):
        _place(session, out, selected)
    return out


def _by_name(units: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return sorted(units, key=lambda u: (u[1].casefold(), u[0]))


def _place(session: Session, choices: list[UnitChoice], unit_id: int) -> None:
    """Insert the unit right after its nearest listed ancestor, one level below it."""
    row = session.execute(select(OrgUnit.name, OrgUnit.parent_id).where(OrgUnit.id == unit_id)).one_or_none()
    if row is None:
        raise NotFound(f"org unit {unit_id} does not exist")
    listed = {c.id: i for i, c in enumerate(choices)}
    cur, seen = row.parent_id, {unit_id}
    while cur is not None and cur not in listed and cur not in seen:  # a walk up; a cycle ends it
        seen.add(cur)
        cur = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == cur))
    if cur is not None and cur in listed:
        at = listed[cur]
        choices.insert(at + 1, UnitChoice(id=unit_id, name=row.name, depth=choices[at].depth + 1))
    else:
        choices.append(UnitChoice(id=unit_id, name=row.name, depth=0))


MAX_MATCHES = 20


def find_units(session: Session, *, text: str, limit: int = MAX_MATCHES) -> UnitMatches:
    """The org units that ``text`` names: the unit with that exact external id, else the one
    unit with exactly that name (ignoring case), else every unit whose name contains the text
    (ignoring case; ``%`` and ``_`` are plain characters), exact names first, then by name.
    Returns the first ``limit`` and how many there are in all."""
    wanted = text.strip()
    if not wanted:
        return UnitMatches(text=wanted, total=0, units=[])
    parent = aliased(OrgUnit)
    cols = (OrgUnit.id, OrgUnit.name, OrgUnit.external_id, parent.name)
    query = select(*cols).outerjoin(parent, OrgUnit.parent_id == parent.id)
    lowered, name = wanted.lower(), func.lower(OrgUnit.name)
    for where in (OrgUnit.external_id == wanted, name == lowered):
        rows = session.execute(query.where(where).limit(2)).all()
        if len(rows) == 1:
            return UnitMatches(text=wanted, total=1, units=[_match(*rows[0])])
    contains = name.contains(lowered, autoescape=True)
    total = session.scalar(select(func.count()).select_from(OrgUnit).where(contains)) or 0
    rows = session.execute(query.where(contains).order_by(
        case((name == lowered, 0), else_=1), name, OrgUnit.id).limit(limit)).all()
    return UnitMatches(text=wanted, total=total, units=[_match(*r) for r in rows])


def _match(uid: int, name: str, external_id: str, parent: str | None) -> UnitMatch:
    return UnitMatch(id=uid, name=name, external_id=external_id, parent=parent)
