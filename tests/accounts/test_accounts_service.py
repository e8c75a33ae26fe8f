"""Accounts: creating users, demo accounts from the organisation, sessions and tokens."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from builders import make_employee
from trellis.accounts import service as accounts
from trellis.errors import Conflict, Invalid, RateLimited, Unauthenticated
from trellis.models import AuditEvent, User


def test_a_new_user_is_linked_to_the_employee_with_that_work_email(session: Session) -> None:
    emp = make_employee(session, work_email="link.me@example.com")
    user = accounts.create_user(session, email=" Link.Me@Example.com ", role="manager", password="a long password")
    assert user.employee_id == emp.id and user.email == "link.me@example.com"
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == str(user.id))) == "user.create"
    with pytest.raises(Conflict):
        accounts.create_user(session, email="link.me@example.com", role="employee")


@pytest.mark.parametrize(("kw", "field"), [({"role": "boss"}, "role"), ({"email": "nope"}, "email"),
                                           ({"password": "short"}, "password")])
def test_bad_account_input_names_the_field(session: Session, kw: dict[str, str], field: str) -> None:
    args = {"email": "ok@example.com", "role": "employee", **kw}
    with pytest.raises(Invalid, match=field):
        accounts.create_user(session, **args)  # type: ignore[arg-type]


def test_authentication_counts_failures_per_email_and_address(session: Session) -> None:
    accounts.create_user(session, email="rate@example.com", role="employee", password="a long password")
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            accounts.authenticate(session, email="rate@example.com", password="wrong password", address="10.0.0.1",
                                  max_failures=2, window_minutes=15)
    # another address is not locked out; this one is, even with the right password
    assert accounts.authenticate(session, email="rate@example.com", password="a long password", address="10.0.0.2",
                                 max_failures=2, window_minutes=15).email == "rate@example.com"
    with pytest.raises(RateLimited):
        accounts.authenticate(session, email="rate@example.com", password="a long password", address="10.0.0.1",
                              max_failures=2, window_minutes=15)


LIMITS: dict[str, Any] = {"address": "10.0.0.9", "max_failures": 1, "window_minutes": 15}


def test_password_checks_made_side_by_side_lock_out_as_if_made_one_after_another(session: Session) -> None:
    accounts.create_user(session, email="side@example.com", role="employee", password="a long password")
    wrong = accounts.check_password(session, email="side@example.com", password="wrong password", **LIMITS)
    right = accounts.check_password(session, email="Side@Example.com ", password="a long password", **LIMITS)
    assert wrong.user_id is None and right.user_id is not None
    with pytest.raises(Unauthenticated):
        accounts.record_login(session, check=wrong, **LIMITS)
    with pytest.raises(RateLimited):  # the right password, but the failure recorded first used up the limit
        accounts.record_login(session, check=right, **LIMITS)
    with pytest.raises(RateLimited):  # and a locked-out address is refused before its password is checked
        accounts.check_password(session, email="side@example.com", password="a long password", **LIMITS)


def test_a_password_changed_or_an_account_deactivated_after_the_check_does_not_sign_in(session: Session) -> None:
    user = accounts.create_user(session, email="moved@example.com", role="employee", password="a long password")
    limits = {**LIMITS, "max_failures": 5}
    check = accounts.check_password(session, email="moved@example.com", password="a long password", **limits)
    user.password_hash = accounts.hash_password("another long password")
    with pytest.raises(Unauthenticated):
        accounts.record_login(session, check=check, **limits)
    check = accounts.check_password(session, email="moved@example.com", password="another long password", **limits)
    user.active = False
    with pytest.raises(Unauthenticated):
        accounts.record_login(session, check=check, **limits)
    user.active = True
    assert accounts.record_login(session, check=check, **limits) is user
    assert user.last_login_at is not None


def test_a_session_id_works_until_it_is_replaced_or_ended(session: Session) -> None:
    user = accounts.create_user(session, email="s@example.com", role="employee", password="a long password")
    first = accounts.start_session(session, user=user, hours=1)
    assert accounts.user_for_session(session, raw=first) is user
    second = accounts.start_session(session, user=user, hours=1, replaces=first)
    assert accounts.user_for_session(session, raw=first) is None
    accounts.end_session(session, raw=second)
    assert accounts.user_for_session(session, raw=second) is None


def test_demo_accounts_give_one_account_per_role_and_are_idempotent(session: Session) -> None:
    boss = make_employee(session, name="Boss")
    report = make_employee(session, name="Report", manager_id=boss.id)
    make_employee(session, name="Report Two", manager_id=boss.id)
    for _ in range(4):
        make_employee(session)
    first = accounts.ensure_demo_accounts(session, password="demo password 1")
    again = accounts.ensure_demo_accounts(session, password="demo password 2")
    assert [r for r, _, _ in first] == ["employee", "manager", "hr_partner", "hr_admin", "sysadmin"]
    assert {r: e.id for r, _, e in first}["manager"] == boss.id
    assert {r: e.id for r, _, e in first}["employee"] == report.id
    assert [u.id for _, u, _ in first] == [u.id for _, u, _ in again]
    assert len({e.id for _, _, e in first}) == 5
    assert session.scalar(select(User).where(User.id == first[0][1].id)) is not None
    user = accounts.authenticate(session, email=first[1][1].email, password="demo password 2", address="x",
                                 max_failures=5, window_minutes=15)
    assert user.role == "manager"
