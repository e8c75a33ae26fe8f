"""Matching tests use the deterministic hashing encoder and start from an empty index cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from trellis.config import Settings
from trellis.matching import service


@pytest.fixture(autouse=True)
def _fresh_matching_cache() -> Iterator[None]:
    service.reset_cache()
    yield
    service.reset_cache()


@pytest.fixture
def match_settings() -> Settings:
    return Settings(database_url="sqlite:///matching-test-session", match_text_encoder="hashing")
