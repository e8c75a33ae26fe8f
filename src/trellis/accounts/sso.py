"""Single sign-on through OpenID Connect (authorization code flow with PKCE, a nonce and a
state). Authlib does the OAuth 2 exchange; joserfc checks the ID token's signature against the
provider's published keys, and its issuer, audience, expiry and nonce. A verified e-mail signs
in the account with that e-mail; optionally an employee-role account is created for an employee
whose work e-mail it is. Nobody else gets in."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.accounts.service import create_user
from trellis.config import Settings
from trellis.errors import Forbidden, Invalid, Unavailable
from trellis.models import Employee, User
from trellis.models.base import utcnow


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Pending:
    """What the browser carries (signed) between the redirect and the callback."""

    state: str
    nonce: str
    verifier: str
    next: str


_discovered: dict[str, tuple[float, Provider]] = {}
DISCOVERY_TTL = 3600.0


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def discover(settings: Settings) -> Provider:
    """The provider's endpoints from its discovery document (cached for an hour)."""
    issuer = (settings.oidc_issuer or "").rstrip("/")
    cached = _discovered.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    try:
        doc = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as err:
        raise Unavailable(f"the sign-on provider at {issuer} did not answer: {err}") from err
    if doc.get("issuer", "").rstrip("/") != issuer:
        raise Unavailable(f"the sign-on provider says its issuer is {doc.get('issuer')!r}, not {issuer!r}")
    provider = Provider(issuer=doc["issuer"], authorization_endpoint=doc["authorization_endpoint"],
                        token_endpoint=doc["token_endpoint"], jwks_uri=doc["jwks_uri"])
    _discovered[issuer] = (time.monotonic(), provider)
    return provider


def _client(settings: Settings, redirect_uri: str) -> OAuth2Client:
    return OAuth2Client(client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
                        scope=settings.oidc_scopes, redirect_uri=redirect_uri, code_challenge_method="S256",
                        timeout=10)


def start(settings: Settings, *, redirect_uri: str, next_url: str) -> tuple[str, Pending]:
    """The provider URL to send the browser to, and what to remember until it comes back."""
    provider = discover(settings)
    pending = Pending(state=generate_token(32), nonce=generate_token(32), verifier=generate_token(48), next=next_url)
    with _client(settings, redirect_uri) as client:
        url, _state = client.create_authorization_url(provider.authorization_endpoint, state=pending.state,
                                                      nonce=pending.nonce, code_verifier=pending.verifier)
    return url, pending


def finish(settings: Settings, *, redirect_uri: str, pending: Pending, state: str, code: str) -> dict[str, Any]:
    """Exchange the code and return the ID token's verified claims."""
    if not state or state != pending.state:
        raise Forbidden("The sign-on response does not belong to this browser (state mismatch).")
    provider = discover(settings)
    try:
        with _client(settings, redirect_uri) as client:
            token = client.fetch_token(provider.token_endpoint, code=code, code_verifier=pending.verifier,
                                       grant_type="authorization_code")
        keys = KeySet.import_key_set(httpx.get(provider.jwks_uri, timeout=10).raise_for_status().json())
    except httpx.HTTPError as err:
        raise Unavailable(f"the sign-on provider did not answer: {err}") from err
    except Exception as err:  # authlib raises OAuthError subclasses for refused codes
        raise Forbidden(f"The sign-on provider refused the sign-in: {err}") from err
    raw = token.get("id_token")
    if not raw:
        raise Forbidden("The sign-on provider sent no ID token.")
    try:
        decoded = jwt.decode(raw, keys, algorithms=["RS256", "ES256", "PS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": settings.oidc_client_id or ""},
            exp={"essential": True}, nonce={"essential": True, "value": pending.nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as err:
        raise Forbidden(f"The sign-on provider's ID token is not valid: {err}") from err
    return dict(decoded.claims)


def user_for_claims(session: Session, *, claims: dict[str, Any], create_accounts: bool) -> User:
    """The active account for the token's verified e-mail (created on demand if allowed)."""
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise Invalid("The sign-on provider did not share an e-mail address (ask for the 'email' scope).")
    if claims.get("email_verified") is False:
        raise Forbidden("The sign-on provider has not verified this e-mail address.")
    user = session.scalar(select(User).where(User.email == email))
    if user is None and create_accounts:
        employee_id = session.scalar(select(Employee.id).where(func.lower(Employee.work_email) == email,
                                                              Employee.status == "active"))
        if employee_id is not None:
            user = create_user(session, email=email, role="employee", employee_id=employee_id, actor="sso")
    if user is None or not user.active:
        raise Forbidden(f"No active Trellis account for {email}. Ask an administrator for one.")
    user.last_login_at = utcnow()
    return user
