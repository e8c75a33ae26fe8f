"""What a web worker does as it starts: it builds the matching index in the background, so the
first "For you" does not pay for it; and `trellis serve --workers N` hands its settings down."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from portal_world import World, settings_for
from trellis.cli import app as cli
from trellis.matching import service as matching
from trellis.web.app import create_app


def _join_warm_up() -> None:
    for thread in threading.enumerate():
        if thread.name == "warm-matching-index":
            thread.join()


def test_a_starting_worker_builds_the_matching_index_before_any_request_needs_it(world: World,
                                                                                 tmp_path: Path) -> None:
    settings = settings_for(world.url, tmp_path, match_warm_on_start=True)
    matching.reset_cache()
    with TestClient(create_app(settings)):
        _join_warm_up()
        assert (settings.database_url, matching.model_version(settings)) in matching._CACHE
    matching.reset_cache()


def test_without_warm_up_the_index_waits_for_the_first_request(world: World, tmp_path: Path) -> None:
    settings = settings_for(world.url, tmp_path)
    matching.reset_cache()
    with TestClient(create_app(settings)):
        _join_warm_up()
        assert matching._CACHE == {}


def test_serve_with_several_workers_hands_the_database_url_to_them(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **kw: calls.append((target, kw)))
    monkeypatch.setenv("TRELLIS_DATABASE_URL", "sqlite:///var/elsewhere.db")  # restored after the test
    url = "postgresql://someone@db.example:5432/trellis"
    result = CliRunner().invoke(cli, ["serve", "--db", url, "--workers", "3", "--port", "8123"])
    assert result.exit_code == 0, result.output
    target, kw = calls[0]
    assert target == "trellis.web.app:app_from_env" and kw["factory"] and kw["workers"] == 3 and kw["port"] == 8123
    assert os.environ["TRELLIS_DATABASE_URL"] == url
    assert kw["log_config"]["loggers"]["trellis"]["level"] == "INFO"
    assert kw["timeout_worker_healthcheck"] >= 30  # building the index must not look like a hung worker
