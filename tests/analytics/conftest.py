"""Fixtures for the analytics service tests."""

from __future__ import annotations

import pytest
from org_scenario import Org, build_org
from sqlalchemy.orm import Session


@pytest.fixture
def org(session: Session) -> Org:
    return build_org(session)
