"""Signing in and out: hashed passwords, cookie flags, session rotation, rate limiting, CSRF,
and API tokens (scoped, revocable, stored hashed)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from portal_world import PASSWORD, ROLE_EMAILS, app_for, csrf_of, login
from trellis.accounts.service import create_user
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory
from trellis.models import ApiToken, User, UserSession
from trellis.web.app import create_app


def test_signing_in_sets_an_httponly_samesite_session_cookie_and_redirects_to_next(portal_settings: Settings) -> None:
    with app_for(portal_settings) as client:
        token = csrf_of(client, "/login")
        response = client.post("/login", data={"email": ROLE_EMAILS["employee"], "password": PASSWORD,
                                               "csrf_token": token, "next": "/profile"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/profile"
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("trellis_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
        assert client.get("/profile").status_code == 200


def test_cookies_are_secure_when_configured_for_https(portal_settings: Settings) -> None:
    with app_for(portal_settings.model_copy(update={"cookie_secure": True})) as client:
        response = client.get("/login")
        assert "Secure" in response.headers["set-cookie"]


def test_an_open_redirect_through_next_is_refused(portal_settings: Settings) -> None:
    with app_for(portal_settings) as client:
        response = client.post("/login", data={"email": ROLE_EMAILS["employee"], "password": PASSWORD,
                                               "csrf_token": csrf_of(client, "/login"), "next": "//evil.example"},
                               follow_redirects=False)
        assert response.headers["location"] == "/"


def test_a_wrong_password_is_refused_and_the_hash_is_argon2(portal_settings: Settings, anonymous: TestClient) -> None:
    token = csrf_of(anonymous, "/login")
    response = anonymous.post("/login", data={"email": ROLE_EMAILS["employee"], "password": "nope nope nope",
                                              "csrf_token": token})
    assert response.status_code == 401 and "Wrong e-mail or password" in response.text
    engine = make_engine(portal_settings.database_url)
    with make_session_factory(engine)() as s:
        stored = s.scalar(select(User.password_hash).where(User.email == ROLE_EMAILS["employee"]))
    engine.dispose()
    assert stored and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sign_in_without_the_csrf_token_is_refused(anonymous: TestClient) -> None:
    anonymous.get("/login")
    response = anonymous.post("/login", data={"email": ROLE_EMAILS["employee"], "password": PASSWORD})
    assert response.status_code == 403


def test_repeated_failures_lock_the_account_out_from_that_address(portal_settings: Settings) -> None:
    settings = portal_settings.model_copy(update={"login_max_failures": 3})
    with app_for(settings) as client:
        token = csrf_of(client, "/login")
        codes = [client.post("/login", data={"email": "sam@example.com", "password": f"wrong{i}xxxxxx",
                                             "csrf_token": token}).status_code for i in range(3)]
        assert codes == [401, 401, 401]
        locked = client.post("/login", data={"email": "sam@example.com", "password": PASSWORD, "csrf_token": token})
        assert locked.status_code == 429 and "Too many" in locked.text


def test_failures_spread_over_many_addresses_lock_the_account_out_all_the_same(portal_settings: Settings) -> None:
    """uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise: the per-account
    cap holds even where a client can claim any address."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    engine = make_engine(portal_settings.database_url)
    with make_session_factory(engine)() as s:
        create_user(s, email="spread@example.com", role="employee", password=PASSWORD)
        s.commit()
    engine.dispose()
    app = create_app(portal_settings)
    try:
        with TestClient(ProxyHeadersMiddleware(app, trusted_hosts="*")) as client:
            token = csrf_of(client, "/login")
            wrong = [{"email": "spread@example.com", "password": f"wrong{i}xxxxxx", "csrf_token": token}
                     for i in range(portal_settings.login_max_account_failures)]
            codes = [client.post("/login", headers={"X-Forwarded-For": f"203.0.113.{i % 4}"}, data=form).status_code
                     for i, form in enumerate(wrong)]
            assert set(codes) == {401}  # never more than login_max_failures from one address
            locked = client.post("/login", headers={"X-Forwarded-For": "198.51.100.7"},
                                 data={"email": "spread@example.com", "password": PASSWORD, "csrf_token": token})
            assert locked.status_code == 429 and "Too many" in locked.text
    finally:
        app.state.engine.dispose()


