"""Single sign-on against a tiny OpenID Connect provider served on a loopback port: discovery,
authorization code with PKCE, an RS256 ID token checked against the provider's JWKS."""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Form, HTTPException
from fastapi.responses import RedirectResponse
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from builders import make_employee
from portal_world import ROLE_EMAILS, app_for
from trellis.accounts import sso
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory

CLIENT_ID, CLIENT_SECRET = "trellis-portal", "s3cret-for-tests"


@dataclass
class TinyProvider:
    """An OIDC provider that signs in whoever ``email`` says, with knobs for misbehaving."""

    issuer: str = ""
    email: str = ROLE_EMAILS["manager"]
    email_verified: bool = True
    wrong_nonce: bool = False
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"]}

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(private=False)]}

        @app.get("/authorize")
        def authorize(client_id: str, redirect_uri: str, state: str, nonce: str, code_challenge: str,
                      code_challenge_method: str, response_type: str, scope: str) -> RedirectResponse:
            assert client_id == CLIENT_ID and response_type == "code" and "openid" in scope.split()
            assert code_challenge_method == "S256"
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": nonce, "challenge": code_challenge, "redirect_uri": redirect_uri}
            return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", status_code=302)

        @app.post("/token")
        def token(grant_type: str = Form(), code: str = Form(), code_verifier: str = Form(),
                  redirect_uri: str = Form(), client_id: str | None = Form(None),
                  client_secret: str | None = Form(None)) -> dict[str, Any]:
            grant = self.codes.pop(code, None)
            if grant is None or grant_type != "authorization_code" or redirect_uri != grant["redirect_uri"]:
                raise HTTPException(400, "invalid_grant")
            digest = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=")
            if digest.decode() != grant["challenge"]:
                raise HTTPException(400, "invalid_grant")
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": self.email, "iat": now, "exp": now + 300,
                      "email": self.email, "email_verified": self.email_verified,
                      "nonce": "forged" if self.wrong_nonce else grant["nonce"]}
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
            return {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

        return app


@pytest.fixture(scope="module")
def provider() -> Iterator[TinyProvider]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tiny = TinyProvider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(tiny.app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield tiny
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def sso_client(provider: TinyProvider, portal_settings: Settings) -> Iterator[TestClient]:
    sso._discovered.clear()
    settings = portal_settings.model_copy(update={"oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID,
                                                  "oidc_client_secret": CLIENT_SECRET})
    provider.email, provider.email_verified, provider.wrong_nonce = ROLE_EMAILS["manager"], True, False
    with app_for(settings) as client:
        yield client


def _round_trip(client: TestClient, next_url: str = "/") -> httpx.Response:
    start = client.get("/login/sso", params={"next": next_url}, follow_redirects=False)
    assert start.status_code == 303
    back = httpx.get(start.headers["location"], follow_redirects=False)
    assert back.status_code == 302
    callback = urlparse(back.headers["location"])
    return client.get(f"{callback.path}?{callback.query}", follow_redirects=False)  # type: ignore[return-value]


def test_the_login_page_offers_sso_only_when_configured(sso_client: TestClient, anonymous: TestClient) -> None:
    assert "single sign-on" in sso_client.get("/login").text
    assert "single sign-on" not in anonymous.get("/login").text
    assert anonymous.get("/login/sso").status_code == 404


def test_a_verified_email_signs_in_its_account_and_lands_on_next(sso_client: TestClient) -> None:
    done = _round_trip(sso_client, "/manage/opportunities")
    assert done.status_code == 303 and done.headers["location"] == "/manage/opportunities"
    assert sso_client.get("/api/v1/me").json()["email"] == ROLE_EMAILS["manager"]


def test_a_forged_state_is_refused(sso_client: TestClient) -> None:
    start = sso_client.get("/login/sso", follow_redirects=False)
    back = urlparse(httpx.get(start.headers["location"], follow_redirects=False).headers["location"])
    code = parse_qs(back.query)["code"][0]
    refused = sso_client.get(f"{back.path}?code={code}&state=forged", follow_redirects=False)
    assert refused.status_code == 403 and sso_client.get("/api/v1/me").status_code == 401


def test_an_id_token_with_the_wrong_nonce_is_refused(sso_client: TestClient, provider: TinyProvider) -> None:
    provider.wrong_nonce = True
    assert _round_trip(sso_client).status_code == 403
    assert sso_client.get("/api/v1/me").status_code == 401


def test_unknown_or_unverified_emails_get_no_account(sso_client: TestClient, provider: TinyProvider) -> None:
    provider.email = "stranger@example.com"
    assert _round_trip(sso_client).status_code == 403
    provider.email, provider.email_verified = ROLE_EMAILS["manager"], False
    assert _round_trip(sso_client).status_code == 403


def test_first_sign_in_can_create_an_employee_account(provider: TinyProvider, portal_settings: Settings) -> None:
    engine = make_engine(portal_settings.database_url)
    with make_session_factory(engine)() as s:
        make_employee(s, name="New Starter", work_email="New.Starter@example.com")
        s.commit()
    engine.dispose()
    sso._discovered.clear()
    provider.email, provider.email_verified, provider.wrong_nonce = "new.starter@example.com", True, False
    base = {"oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID, "oidc_client_secret": CLIENT_SECRET}
    with app_for(portal_settings.model_copy(update=base)) as client:
        assert _round_trip(client).status_code == 403  # creation is off by default
    with app_for(portal_settings.model_copy(update={**base, "oidc_create_accounts": True})) as client:
        assert _round_trip(client).status_code == 303
        me = client.get("/api/v1/me").json()
        assert me["role"] == "employee" and me["email"] == "new.starter@example.com" and me["employee_id"]
