"""Hostile input gets a clear 4xx naming what is wrong, never a 500 or a "database down" 503,
and every answer, a server error included, carries the security headers."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from builders import billion_laughs_docx
from portal_world import csrf_of
from trellis.config import Settings
from trellis.web.app import create_app
from trellis.web.headers import HEADERS


def _has_security_headers(response: object) -> bool:
    headers = response.headers  # type: ignore[attr-defined]
    return all(headers.get(name) == value for name, value in HEADERS.items())


def test_a_billion_laughs_docx_cv_is_refused_with_a_reason_on_the_api_and_the_page(
    as_role: Callable[[str], TestClient],
) -> None:
    client = as_role("employee")
    bomb = ("cv.docx", billion_laughs_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    api = client.post("/api/v1/profile/cv", files={"cv": bomb})
    assert api.status_code == 422 and "DTD or entities" in api.json()["detail"]
    page = client.post("/profile/cv", data={"csrf_token": csrf_of(client, "/profile")}, files={"cv": bomb})
    assert page.status_code == 422 and "DTD or entities" in page.text
    assert _has_security_headers(api) and _has_security_headers(page)


def test_a_server_error_still_carries_the_security_headers(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    app.state.engine.dispose()
    assert response.status_code == 500
    assert _has_security_headers(response) and response.headers["Cache-Control"] == "no-store"

