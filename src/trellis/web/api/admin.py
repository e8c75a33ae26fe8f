"""HR and administration: audit log, job architecture, accounts, API tokens."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from trellis.accounts import service as accounts
from trellis.accounts.permissions import Actor
from trellis.accounts.schemas import RoleName, TokenCreated, TokenIn, TokenOut, UserOut
from trellis.architecture import service as architecture
from trellis.architecture.schemas import AuditOut, FamilyIn, FamilyOut, RoleIn
from trellis.pagination import Page
from trellis.web.deps import Permit, SessionDep

router = APIRouter(tags=["administration"])


class UserIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    role: RoleName = "employee"
    password: str | None = Field(default=None, min_length=10)
    employee_id: int | None = None


class Created(BaseModel):
    id: int


@router.get("/audit")
def audit(session: SessionDep, action: str | None = None, page: int = 1, per_page: int = 50,
          actor: Actor = Permit("audit.view")) -> Page[AuditOut]:
    return architecture.list_audit(session, action=action, page=page, per_page=per_page)


@router.get("/families")
def families(session: SessionDep, actor: Actor = Permit("architecture.manage")) -> list[FamilyOut]:
    return architecture.list_families(session)


@router.post("/families", status_code=201)
def add_family(data: FamilyIn, session: SessionDep, actor: Actor = Permit("architecture.manage")) -> Created:
    return Created(id=architecture.create_family(session, actor=actor, data=data).id)


@router.post("/roles", status_code=201)
def add_role(data: RoleIn, session: SessionDep, actor: Actor = Permit("architecture.manage")) -> Created:
    return Created(id=architecture.create_role(session, actor=actor, data=data).id)


@router.get("/users")
def users(session: SessionDep, actor: Actor = Permit("users.manage")) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in accounts.list_users(session)]


@router.post("/users", status_code=201)
def create_user(data: UserIn, session: SessionDep, actor: Actor = Permit("users.manage")) -> UserOut:
    user = accounts.create_user(session, email=data.email, role=data.role, password=data.password,
                                employee_id=data.employee_id, actor=f"user:{actor.user_id}")
    return UserOut.model_validate(user)


@router.get("/tokens")
def tokens(session: SessionDep, actor: Actor = Permit("tokens.manage")) -> list[TokenOut]:
    user = accounts.get_user(session, user_id=actor.user_id)
    return [TokenOut.model_validate(t) for t in accounts.list_api_tokens(session, user=user)]


@router.post("/tokens", status_code=201)
def create_token(data: TokenIn, session: SessionDep, actor: Actor = Permit("tokens.manage")) -> TokenCreated:
    user = accounts.get_user(session, user_id=actor.user_id)
    raw, token = accounts.create_api_token(session, user=user, name=data.name, scopes=list(data.scopes))
    return TokenCreated.model_validate({**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}")
def revoke(token_id: int, session: SessionDep, actor: Actor = Permit("tokens.manage")) -> TokenOut:
    user = accounts.get_user(session, user_id=actor.user_id)
    return TokenOut.model_validate(accounts.revoke_api_token(session, user=user, token_id=token_id))
