"""Extends the portal's session and CSRF tests: a planted pre-session cookie does not survive
sign-in, a CSRF token is bound to its own session (never valid in another one, nor after
sign-in or sign-out), and a forged cross-site form post changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from portal_world import ROLE_EMAILS, World, app_for, csrf_of, login
from trellis.config import Settings


def test_a_planted_pre_session_is_replaced_at_sign_in_and_its_csrf_token_dies_with_it(
    portal_settings: Settings,
) -> None:
    with app_for(portal_settings) as attacker:
        attacker.get("/login")
        planted = attacker.cookies.get("trellis_pre")
        old_token = csrf_of(attacker, "/login")
    with app_for(portal_settings) as victim:
        victim.cookies.set("trellis_pre", planted)  # the attacker fixed the victim's pre-session
        login(victim, ROLE_EMAILS["employee"])
        assert victim.cookies.get("trellis_session")
        response = victim.post("/notifications/read", headers={"x-csrf-token": old_token}, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text
        with app_for(portal_settings) as replay:  # the planted id does not give the attacker a session
            replay.cookies.set("trellis_pre", planted)
            assert replay.get("/api/v1/me").status_code == 401


def test_a_csrf_token_from_one_session_is_refused_in_another(portal_settings: Settings, world: World) -> None:
    with app_for(portal_settings) as eve, app_for(portal_settings) as mona:
        login(eve, ROLE_EMAILS["employee"])
        login(mona, ROLE_EMAILS["manager"])
        eve_token = eve.headers["x-csrf-token"]
        assert eve_token != mona.headers["x-csrf-token"]
        forged = mona.post("/profile/preferences", data={"csrf_token": eve_token, "visibility": "private"},
                           headers={"x-csrf-token": ""}, follow_redirects=False)
        assert forged.status_code == 403 and "CSRF" in forged.text
        eve.post("/logout", follow_redirects=False)
        with app_for(portal_settings) as again:
            login(again, ROLE_EMAILS["employee"])
            stale = again.post("/notifications/read", headers={"x-csrf-token": eve_token}, follow_redirects=False)
            assert stale.status_code == 403


def test_a_cross_site_form_post_without_a_token_changes_nothing(portal_settings: Settings, world: World) -> None:
    with app_for(portal_settings) as eve:
        login(eve, ROLE_EMAILS["employee"])
        before = eve.get("/api/v1/profile").json()["preferences"]
        eve.headers.pop("x-csrf-token")
        response = eve.post("/profile/preferences", data={"visibility": "private", "ai_opt_out": "on"},
                            headers={"origin": "https://evil.example"}, follow_redirects=False)
        assert response.status_code == 403
        assert eve.get("/api/v1/profile").json()["preferences"] == before


def test_session_cookies_cannot_be_read_by_scripts_or_sent_cross_site(portal_settings: Settings) -> None:
    client: TestClient
    with app_for(portal_settings) as client:
        token = csrf_of(client, "/login")
        response = client.post("/login", data={"email": ROLE_EMAILS["employee"], "password": "correct horse battery",
                                               "csrf_token": token}, follow_redirects=False)
        cookie = next(v for k, v in response.headers.multi_items()
                      if k == "set-cookie" and v.startswith("trellis_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
