"""Request dependencies, declared once as ``Annotated`` aliases: ``SessionDep``, ``CurrentUser``,
``SettingsDep``; and ``permit(action)``, which every protected route uses to check the role
against the permission table (and the CSRF token on unsafe browser requests)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from trellis.accounts import service as accounts
from trellis.accounts.permissions import Actor, allowed
from trellis.config import Settings
from trellis.errors import Forbidden, Unauthenticated
from trellis.models import User
from trellis.notifications.service import deliver_pending
from trellis.web.security import SAFE_METHODS, SESSION_COOKIE, csrf_ok, read_cookie


@dataclass(frozen=True)
class SignedIn:
    """What the templates show of the signed-in user."""

    email: str
    role: str
    employee_id: int | None


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _deliver(factory: sessionmaker[Session], settings: Settings) -> None:
    with factory() as session:
        deliver_pending(session, settings=settings)
        session.commit()


def get_session(request: Request, background: BackgroundTasks) -> Iterator[Session]:
    """One unit of work per request: committed when the route returns, rolled back on error.
    E-mails owed by new notifications go out after the commit, in the background."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
        session.commit()
        if session.info.pop("notified", False) and request.app.state.settings.smtp_host:
            background.add_task(_deliver, factory, request.app.state.settings)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_current_user(request: Request, session: SessionDep, settings: SettingsDep) -> User:
    """The signed-in user, from an API token (``Authorization: Bearer …``) or the session cookie."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        raw_token = auth[7:].strip()
        # Last use is recorded first, in its own short transaction, before this request's session
        # reads anything: authentication itself never writes, so it never holds SQLite's write
        # lock while another session of the same request writes.
        with request.app.state.session_factory() as side:
            accounts.touch_token(side, raw=raw_token)
            side.commit()
        user, token = accounts.user_for_token(session, raw=raw_token)
        accounts.require_scope(list(token.scopes), write=request.method not in SAFE_METHODS)
        request.state.via_token = True
        return user
    raw = read_cookie(request, settings, SESSION_COOKIE)
    found = accounts.user_for_session(session, raw=raw) if raw else None
    if found is None:
        raise Unauthenticated("Please sign in.")
    request.state.via_token = False
    return found


CurrentUser = Annotated[User, Depends(get_current_user)]


def permit(action: str) -> Callable[..., Coroutine[Any, Any, Actor]]:
    """A dependency that lets the request through only if the user's role may do ``action``
    (see accounts/permissions.py) and, for unsafe browser requests, the CSRF token is right."""
    allowed("employee", action)  # fail at import time on an unknown action

    async def check(request: Request, user: CurrentUser, settings: SettingsDep) -> Actor:
        if not allowed(user.role, action):
            raise Forbidden(f"Your role ({user.role}) may not do this ({action}).")
        if request.method not in SAFE_METHODS and not request.state.via_token and not await csrf_ok(request, settings):
            raise Forbidden("The form expired or did not come from this site (CSRF check failed); reload and retry.")
        # a plain snapshot: error pages render after the session has closed
        request.state.user = SignedIn(email=user.email, role=user.role, employee_id=user.employee_id)
        return accounts.actor_for(user)

    check.action = action  # type: ignore[attr-defined]
    return check


def Permit(action: str) -> Any:
    """``actor: Actor = Permit("application.apply")`` in a route signature."""
    return Depends(permit(action))
