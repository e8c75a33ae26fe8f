"""Every route × every role against the one permission table (accounts/permissions.py).

Each protected route names one action; a role outside the action's roles gets the role gate's
403, a role inside never does (it may still get 404/409/422 from ownership or input, which is
the services' business). Unknown ids are used so nothing real is changed. Anonymous callers get
401 on the API and a redirect to the sign-in page elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from trellis.accounts.permissions import PERMISSIONS, PUBLIC_PATHS, ROLES

ROLE_GATE = "may not do this"
UNKNOWN = 987654


def route_table(app) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    """(method, path, action) for every route of the app; action None for public routes."""
    rows = []
    for ctx in iter_route_contexts(app.router.routes):
        route = ctx.route
        if not isinstance(route, APIRoute):
            continue
        dependant = getattr(ctx, "dependant", None) or route.dependant  # router-level dependencies included
        actions = [getattr(d.call, "action", None) for d in dependant.dependencies]
        actions = [a for a in actions if a]
        for method in sorted(route.methods - {"HEAD"}):
            rows.append((method, ctx.path, actions[0] if actions else None))
    return rows


def _url(path: str) -> str:
    return path.replace("{", "").replace("}", "") if "{" not in path else \
        "/".join(str(UNKNOWN) if p.startswith("{") else p for p in path.split("/"))


@pytest.fixture(scope="module")
def routes(as_role: Callable[[str], TestClient]) -> list[tuple[str, str, str | None]]:
    return route_table(as_role("employee").app)


def test_every_route_is_public_or_names_an_action_of_the_permission_table(routes) -> None:  # type: ignore[no-untyped-def]
    unprotected = [(m, p) for m, p, a in routes if a is None and p not in PUBLIC_PATHS]
    assert not unprotected, f"routes without a permission: {unprotected}"
    assert {a for _, _, a in routes if a} <= set(PERMISSIONS)
    assert len(routes) > 60


def test_the_matching_settings_routes_are_walked_with_their_actions(routes) -> None:  # type: ignore[no-untyped-def]
    assert {("GET", "/hr/matching", "matching_config.view"), ("POST", "/hr/matching", "matching_config.change"),
            ("GET", "/api/v1/matching/config", "matching_config.view"),
            ("PATCH", "/api/v1/matching/config", "matching_config.change")} <= set(routes)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_denied_on_every_route_exactly_as_the_table_says(
    role: str, routes, as_role: Callable[[str], TestClient],  # type: ignore[no-untyped-def]
) -> None:
    client = as_role(role)
    wrong = []
    for method, path, action in routes:
        if action is None:
            continue
        response = client.request(method, _url(path), follow_redirects=False)
        denied = response.status_code == 403 and ROLE_GATE in response.text
        expected_denied = role not in PERMISSIONS[action]
        if denied != expected_denied or response.status_code in (401, 500):
            wrong.append(f"{method} {path} [{action}] -> {response.status_code}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_anonymous_callers_are_sent_to_sign_in_on_pages_and_get_401_on_the_api(anonymous: TestClient, routes) -> None:  # type: ignore[no-untyped-def]
    for method, path, action in routes:
        if action is None:
            continue
        response = anonymous.request(method, _url(path), follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
        else:
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), (method, path)


def test_every_unsafe_browser_request_without_the_csrf_token_is_refused(
    as_role: Callable[[str], TestClient], routes,  # type: ignore[no-untyped-def]
) -> None:
    client = as_role("hr_admin")
    for method, path, action in routes:
        if action is None or method == "GET" or "hr_admin" not in PERMISSIONS[action]:
            continue
        response = client.request(method, _url(path), headers={"x-csrf-token": "0" * 64}, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text, (method, path, response.status_code)
