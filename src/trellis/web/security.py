"""Cookies and CSRF. The session cookie carries a random id signed with itsdangerous (the
database keeps only its SHA-256); it is HttpOnly, SameSite=Lax, and Secure over HTTPS. CSRF
tokens are bound to the session: HMAC(secret, session id). Before sign-in, a random
pre-session cookie plays the session's part, and signing in replaces both (no fixation)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from trellis.config import DEFAULT_SECRET_KEY, Settings
from trellis.errors import Invalid

DEMO_KEY_FILE = "secret_key"

SESSION_COOKIE = "trellis_session"
PRESESSION_COOKIE = "trellis_pre"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def serving_settings(settings: Settings, *, demo: bool = False) -> Settings:
    """``settings`` with a secret key fit to serve with. The default key (public in this source)
    would let anyone forge session cookies and CSRF tokens, so it is refused; in demo mode a
    random key is generated once, kept in ``data_dir/secret_key`` (readable by its owner only)
    so that sign-ins survive a restart, and used instead."""
    if settings.secret_key != DEFAULT_SECRET_KEY:
        return settings
    if not demo:
        raise Invalid("refusing to serve with the default secret key: set TRELLIS_SECRET_KEY to a long random "
                      "value (python -c 'import secrets; print(secrets.token_urlsafe(48))'), or for a demo on "
                      "this machine run `trellis serve --demo`")
    path = settings.data_dir / DEMO_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
    return settings.model_copy(update={"secret_key": path.read_text().strip()})


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=salt)


def read_cookie(request: Request, settings: Settings, name: str) -> str | None:
    value = request.cookies.get(name)
    if not value:
        return None
    try:
        raw = _serializer(settings, name).loads(value, max_age=settings.session_hours * 3600)
    except BadSignature:
        return None
    return raw if isinstance(raw, str) else None


def _secure(request: Request, settings: Settings) -> bool:
    return settings.cookie_secure if settings.cookie_secure is not None else request.url.scheme == "https"


def set_cookie(response: Response, request: Request, settings: Settings, name: str, raw: str) -> None:
    response.set_cookie(name, _serializer(settings, name).dumps(raw), max_age=settings.session_hours * 3600,
                        httponly=True, samesite="lax", secure=_secure(request, settings), path="/")


def clear_cookie(response: Response, request: Request, settings: Settings, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=_secure(request, settings))


def csrf_seed(request: Request, settings: Settings) -> str:
    """The secret the page's CSRF token is derived from: the session id, else the pre-session
    id (created on first use and set on the response by ``render``)."""
    raw = read_cookie(request, settings, SESSION_COOKIE)
    if raw:
        return "s:" + raw
    pre = getattr(request.state, "new_presession", None) or read_cookie(request, settings, PRESESSION_COOKIE)
    if not pre:
        pre = secrets.token_urlsafe(24)
        request.state.new_presession = pre
    return "p:" + pre


def csrf_token(request: Request, settings: Settings) -> str:
    seed = csrf_seed(request, settings)
    return hmac.new(settings.secret_key.encode(), seed.encode(), hashlib.sha256).hexdigest()


async def csrf_ok(request: Request, settings: Settings) -> bool:
    """Whether the unsafe request carries the right token (form field or X-CSRF-Token header)."""
    sent = request.headers.get(CSRF_HEADER)
    if not sent and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent:
        return False
    seed_raw = read_cookie(request, settings, SESSION_COOKIE) or read_cookie(request, settings, PRESESSION_COOKIE)
    if not seed_raw:
        return False
    return hmac.compare_digest(sent, csrf_token(request, settings))
