"""Helpers for the demo tests: generate an organisation in memory (no database) and digest it."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from trellis.demo.generate import generate
from trellis.demo.library import read_library

AS_OF = date(2026, 11, 1)
FIXED_NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)

Tables = dict[str, list[dict[str, Any]]]


def build(employees: int, seed: int) -> Tables:
    library = read_library()
    ids = {s.id: i + 1 for i, s in enumerate(library)}
    tables: Tables = defaultdict(list)
    for table, rows in generate(employees=employees, seed=seed, library=library, skill_ids=ids, now=FIXED_NOW,
                                as_of=AS_OF):
        tables[table].extend(rows)
    return dict(tables)


def digest(tables: Tables, names: list[str] | None = None) -> str:
    h = hashlib.sha256()
    for name in names or sorted(tables):
        for row in tables[name]:
            h.update(json.dumps(row, sort_keys=True, default=str).encode())
    return h.hexdigest()
