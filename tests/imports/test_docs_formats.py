"""docs/data-formats.md and examples/ stay true to the row models."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from trellis.imports.schemas import KINDS, columns_of, required_columns_of

ROOT = Path(__file__).resolve().parents[2]


def documented_columns(kind: str) -> list[tuple[str, str]]:
    """``(column, required cell)`` of each row of the kind's table in docs/data-formats.md."""
    text = (ROOT / "docs" / "data-formats.md").read_text()
    section = text.split(f"\n## `{kind}`\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \|(?:[^|\\]|\\\|)*\| ([^|]+) \|", section, flags=re.MULTILINE)
    return [(name, required.strip()) for name, required in rows]


@pytest.mark.parametrize("kind", KINDS)
def test_every_column_of_every_kind_is_documented_in_order_with_whether_it_is_required(kind: str) -> None:
    documented = documented_columns(kind)
    assert [name for name, _ in documented] == columns_of(kind)
    required = {name for name, cell in documented if cell == "yes"}
    assert required == set(required_columns_of(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_an_example_file_with_every_column(kind: str) -> None:
    with (ROOT / "examples" / f"{kind}.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == columns_of(kind)
