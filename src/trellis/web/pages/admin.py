"""System administration: accounts and API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trellis.accounts import service as accounts
from trellis.accounts.permissions import ROLES, Actor
from trellis.web.deps import Permit, SessionDep
from trellis.web.templating import render
from trellis.web.writes import in_own_thread

router = APIRouter(prefix="/admin")


@router.get("/users")
def users(request: Request, session: SessionDep, actor: Actor = Permit("users.manage")) -> Response:
    return render(request, "users.html", {"users": accounts.list_users(session), "roles": ROLES})


@router.post("/users")
def create_user(session: SessionDep, email: Annotated[str, Form()], role: Annotated[str, Form()],
                password: Annotated[str, Form()], actor: Actor = Permit("users.manage")) -> Response:
    accounts.create_user(session, email=email, role=role, password=password, actor=f"user:{actor.user_id}")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/active")
def set_active(user_id: int, session: SessionDep, active: Annotated[str, Form()],
               actor: Actor = Permit("users.manage")) -> Response:
    accounts.set_user_active(session, user_id=user_id, active=active == "1", actor=actor)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/tokens")
def tokens(request: Request, session: SessionDep, actor: Actor = Permit("tokens.manage")) -> Response:
    user = accounts.get_user(session, user_id=actor.user_id)
    return render(request, "tokens.html", {"tokens": accounts.list_api_tokens(session, user=user)})


@router.post("/tokens")
async def create_token(request: Request, session: SessionDep, name: Annotated[str, Form()],
                       actor: Actor = Permit("tokens.manage")) -> Response:
    scopes = [str(s) for s in (await request.form()).getlist("scopes")] or ["read"]
    return await in_own_thread(_create_token, request, session, actor=actor, name=name, scopes=scopes)


def _create_token(request: Request, session: Session, *, actor: Actor, name: str, scopes: list[str]) -> Response:
    user = accounts.get_user(session, user_id=actor.user_id)
    raw, _token = accounts.create_api_token(session, user=user, name=name, scopes=scopes)
    return render(request, "tokens.html", {"tokens": accounts.list_api_tokens(session, user=user), "new_token": raw})


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: int, session: SessionDep, actor: Actor = Permit("tokens.manage")) -> Response:
    accounts.revoke_api_token(session, user=accounts.get_user(session, user_id=actor.user_id), token_id=token_id)
    return RedirectResponse("/admin/tokens", status_code=303)
