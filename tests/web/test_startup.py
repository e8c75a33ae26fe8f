"""What a web worker does as it starts: it builds the matching index in the background, so the
first "For you" does not pay for it; it builds its routes before serving, so the first page does
not either; and `trellis serve --workers N` hands its settings down."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from portal_world import World, settings_for
from trellis.cli import app as cli
from trellis.cli.serve import run_workers
from trellis.matching import index as matching
from trellis.web.app import app_from_env, create_app


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    yield
    gc.unfreeze()  # a warmed-up worker freezes its heap for the garbage collector; the tests go on


def _join_warm_up() -> None:
    for thread in threading.enumerate():
        if thread.name == "warm-matching-index":
            thread.join()


def test_a_starting_worker_builds_the_matching_index_before_any_request_needs_it(world: World,
                                                                                 tmp_path: Path) -> None:
    settings = settings_for(world.url, tmp_path, match_warm_on_start=True)
    matching.reset_cache()
    app = create_app(settings)
    with TestClient(app):
        _join_warm_up()
        assert (settings.database_url, matching.model_version(settings)) in matching._CACHE
        assert gc.get_freeze_count() > 0  # the index is out of the garbage collector's way
    app.state.engine.dispose()
    matching.reset_cache()


def test_without_warm_up_the_index_waits_for_the_first_request(world: World, tmp_path: Path) -> None:
    settings = settings_for(world.url, tmp_path)
    matching.reset_cache()
    app = create_app(settings)
    with TestClient(app):
        _join_warm_up()
        assert matching._CACHE == {}
    app.state.engine.dispose()


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The process settings read afresh from the environment this test sets (and again after it)."""
    from trellis.config import get_settings

    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_serve_with_several_workers_hands_the_database_url_to_them(environment: pytest.MonkeyPatch) -> None:
    monkeypatch = environment
    configs: list[Any] = []
    monkeypatch.setattr("trellis.cli.serve.run_workers", configs.append)
    monkeypatch.setenv("TRELLIS_DATABASE_URL", "sqlite:///var/elsewhere.db")  # restored after the test
    monkeypatch.setenv("TRELLIS_SECRET_KEY", "a-real-secret-for-this-test-only")
    url = "postgresql://someone@db.example:5432/trellis"
    result = CliRunner().invoke(cli, ["serve", "--db", url, "--workers", "3", "--port", "8123"])
    assert result.exit_code == 0, result.output
    [config] = configs
    assert config.app == "trellis.web.app:app_from_env" and config.factory and config.workers == 3
    assert config.port == 8123 and os.environ["TRELLIS_DATABASE_URL"] == url
    assert config.log_config["loggers"]["trellis"]["level"] == "INFO"
    assert config.timeout_worker_healthcheck >= 30  # building the index must not look like a hung worker


def test_serve_believes_forwarded_headers_only_from_the_configured_proxies(environment: pytest.MonkeyPatch) -> None:
    import uvicorn

    from trellis.config import get_settings

    monkeypatch = environment
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setenv("TRELLIS_SECRET_KEY", "a-real-secret-for-this-test-only")
    for proxies in ("", "10.0.0.5,10.0.1.0/24"):
        monkeypatch.setenv("TRELLIS_FORWARDED_ALLOW_IPS", proxies)
        get_settings.cache_clear()
        result = CliRunner().invoke(cli, ["serve", "--db", "sqlite:///:memory:"])
        assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    off, on = (uvicorn.Config(app=None, **kw) for kw in calls)  # type: ignore[arg-type]
    assert off.proxy_headers is False  # uvicorn's own default: True, believing 127.0.0.1
    assert on.proxy_headers is True and on.forwarded_allow_ips == "10.0.0.5,10.0.1.0/24"


@pytest.fixture
def served_without_a_key(environment: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """The apps `trellis serve` would run, with no TRELLIS_SECRET_KEY (nor a .env file) about."""
    import uvicorn

    served: list[Any] = []
    environment.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    environment.delenv("TRELLIS_SECRET_KEY", raising=False)
    environment.setenv("TRELLIS_DATA_DIR", str(tmp_path / "var"))
    environment.chdir(tmp_path)
    return served


def test_serve_refuses_the_default_secret_key_outside_demo_mode(served_without_a_key: list[Any]) -> None:
    from trellis.errors import Invalid

    served = served_without_a_key
    result = CliRunner().invoke(cli, ["serve", "--db", "sqlite:///:memory:"])
    assert isinstance(result.exception, Invalid) and "TRELLIS_SECRET_KEY" in str(result.exception)
    assert served == []
    with pytest.raises(Invalid, match="default secret key"):
        app_from_env()


def test_serve_in_demo_mode_generates_a_private_key_once_and_warns(served_without_a_key: list[Any],
                                                                    tmp_path: Path) -> None:
    served = served_without_a_key
    runs = [CliRunner().invoke(cli, ["serve", "--demo", "--db", "sqlite:///:memory:"]) for _ in range(2)]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    key_file = tmp_path / "var" / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600" and len(key_file.read_text().strip()) >= 40
    assert [app.state.settings.secret_key for app in served] == [key_file.read_text().strip()] * 2
    assert "WARNING: demo mode" in runs[0].output
    for app in served:
        app.state.engine.dispose()


def test_the_workers_share_a_socket_marked_as_tcp_so_replies_are_not_delayed(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import uvicorn

    handed: list[socket.socket] = []

    class Supervisor:
        def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
            handed.extend(sockets)

        def run(self) -> None:
            pass

    monkeypatch.setattr("uvicorn.supervisors.Multiprocess", Supervisor)
    run_workers(uvicorn.Config("trellis.web.app:app_from_env", host="127.0.0.1", port=0, workers=2))
    [sock] = handed
    try:  # asyncio sets TCP_NODELAY only on connections accepted from a socket whose protocol is TCP
        assert sock.proto == socket.IPPROTO_TCP and sock.get_inheritable()
    finally:
        sock.close()


def test_a_starting_worker_builds_its_routes_before_the_first_request(world: World, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import fastapi.routing

    context = getattr(fastapi.routing, "_EffectiveRouteContext", None)
    if context is None:  # a FastAPI that builds its routes when they are included: nothing to do
        pytest.skip("this FastAPI does not build included routes lazily")
    built: list[Any] = []
    real = context.from_api_route.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(context, "from_api_route", classmethod(lambda cls, **kw: built.append(1) or real(cls, **kw)))
    app = create_app(settings_for(world.url, tmp_path))
    with TestClient(app) as client:
        assert built  # built during start-up, by a request that matched nothing
        built.clear()
        assert client.get("/login").status_code == 200
        assert client.get("/api/v1/counts").status_code in (200, 401)
        assert built == []  # the first requests built nothing
    app.state.engine.dispose()
