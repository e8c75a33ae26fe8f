"""One migrated database and app per test module (the portal tests commit through the app)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from portal_world import ROLE_EMAILS, World, app_for, build_world, copy_database, dispose_apps, login, settings_for
from trellis.config import Settings


@pytest.fixture(scope="module")
def world_url(template_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
    yield from copy_database(template_url, tmp_path_factory.mktemp("portal"))


@pytest.fixture(scope="module", autouse=True)
def _close_apps() -> Iterator[None]:
    yield
    dispose_apps()


@pytest.fixture(scope="module")
def world(world_url: str) -> World:
    return build_world(world_url)


@pytest.fixture(scope="module")
def portal_settings(world: World, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return settings_for(world.url, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def as_role(portal_settings: Settings) -> Iterator[Callable[[str], TestClient]]:
    """``as_role("manager")``: a client signed in as that role's demo person (cached per module)."""
    clients: dict[str, TestClient] = {}

    def get(role: str) -> TestClient:
        if role not in clients:
            email = ROLE_EMAILS.get(role, role)
            clients[role] = login(app_for(portal_settings), email)
        return clients[role]

    yield get


@pytest.fixture
def anonymous(portal_settings: Settings) -> Iterator[TestClient]:
    with app_for(portal_settings) as client:
        yield client
