"""Single sign-on through OpenID Connect: redirect to the provider, come back, sign in."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trellis.accounts import service as accounts
from trellis.accounts import sso
from trellis.errors import Forbidden, NotFound
from trellis.web.deps import SessionDep, SettingsDep
from trellis.web.pages.auth import _safe_next
from trellis.web.security import PRESESSION_COOKIE, SESSION_COOKIE, clear_cookie, read_cookie, set_cookie
from trellis.web.writes import writes

router = APIRouter()
PENDING_COOKIE = "trellis_oidc"


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("sso_callback"))


@router.get("/login/sso")
def sso_start(request: Request, settings: SettingsDep, next: str | None = None) -> Response:
    if not sso.enabled(settings):
        raise NotFound("Single sign-on is not configured.")
    url, pending = sso.start(settings, redirect_uri=_redirect_uri(request), next_url=_safe_next(next))
    response = RedirectResponse(url, status_code=303)
    set_cookie(response, request, settings, PENDING_COOKIE, json.dumps(pending.__dict__))
    return response


@router.get("/login/sso/callback", name="sso_callback")
@writes  # signs in: accounts, sessions
def sso_callback(request: Request, session: SessionDep, settings: SettingsDep, state: str = "", code: str = "",
                 error: str = "") -> Response:
    if not sso.enabled(settings):
        raise NotFound("Single sign-on is not configured.")
    if error:
        raise Forbidden(f"The sign-on provider refused the sign-in: {error}")
    raw = read_cookie(request, settings, PENDING_COOKIE)
    if not raw:
        raise Forbidden("The sign-on took too long or started in another browser; try again.")
    pending = sso.Pending(**json.loads(raw))
    claims = sso.finish(settings, redirect_uri=_redirect_uri(request), pending=pending, state=state, code=code)
    user = sso.user_for_claims(session, claims=claims, create_accounts=settings.oidc_create_accounts)
    token = accounts.start_session(session, user=user, hours=settings.session_hours,
                                   replaces=read_cookie(request, settings, SESSION_COOKIE))
    response = RedirectResponse(pending.next, status_code=303)
    set_cookie(response, request, settings, SESSION_COOKIE, token)
    for name in (PENDING_COOKIE, PRESESSION_COOKIE):
        clear_cookie(response, request, settings, name)
    return response
