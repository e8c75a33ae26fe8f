"""The web tier survives a database restart: while PostgreSQL is unreachable every request gets
503 with Retry-After (never a 500), and once it is back the pool reconnects by itself. The
"restart" is a TCP proxy between the app and the server that the test cuts and restores."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from reliability.tcp_proxy import tcp_proxy
from trellis.config import Settings
from trellis.db import is_sqlite, normalise_url
from trellis.web.app import create_app

PATHS = ["/health", "/api/v1/counts"]


def test_requests_get_503_while_the_database_is_down_and_work_again_after(
    fresh_db_url: str, tmp_path: pytest.TempPathFactory
) -> None:
    if is_sqlite(fresh_db_url):
        pytest.skip("a database restart is a PostgreSQL matter (set TRELLIS_TEST_DATABASE_URL)")
    url = make_url(normalise_url(fresh_db_url))
    with tcp_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app(Settings(database_url=proxied, data_dir=tmp_path, secret_key="test-secret",
                                  match_warm_on_start=False, analytics_warm_on_start=False))
        with TestClient(app, raise_server_exceptions=False) as client:
            for path in PATHS:
                assert client.get(path).status_code == 200

            proxy.cut()
            for _ in range(3):
                for path in PATHS:
                    response = client.get(path)
                    assert response.status_code == 503, (path, response.status_code, response.text)
                    assert int(response.headers["Retry-After"]) > 0
                    assert "database" in response.json()["detail"]

            proxy.restore()
            for path in PATHS:
                response = client.get(path)
                assert response.status_code == 200, (path, response.text)
        app.state.engine.dispose()


def test_connection_errors_are_503_out_of_range_values_422_and_other_database_errors_500(settings: Settings) -> None:
    from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError

    app = create_app(settings)

    @app.get("/boom/{kind}")
    def boom(kind: str) -> None:
        errors = {"operational": OperationalError("SELECT 1", {}, Exception("server closed the connection")),
                  "interface": InterfaceError("SELECT 1", {}, Exception("connection already closed")),
                  "integrity": IntegrityError("INSERT", {}, Exception("duplicate key")),
                  "data": DataError("INSERT", {}, Exception("value too long for type character varying(200)")),
                  "overflow": OverflowError("Python int too large to convert to SQLite INTEGER")}
        raise errors[kind]

    with TestClient(app, raise_server_exceptions=False) as client:
        for kind in ("operational", "interface"):
            response = client.get(f"/boom/{kind}")
            assert (response.status_code, response.headers.get("Retry-After")) == (503, "5")
        assert client.get("/boom/integrity").status_code == 500
        for kind in ("data", "overflow"):  # found by the API fuzzer: bad input, not a server error
            assert client.get(f"/boom/{kind}").status_code == 422
    app.state.engine.dispose()
