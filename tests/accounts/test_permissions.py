"""The ownership rules of the permission table, on plain facts (no database)."""

from __future__ import annotations

import pytest

from trellis.accounts.permissions import (
    PERMISSIONS,
    ROLES,
    Actor,
    ApplicationFacts,
    allowed,
    can_manage_opportunity,
    can_move_application,
    can_view_application,
)

APPLICANT, MANAGER, HIRING, HR, OTHER = 1, 2, 3, 4, 5


def facts(status: str = "submitted", confidential: bool = True) -> ApplicationFacts:
    return ApplicationFacts(applicant_id=APPLICANT, applicant_manager_id=MANAGER, hiring_manager_id=HIRING,
                            status=status, confidential=confidential)


def actor(employee_id: int, role: str = "manager") -> Actor:
    return Actor(user_id=employee_id, role=role, employee_id=employee_id)


def test_every_action_names_only_known_roles_and_unknown_actions_fail_loudly() -> None:
    assert all(roles <= set(ROLES) for roles in PERMISSIONS.values())
    with pytest.raises(KeyError):
        allowed("employee", "no.such.action")


@pytest.mark.parametrize("status", ["submitted", "reviewing", "shortlisted", "interview"])
def test_the_current_manager_cannot_see_a_confidential_application_before_the_offer(status: str) -> None:
    assert not can_view_application(actor(MANAGER), facts(status))


@pytest.mark.parametrize("status", ["offer", "selected"])
def test_the_current_manager_sees_it_from_the_offer_stage(status: str) -> None:
    assert can_view_application(actor(MANAGER), facts(status))


def test_an_applicant_who_opts_in_lets_the_current_manager_see_it_at_once() -> None:
    assert can_view_application(actor(MANAGER), facts(confidential=False))


def test_hr_who_is_the_current_manager_is_still_kept_out_of_a_confidential_application() -> None:
    assert not can_view_application(actor(MANAGER, "hr_partner"), facts())
    assert can_view_application(actor(HR, "hr_partner"), facts())


def test_others_see_nothing_and_only_the_hiring_manager_or_hr_decide() -> None:
    assert not can_view_application(actor(OTHER), facts(confidential=False))
    assert can_view_application(actor(APPLICANT, "employee"), facts())
    assert not can_move_application(actor(APPLICANT, "hr_admin"), facts())
    assert can_move_application(actor(HIRING), facts())
    assert can_move_application(actor(HR, "hr_admin"), facts())
    assert not can_move_application(actor(MANAGER), facts("offer"))
    assert can_manage_opportunity(actor(HIRING), HIRING) and not can_manage_opportunity(actor(OTHER), HIRING)
