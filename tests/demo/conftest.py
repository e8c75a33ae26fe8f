"""Generated demo data, shared by the tests of this folder (generation needs no database)."""

from __future__ import annotations

import pytest
from demo_builds import Tables, build

from trellis.demo.library import LibrarySkill, read_library


@pytest.fixture(scope="session")
def library() -> list[LibrarySkill]:
    return read_library()


@pytest.fixture(scope="session")
def small() -> Tables:
    """A small organisation (300 people, seed 5), generated once per run."""
    return build(300, seed=5)


@pytest.fixture(scope="session")
def org() -> Tables:
    """A mid-size organisation, generated once per run."""
    return build(1000, seed=11)

