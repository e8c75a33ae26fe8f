"""Pydantic in/out models for accounts and tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RoleName = Literal["employee", "manager", "hr_partner", "hr_admin", "sysadmin"]
Scope = Literal["read", "write"]


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: RoleName
    employee_id: int | None
    active: bool


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(default=["read"], min_length=1)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. Shown once; only its SHA-256 is stored.")


class DemoAccount(BaseModel):
    role: RoleName
    email: str
    password: str
    name: str | None


class PasswordCheck(BaseModel):
    """What the slow half of signing in found (``check_password``), for the short write that
    records it (``record_login``): the account the password opened, if any, with the hash it
    was checked against (a change since makes it a failure) and a stronger hash to store."""

    model_config = ConfigDict(frozen=True)

    email: str
    user_id: int | None = None
    checked_hash: str | None = None
    new_hash: str | None = None
