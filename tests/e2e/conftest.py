"""End-to-end fixtures: the app served by uvicorn on a free loopback port against a fresh
database, and Debian's Chromium driven by Playwright (which never downloads a browser here)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from portal_world import World, build_world, copy_database, settings_for

CHROMIUM = os.environ.get("TRELLIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        return  # in CI a missing browser must fail loudly, not skip
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium); CI installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def e2e_world(template_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
    for url in copy_database(template_url, tmp_path_factory.mktemp("e2e")):
        yield build_world(url)


def serve(url: str, data_dir: Path) -> Iterator[str]:
    """The app on ``url``'s database, served by uvicorn on a free loopback port until closed."""
    import uvicorn

    from trellis.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings_for(url, data_dir))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def serving() -> Callable[[str, Path], Iterator[str]]:
    """``serve``, for modules that serve a database of their own."""
    return serve


@pytest.fixture(scope="module")
def server(e2e_world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(e2e_world.url, tmp_path_factory.mktemp("e2e-data"))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