def test_signing_in_replaces_a_planted_session_id_and_signing_out_ends_the_session(
    portal_settings: Settings,
) -> None:
    with app_for(portal_settings) as victim:
        login(victim, ROLE_EMAILS["hr_partner"])
        first = victim.cookies.get("trellis_session")
        # signing in again with the old cookie present rotates the id and destroys the old session
        login(victim, ROLE_EMAILS["hr_partner"])
        second = victim.cookies.get("trellis_session")
        assert first and second and first != second
        with app_for(portal_settings) as attacker:
            attacker.cookies.set("trellis_session", first)
            assert attacker.get("/", follow_redirects=False).status_code == 303
        assert victim.post("/logout", follow_redirects=False).status_code == 303
        with app_for(portal_settings) as replay:
            replay.cookies.set("trellis_session", second)
            assert replay.get("/api/v1/me").status_code == 401


def test_sessions_and_tokens_are_stored_only_as_digests(portal_settings: Settings,
                                                         as_role: Callable[[str], TestClient]) -> None:
    client = as_role("sysadmin")
    raw = client.post("/api/v1/tokens", json={"name": "hris", "scopes": ["read"]}).json()["token"]
    engine = make_engine(portal_settings.database_url)
    with make_session_factory(engine)() as s:
        hashes = list(s.scalars(select(ApiToken.token_hash))) + list(s.scalars(select(UserSession.token_hash)))
    engine.dispose()
    assert raw not in hashes and all(len(h) == 64 for h in hashes)


def test_a_read_token_reads_but_cannot_write_and_a_revoked_token_is_refused(
    as_role: Callable[[str], TestClient], anonymous: TestClient,
) -> None:
    admin = as_role("hr_admin")
    created = admin.post("/api/v1/tokens", json={"name": "reporting", "scopes": ["read"]})
    assert created.status_code == 201
    bearer = {"Authorization": f"Bearer {created.json()['token']}"}
    assert anonymous.get("/api/v1/audit", headers=bearer).status_code == 200
    write = anonymous.post("/api/v1/families", json={"name": "Nope"}, headers=bearer)
    assert write.status_code == 403 and "read-only" in write.text
    assert admin.delete(f"/api/v1/tokens/{created.json()['id']}").json()["revoked_at"]
    assert anonymous.get("/api/v1/audit", headers=bearer).status_code == 401


def test_a_write_token_writes_without_a_csrf_token(as_role: Callable[[str], TestClient], anonymous: TestClient) -> None:
    admin = as_role("hr_admin")
    raw = admin.post("/api/v1/tokens", json={"name": "sync", "scopes": ["read", "write"]}).json()["token"]
    response = anonymous.post("/api/v1/families", json={"name": "Token Family"},
                              headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201


def test_pages_carry_security_headers_and_no_external_assets(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("employee")
    for path in ("/", "/profile", "/marketplace", "/docs"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "http://" not in response.text.replace("http://testserver", "") and "https://" not in response.text


def test_hr_bearer_headers_reach_hr_only_routes(portal_settings: Settings, anonymous: TestClient) -> None:
    from portal_world import hr_bearer

    headers = hr_bearer(portal_settings.database_url)
    assert anonymous.get("/api/v1/audit", headers=headers).status_code == 200
    employee = hr_bearer(portal_settings.database_url, role="employee")
    assert anonymous.get("/api/v1/audit", headers=employee).status_code == 403


def test_using_a_token_records_when_it_was_last_used(as_role: Callable[[str], TestClient],
                                                      anonymous: TestClient) -> None:
    admin = as_role("hr_admin")
    created = admin.post("/api/v1/tokens", json={"name": "touch", "scopes": ["read"]}).json()
    assert created["last_used_at"] is None
    anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})
    tokens = {t["id"]: t for t in admin.get("/api/v1/tokens").json()}
    assert tokens[created["id"]]["last_used_at"] is not None
