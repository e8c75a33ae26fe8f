"""Accounts: users, password hashing (argon2id), browser sessions, API tokens and login rate
limiting. Secrets (session ids, API tokens) are random 256-bit values; only their SHA-256
digests are stored, so a copy of the database opens no session."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from trellis.accounts.permissions import ROLES, Actor
from trellis.accounts.schemas import PasswordCheck
from trellis.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, Unauthenticated
from trellis.models import (
    ApiToken,
    AuditEvent,
    Employee,
    JobFamily,
    LoginAttempt,
    OrgUnit,
    Role,
    User,
    UserSession,
)
from trellis.models.base import utcnow

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults
TOKEN_PREFIX = "trl_"
MIN_PASSWORD = 10
# An address as HTML forms accept one (WHATWG "valid e-mail address"): no quotes, spaces or
# angle brackets, so an address is never markup.
EMAIL = re.compile(r"[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
                   r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"password: must be at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, employee_id=user.employee_id)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


# --- users -------------------------------------------------------------------------------------

def create_user(
    session: Session, *, email: str, role: str, password: str | None = None, employee_id: int | None = None,
    actor: str = "system",
) -> User:
    """A new account. The e-mail defaults the employee link to the employee with that work e-mail."""
    email = email.strip().lower()
    if role not in ROLES:
        raise Invalid(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if not EMAIL.fullmatch(email):
        raise Invalid(f"email: {email!r} is not an e-mail address")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"an account for {email} already exists")
    if employee_id is None:
        employee_id = session.scalar(select(Employee.id).where(func.lower(Employee.work_email) == email))
    elif session.get(Employee, employee_id) is None:
        raise NotFound(f"employee {employee_id} does not exist")
    user = User(email=email, role=role, employee_id=employee_id,
                password_hash=hash_password(password) if password else None, active=True)
    session.add(user)
    session.flush()
    session.add(AuditEvent(actor=actor, action="user.create", entity_type="user", entity_id=str(user.id),
                           data={"email": email, "role": role}))
    return user


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def set_user_active(session: Session, *, user_id: int, active: bool, actor: Actor) -> User:
    user = get_user(session, user_id=user_id)
    if user.id == actor.user_id and not active:
        raise Invalid("you cannot deactivate your own account")
    user.active = active
    if not active:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.add(AuditEvent(actor=f"user:{actor.user_id}", action="user.activate" if active else "user.deactivate",
                           entity_type="user", entity_id=str(user.id)))
    return user


# --- login, rate limiting and sessions ---------------------------------------------------------

def authenticate(
    session: Session, *, email: str, password: str, address: str, max_failures: int, window_minutes: int,
    max_account_failures: int | None = None,
) -> User:
    """The active user with this e-mail and password. Failures are recorded; ``max_failures``
    for the same e-mail from the same address within the window lock both out until the window
    passes, and ``max_account_failures`` for the e-mail from any addresses lock the account out
    (so rotating addresses does not help). The limits live in the database, so they hold across
    workers. ``check_password`` then ``record_login``, in one unit of work."""
    check = check_password(session, email=email, password=password, address=address, max_failures=max_failures,
                           window_minutes=window_minutes, max_account_failures=max_account_failures)
    return record_login(session, check=check, address=address, max_failures=max_failures,
                        window_minutes=window_minutes, max_account_failures=max_account_failures)


def _failures(session: Session, *, email: str, address: str | None, window_minutes: int) -> int:
    """Failed sign-ins for ``email`` within the window: from ``address``, or from anywhere (None)."""
    since = utcnow() - timedelta(minutes=window_minutes)
    where = [LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.at >= since]
    if address is not None:
        where.append(LoginAttempt.address == address)
    return session.scalar(select(func.count()).select_from(LoginAttempt).where(*where)) or 0


def _check_not_locked(session: Session, *, email: str, address: str, max_failures: int, window_minutes: int,
                      max_account_failures: int | None) -> None:
    """RateLimited when (e-mail, address) or, past ``max_account_failures``, the e-mail is locked out."""
    locked = _failures(session, email=email, address=address, window_minutes=window_minutes) >= max_failures
    if not locked and max_account_failures is not None:
        locked = _failures(session, email=email, address=None, window_minutes=window_minutes) >= max_account_failures
    if locked:
        raise RateLimited(f"Too many failed sign-ins. Try again in {window_minutes} minutes.")


def check_password(
    session: Session, *, email: str, password: str, address: str, max_failures: int, window_minutes: int,
    max_account_failures: int | None = None,
) -> PasswordCheck:
    """The slow half of signing in, which only reads (so it needs no write lock): whether the
    password opens the active account with this e-mail (argon2). Raises RateLimited when
    (e-mail, address) or the e-mail is already locked out, without checking the password."""
    email = email.strip().lower()
    _check_not_locked(session, email=email, address=address, max_failures=max_failures,
                      window_minutes=window_minutes, max_account_failures=max_account_failures)
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.active or not user.password_hash:
        _hasher.hash(password or "x")  # same work whether or not the account exists
        return PasswordCheck(email=email)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return PasswordCheck(email=email)
    new_hash = _hasher.hash(password) if _hasher.check_needs_rehash(user.password_hash) else None
    return PasswordCheck(email=email, user_id=user.id, checked_hash=user.password_hash, new_hash=new_hash)


def record_login(
    session: Session, *, check: PasswordCheck, address: str, max_failures: int, window_minutes: int,
    max_account_failures: int | None = None,
) -> User:
    """The short write of signing in: the limit is counted again here, so attempts that were
    checked side by side lock out exactly as if they had come one after another (past the limit
    the answer is RateLimited whatever the password was, and nothing is recorded); then the
    attempt is recorded and, on success, the sign-in audited. Raises Unauthenticated on a wrong
    e-mail or password (the failed attempt is added: commit it)."""
    _check_not_locked(session, email=check.email, address=address, max_failures=max_failures,
                      window_minutes=window_minutes, max_account_failures=max_account_failures)
    user = session.get(User, check.user_id) if check.user_id is not None else None
    ok = (user is not None and user.active and check.checked_hash is not None
          and user.password_hash == check.checked_hash)  # not changed since it was checked
    session.add(LoginAttempt(email=check.email, address=address, success=ok))
    if not ok or user is None:
        raise Unauthenticated("Wrong e-mail or password.")
    if check.new_hash:
        user.password_hash = check.new_hash
    user.last_login_at = utcnow()
    session.add(AuditEvent(actor=f"user:{user.id}", action="user.login", entity_type="user", entity_id=str(user.id)))
    return user


def start_session(session: Session, *, user: User, hours: int, replaces: str | None = None) -> str:
    """A fresh session id for ``user`` (returned raw, stored hashed). Any session the browser
    had before is destroyed, so an id planted before sign-in is worthless (no fixation)."""
    if replaces:
        end_session(session, raw=replaces)
    raw = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=digest(raw), user_id=user.id, expires_at=utcnow() + timedelta(hours=hours)))
    session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at < utcnow()))
    return raw


def end_session(session: Session, *, raw: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == digest(raw)))


def user_for_session(session: Session, *, raw: str) -> User | None:
    row = session.scalar(select(UserSession).where(UserSession.token_hash == digest(raw)))
    if row is None or _aware(row.expires_at) < utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


# --- API tokens --------------------------------------------------------------------------------

def create_api_token(session: Session, *, user: User, name: str, scopes: list[str]) -> tuple[str, ApiToken]:
    bad = sorted(set(scopes) - {"read", "write"})
    if bad or not scopes:
        raise Invalid(f"scopes: must be read and/or write, got {scopes}")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=raw[:10], token_hash=digest(raw), scopes=sorted(set(scopes)))
    session.add(token)
    session.flush()
    session.add(AuditEvent(actor=f"user:{user.id}", action="token.create", entity_type="api_token",
                           entity_id=str(token.id), data={"name": name, "scopes": token.scopes}))
    return raw, token


def list_api_tokens(session: Session, *, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_api_token(session: Session, *, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(f"API token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(AuditEvent(actor=f"user:{user.id}", action="token.revoke", entity_type="api_token",
                               entity_id=str(token.id)))
    return token


def user_for_token(session: Session, *, raw: str) -> tuple[User, ApiToken]:
    """The active account behind an API token, and the token (read only: see ``touch_token``)."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is None or token.revoked_at is not None:
        raise Unauthenticated("Unknown or revoked API token.")
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        raise Unauthenticated("The token's account is inactive.")
    return user, token


