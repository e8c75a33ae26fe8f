"""Sign-in and sign-out. Sign-in rotates the session id (no fixation) and is rate limited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from trellis.accounts import service as accounts
from trellis.accounts import sso
from trellis.accounts.schemas import PasswordCheck
from trellis.architecture.service import organisation_counts
from trellis.errors import Forbidden, RateLimited, Unauthenticated
from trellis.web.deps import SessionDep, SettingsDep
from trellis.web.security import PRESESSION_COOKIE, SESSION_COOKIE, clear_cookie, csrf_ok, read_cookie, set_cookie
from trellis.web.templating import render
from trellis.web.writes import in_own_thread, reads, write_apart

router = APIRouter()


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_form(request: Request, session: SessionDep, settings: SettingsDep, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "sso": sso.enabled(settings),
                                          "counts": organisation_counts(session)})


@router.post("/login")
@reads  # the password check (argon2) must not hold the write lock: it reads, then writes apart
async def login(
    request: Request, session: SessionDep, settings: SettingsDep,
    email: Annotated[str, Form()], password: Annotated[str, Form()], next: Annotated[str, Form()] = "/",
) -> Response:
    if not await csrf_ok(request, settings):
        raise Forbidden("The sign-in form expired; reload the page and try again.")
    limits = {"address": request.client.host if request.client else "?",
              "max_failures": settings.login_max_failures, "window_minutes": settings.login_window_minutes,
              "max_account_failures": settings.login_max_account_failures}
    try:
        check = await in_own_thread(accounts.check_password, session, email=email, password=password, **limits)
        raw = await write_apart(request.app.state, _sign_in, check=check, hours=settings.session_hours,
                                replaces=read_cookie(request, settings, SESSION_COOKIE), **limits)
    except (Unauthenticated, RateLimited) as err:
        status = 429 if isinstance(err, RateLimited) else 401
        return render(request, "login.html", {"error": err.message, "email": email, "next": _safe_next(next),
                                              "sso": sso.enabled(settings)},
                      status_code=status)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(response, request, settings, SESSION_COOKIE, raw)
    clear_cookie(response, request, settings, PRESESSION_COOKIE)
    return response


def _sign_in(factory: sessionmaker[Session], *, check: PasswordCheck, hours: int, replaces: str | None,
             **limits: Any) -> str:
    """The short write of signing in: the attempt (a failed one counts too) and a new session."""
    with factory() as session:
        try:
            user = accounts.record_login(session, check=check, **limits)
        except Unauthenticated:
            session.commit()
            raise
        raw = accounts.start_session(session, user=user, hours=hours, replaces=replaces)
        session.commit()
        return raw


@router.post("/logout")
async def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    raw = read_cookie(request, settings, SESSION_COOKIE)
    if raw and not await csrf_ok(request, settings):
        raise Forbidden("The form expired; reload the page and try again.")
    if raw:
        await in_own_thread(accounts.end_session, session, raw=raw)
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(response, request, settings, SESSION_COOKIE)
    return response
