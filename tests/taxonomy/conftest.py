"""Fixtures: the hand-made releases as folders or zips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from taxonomy.releases import ESCO_CLASSIFICATION, FIXTURES, zip_files


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    """The hand-made ESCO release unpacked in a folder named like a release."""
    target = tmp_path / "esco-1.1.1"
    shutil.copytree(FIXTURES / "esco", target)
    return target


@pytest.fixture
def esco_zips(tmp_path: Path) -> list[Path]:
    """The hand-made ESCO release as the publisher's two zips."""
    src = FIXTURES / "esco"
    names = sorted(p.name for p in src.iterdir())
    classification = [n for n in names if n in ESCO_CLASSIFICATION]
    relations = [n for n in names if n not in ESCO_CLASSIFICATION]
    return [
        zip_files(tmp_path / "classification_en.zip", src, classification),
        zip_files(tmp_path / "relations.zip", src, relations),
    ]


@pytest.fixture
def onet_dir(tmp_path: Path) -> Path:
    target = tmp_path / "db_29_3_text"
    shutil.copytree(FIXTURES / "onet", target)
    return target