TOUCH_EVERY = timedelta(minutes=1)


def touch_token(session: Session, *, raw: str) -> None:
    """Record that a token is being used (at most about once a minute per token)."""
    now = utcnow()
    session.execute(update(ApiToken).where(
        ApiToken.token_hash == digest(raw), ApiToken.revoked_at.is_(None),
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY)).values(last_used_at=now))


def require_scope(scopes: list[str], *, write: bool) -> None:
    if write and "write" not in scopes:
        raise Forbidden("This API token is read-only.")


# --- demo accounts -----------------------------------------------------------------------------

def _family_people(session: Session, words: tuple[str, ...], exclude: set[int]) -> list[int]:
    match = or_(*[func.lower(JobFamily.name).like(f"%{w}%") for w in words],
                *[func.lower(OrgUnit.name).like(f"%{w}%") for w in words])
    stmt = (select(Employee.id).outerjoin(Role, Role.id == Employee.role_id)
            .outerjoin(JobFamily, JobFamily.id == Role.family_id).outerjoin(OrgUnit, OrgUnit.id == Employee.org_unit_id)
            .where(Employee.status == "active", match).order_by(Employee.id).limit(20))
    return [i for i in session.scalars(stmt) if i not in exclude]


def ensure_demo_accounts(session: Session, *, password: str) -> list[tuple[str, User, Employee]]:
    """One account per role on demo employees, created or refreshed (role, password, active):
    a manager with the most direct reports, one of their reports as the employee (so the
    confidential-application rule can be seen), HR people for the HR roles. Idempotent."""
    top = session.execute(
        select(Employee.manager_id, func.count())
        .where(Employee.manager_id.is_not(None), Employee.status == "active")
        .group_by(Employee.manager_id).order_by(func.count().desc(), Employee.manager_id).limit(1)
    ).first()
    if top is None:
        raise NotFound("no employees with reports: build the demo organisation first (trellis demo)")
    manager_id = int(top[0] or 0)
    sub = aliased(Employee)
    report_id = session.scalar(
        select(Employee.id).where(Employee.manager_id == manager_id, Employee.status == "active",
                                  ~select(sub.id).where(sub.manager_id == Employee.id).exists())
        .order_by(Employee.id).limit(1)
    ) or session.scalar(select(Employee.id).where(Employee.manager_id == manager_id).order_by(Employee.id).limit(1))
    chosen = {"manager": manager_id, "employee": int(report_id or 0)}
    used = set(chosen.values())
    hr = _family_people(session, ("human", "people", "hr"), used)
    others = [i for i in session.scalars(select(Employee.id).where(Employee.status == "active")
                                         .order_by(Employee.id).limit(50)) if i not in used]
    pool = hr + [i for i in others if i not in hr]
    for role in ("hr_partner", "hr_admin"):
        chosen[role] = pool.pop(0)
    it = _family_people(session, ("engineering", "information", "it "), set(chosen.values()))
    chosen["sysadmin"] = (it or [i for i in pool if i not in chosen.values()])[0]
    out: list[tuple[str, User, Employee]] = []
    for role in ("employee", "manager", "hr_partner", "hr_admin", "sysadmin"):
        emp = session.get(Employee, chosen[role])
        assert emp is not None
        email = emp.work_email.lower()
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(session, email=email, role=role, password=password, employee_id=emp.id, actor="cli")
        else:
            user.role, user.active, user.employee_id = role, True, emp.id
            user.password_hash = hash_password(password)
        out.append((role, user, emp))
    return out
