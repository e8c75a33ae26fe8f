"""HR and administration: audit log, job architecture, accounts, API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from trellis.accounts import service as accounts
from trellis.accounts.permissions import Actor
from trellis.accounts.schemas import RoleName, TokenCreated, TokenIn, TokenOut, UserOut
from trellis.architecture import service as architecture
from trellis.architecture.schemas import FamilyIn, FamilyOut, RoleIn
from trellis.audit import service as audit_service
from trellis.audit.schemas import AuditPage, AuditQuery
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
def audit(session: SessionDep, actor: str | None = None, action: str | None = None, entity: str | None = None,
          since: datetime | None = None, until: datetime | None = None,
          text: Annotated[str | None, Query(max_length=200)] = None,
          page: Annotated[int, Query(ge=1, le=100_000)] = 1, per_page: Annotated[int, Query(ge=1, le=100)] = 50,
          current: Actor = Permit("audit.view")) -> AuditPage:
    """Search the audit trail (HR admins, system admins): who, action prefix, entity
    (``type`` or ``type:id``), time window, free text; newest first."""
    query = AuditQuery(actor=actor, action=action, entity=entity, since=since, until=until, text=text,
                       limit=per_page, offset=(page - 1) * per_page)
    return audit_service.search(session, query=query, viewer=current)


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
