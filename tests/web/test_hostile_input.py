"""Hostile input gets a clear 4xx naming what is wrong, never a 500 or a "database down" 503,
and every answer, a server error included, carries the security headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from builders import billion_laughs_docx, make_skill
from portal_world import World, csrf_of
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory
from trellis.models import OpportunitySkill, Skill
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



LONG = "x" * 60_000
SEARCHES = [  # (method, path, field, how the value is sent)
    ("GET", "/api/v1/opportunities", "q", "params"),
    ("GET", "/api/v1/skills", "q", "params"),
    ("GET", "/marketplace", "q", "params"),
    ("GET", "/hr/analytics", "unit", "params"),
    ("GET", "/api/v1/audit", "text", "params"),
    ("POST", "/api/v1/profile/skills", "label", "json"),
    ("PUT", "/api/v1/profile/preferences", "interests.0", "json"),
]


@pytest.mark.parametrize(("method", "path", "field", "via"), SEARCHES)
def test_text_too_long_for_a_field_is_a_422_naming_the_field_not_a_database_outage(
    as_role: Callable[[str], TestClient], method: str, path: str, field: str, via: str,
) -> None:
    client = as_role("hr_admin")
    value: object = [LONG] if field == "interests.0" else LONG
    name = field.split(".")[0]
    response = (client.request(method, path, params={name: LONG}) if via == "params" else
                client.request(method, path, json={name: value, "proficiency": 3}))
    assert response.status_code == 422, (path, response.status_code, response.text[:200])
    assert field in response.text and "not reachable" not in response.text


def test_a_request_body_over_the_limit_is_refused_with_413_declared_or_streamed(
    as_role: Callable[[str], TestClient], portal_settings: Settings,
) -> None:
    client = as_role("manager")
    huge = b'{"title": "' + b"x" * (portal_settings.max_request_kb * 1024 + 1) + b'"}'
    declared = client.post("/api/v1/opportunities", content=huge, headers={"content-type": "application/json"})
    streamed = client.post("/api/v1/opportunities", content=iter([huge[:1000], huge[1000:]]),
                           headers={"content-type": "application/json"})
    for response in (declared, streamed):
        assert response.status_code == 413 and "limit" in response.json()["detail"]
        assert _has_security_headers(response)


def test_an_e_mail_address_that_is_markup_is_refused_at_account_creation(as_role: Callable[[str], TestClient]) -> None:
    admin = as_role("sysadmin")
    for email in ('"><img src=x onerror=alert(1)>@example.com', "two words@example.com", "no-at-sign.example.com"):
        response = admin.post("/api/v1/users", json={"email": email, "role": "employee"})
        assert response.status_code == 422 and "email" in response.text, email
    assert admin.post("/api/v1/users", json={"email": "new.person+tag@example.com"}).status_code == 201


def test_a_manager_cannot_open_the_edit_form_of_someone_elses_posting(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    assert as_role("manager").get(f"/manage/opportunities/{world.gig}").status_code == 403  # Hugo's gig
    assert as_role("hr_partner").get(f"/manage/opportunities/{world.gig}").status_code == 200


def test_csv_exports_neutralise_cells_a_spreadsheet_would_run_as_formulas(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        formula = make_skill(s, "=HYPERLINK(\"http://evil.example\",\"x\")", taxonomy_id=s.get(Skill, world.python)
                             .taxonomy_id)  # type: ignore[union-attr]
        s.add(OpportunitySkill(opportunity_id=world.gig, skill_id=formula.id, min_proficiency=2))
        s.commit()
    engine.dispose()
    text = as_role("hr_admin").get("/api/v1/analytics/skills/supply-demand.csv").text
    assert "'=HYPERLINK(" in text and ",=HYPERLINK(" not in text
