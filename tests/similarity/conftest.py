"""The hand-made ESCO / O*NET releases of tests/taxonomy, as folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from taxonomy.releases import FIXTURES


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    target = tmp_path / "esco-1.1.1"
    shutil.copytree(FIXTURES / "esco", target)
    return target


@pytest.fixture
def onet_dir(tmp_path: Path) -> Path:
    target = tmp_path / "onet-29.3"
    shutil.copytree(FIXTURES / "onet", target)
    return target


@pytest.fixture
def judgements(tmp_path: Path) -> Path:
    """Related Occupations judgements for the hand-made O*NET occupations, in the dev split's layout."""
    path = tmp_path / "related.tsv"
    rows = [
        ("15-1252.00", "Software Developers", "15-1253.00", "QA", "Primary-Short", "1"),
        ("15-1252.00", "Software Developers", "11-9041.00", "Managers", "Supplemental", "2"),
        ("15-2051.00", "Data Scientists", "15-1252.00", "Software Developers", "Primary-Long", "1"),
        ("15-2051.00", "Data Scientists", "11-9041.00", "Managers", "Primary-Short", "2"),
    ]
    header = "O*NET-SOC Code\tTitle\tRelated O*NET-SOC Code\tRelated Title\tRelatedness Tier\tIndex\n"
    path.write_text(header + "".join("\t".join(r) + "\n" for r in rows))
    return path
