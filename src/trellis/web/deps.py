"""Request dependencies, declared once as ``Annotated`` aliases: ``SessionDep``, ``CurrentUser``,
``SettingsDep``; and ``permit(action)``, which every protected route uses to check the role
against the permission table (and the CSRF token on unsafe browser requests). Which requests
write, and how they queue for SQLite's write lock: ``web/writes.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from trellis.accounts import service as accounts
from trellis.accounts.permissions import Actor, allowed
from trellis.config import Settings
from trellis.errors import Forbidden, Unauthenticated
from trellis.models import User
from trellis.notifications.service import deliver_pending
from trellis.web.security import SAFE_METHODS, SESSION_COOKIE, csrf_ok, read_cookie
from trellis.web.writes import add_rows, gate, held_logs, in_own_thread, marked_reads, marked_writes, write_apart


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


def _deliver(factory: sessionmaker[Session], *, settings: Settings) -> None:
    with factory() as session:
        deliver_pending(session, settings=settings)
        session.commit()


def _touch(factory: sessionmaker[Session], *, raw: str) -> None:
    with factory() as session:
        accounts.touch_token(session, raw=raw)
        session.commit()


def _end(session: Session, *, commit: bool) -> None:
    try:
        session.commit() if commit else session.rollback()
    finally:
        session.close()


async def get_session(request: Request, background: BackgroundTasks) -> AsyncIterator[Session]:
    """One unit of work per request: committed when the route returns, rolled back on error. A
    writer (unsafe method not marked ``@reads``, or ``@writes`` route) waits for this process's
    write gate first; a reader's log rows follow in their own short write. E-mails owed by new notifications go out
    after the commit, in the background."""
    state = request.app.state
    endpoint = request.scope.get("endpoint")
    writer = marked_writes(endpoint) or (request.method not in SAFE_METHODS and not marked_reads(endpoint))
    async with gate(state) if writer else nullcontext():
        session: Session = (state.writer_factory if writer else state.session_factory)()
        session.info["path"] = f"{request.method} {request.url.path}"
        try:
            yield session
        except BaseException:
            with anyio.CancelScope(shield=True):
                await in_own_thread(_end, session, commit=False)
            raise
        with anyio.CancelScope(shield=True):
            await in_own_thread(_end, session, commit=True)
    if rows := held_logs(session):
        await write_apart(state, add_rows, rows=rows)
    if session.info.pop("notified", False) and state.settings.smtp_host:
        background.add_task(write_apart, state, _deliver, settings=state.settings)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_current_user(request: Request, session: SessionDep, settings: SettingsDep,
                     background: BackgroundTasks) -> User:
    """The signed-in user, from an API token (``Authorization: Bearer …``) or the session cookie."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        raw_token = auth[7:].strip()
        # last use is recorded after the response, in its own short write: authentication never
        # writes in the request's unit of work, and a reader stays a reader
        background.add_task(write_apart, request.app.state, _touch, raw=raw_token)
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
