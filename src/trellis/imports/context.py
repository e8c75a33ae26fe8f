"""What every kind's import shares: the error list (``file:line: column "value" reason``, capped),
bulk look-ups of external ids, the skill resolver, cycle detection and the progress callback.
Every look-up is one query per table, never one per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.models import Skill, Taxonomy

ProgressCallback = Callable[[str, int, int], None]
"""``(stage, done, total)``: called while validating and writing, for progress bars."""


class HasExternalId(Protocol):
    id: Any
    external_id: Any


class ImportContext:
    def __init__(
        self, session: Session, *, file: str, max_errors: int, on_progress: ProgressCallback | None = None
    ) -> None:
        self.session = session
        self.file = file
        self.max_errors = max_errors
        self.errors: list[str] = []
        self.error_count = 0
        self.warnings: list[str] = []
        self._on_progress = on_progress
        self._ids: dict[Any, dict[str, int]] = {}
        self._skills: SkillResolver | None = None

    def error(self, line: int, reason: str, *, column: str | None = None, value: Any = None) -> None:
        self.error_count += 1
        if len(self.errors) >= self.max_errors:
            return
        where = f"{self.file}:{line}:" if line else f"{self.file}:"
        if column is None:
            self.errors.append(f"{where} {reason}")
        elif value is None or value == "":
            self.errors.append(f"{where} {column} {reason}")
        else:
            self.errors.append(f'{where} {column} "{_short(value)}" {reason}')

    def duplicate(self, seen: dict[Any, int], key: Any, line: int, column: str, value: Any) -> bool:
        """Record an error if ``key`` was already seen in this file; remembers it otherwise."""
        first = seen.setdefault(key, line)
        if first != line:
            self.error(line, f"appears twice in the file (first on line {first})", column=column, value=value)
            return True
        return False

    def progress(self, stage: str, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(stage, done, total)

    def ids(self, model: Any) -> dict[str, int]:
        """``external_id -> id`` for every row of ``model`` (one query, cached)."""
        if model not in self._ids:
            rows = self.session.execute(select(model.external_id, model.id))
            self._ids[model] = {ext: pk for ext, pk in rows if ext is not None}
        return self._ids[model]

    def ref(self, model: Any, value: str | None, line: int, column: str) -> int | None:
        """Resolve a reference to another kind's row by external id, or record an error."""
        if value is None:
            return None
        pk = self.ids(model).get(value)
        if pk is None:
            self.error(line, "does not exist", column=column, value=value)
        return pk

    @property
    def skills(self) -> SkillResolver:
        if self._skills is None:
            self._skills = SkillResolver.load(self.session)
        return self._skills

    def skill(self, value: str, line: int, column: str) -> int | None:
        pk, reason = self.skills.resolve(value)
        if pk is None:
            self.error(line, reason, column=column, value=value)
        return pk


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


class SkillResolver:
    """Finds a skill of the active taxonomies by external id, then preferred label, then
    alternative label (labels compared case-insensitively). Where several skills match at the
    same tier the company's own library wins; if it is still not unique, the value is ambiguous."""

    def __init__(self, skills: Iterable[tuple[int, str, str, list[str], str, str]]) -> None:
        self._by_id: dict[str, list[tuple[int, bool, str]]] = defaultdict(list)
        self._by_label: dict[str, list[tuple[int, bool, str]]] = defaultdict(list)
        self._by_alt: dict[str, list[tuple[int, bool, str]]] = defaultdict(list)
        for pk, ext, label, alts, source, _version in skills:
            entry = (pk, source == "company", f"{ext} ({source})")
            self._by_id[ext].append(entry)
            self._by_label[label.casefold()].append(entry)
            for alt in alts or []:
                self._by_alt[alt.casefold()].append(entry)
        self._cache: dict[str, tuple[int | None, str]] = {}

    @classmethod
    def load(cls, session: Session) -> SkillResolver:
        rows = session.execute(
            select(Skill.id, Skill.external_id, Skill.preferred_label, Skill.alt_labels, Taxonomy.source,
                   Taxonomy.version)
            .join(Taxonomy, Skill.taxonomy_id == Taxonomy.id)
            .where(Taxonomy.active.is_(True))
        )
        return cls(rows)

    def resolve(self, value: str) -> tuple[int | None, str]:
        if value not in self._cache:
            self._cache[value] = self._resolve(value)
        return self._cache[value]

    def _resolve(self, value: str) -> tuple[int | None, str]:
        key = value.strip()
        for table, probe in ((self._by_id, key), (self._by_label, key.casefold()), (self._by_alt, key.casefold())):
            found = {e[0]: e for e in table.get(probe, [])}
            if not found:
                continue
            if len(found) == 1:
                return next(iter(found)), ""
            company = [e for e in found.values() if e[1]]
            if len(company) == 1:
                return company[0][0], ""
            names = ", ".join(sorted(e[2] for e in found.values())[:4])
            return None, f"is ambiguous: it names several skills ({names}); use the skill's id"
        return None, "is not a skill of the active taxonomy (no skill has this id, label or alternative label)"


def find_cycles(graph: Mapping[str, Sequence[str]], starts: Iterable[str]) -> dict[str, list[str]]:
    """For each node reachable from ``starts`` that lies on a cycle of ``graph`` (node -> the
    nodes it points to: manager, parent, broader skills), the cycle as a list of ids starting
    and ending at that node. Iterative depth-first search: linear time, no recursion limit."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    on_cycle: dict[str, list[str]] = {}
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        path = [start]
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, ())))]
        while stack:
            node, targets = stack[-1]
            nxt = next(targets, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                for i, member in enumerate(cycle):
                    on_cycle.setdefault(member, [*cycle[i:], *cycle[:i], member])
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(graph.get(nxt, ()))))
    return on_cycle
