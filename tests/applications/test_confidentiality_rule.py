"""The confidentiality rule has one home, ``can_view_application``; ``hidden_applications`` is
that rule asked of the database. For every role, every relation the viewer can have to an
application (applicant, owner of the opening, the applicant's current manager, none, several),
every stage and both confidentiality choices, the two give the same answer."""

from __future__ import annotations

from itertools import product

import pytest
from sqlalchemy.orm import Session

from builders import make_application, make_employee, make_opportunity
from trellis.accounts.permissions import ROLES, STAGES, Actor, ApplicationFacts, can_view_application
from trellis.applications.service import hidden_application_ids, visible_applicants
from trellis.models import Application

STATUSES = (*STAGES, "rejected", "withdrawn")


@pytest.mark.parametrize("role", ROLES)
def test_the_database_hides_exactly_the_applications_the_rule_hides(session: Session, role: str) -> None:
    viewer = make_employee(session)
    actor = Actor(user_id=1, role=role, employee_id=viewer.id)
    expected: dict[int, bool] = {}
    for applicant_is_me, owner_is_me, manager_is_me in product((False, True), repeat=3):
        boss = viewer if manager_is_me else make_employee(session)
        applicant = viewer if applicant_is_me else make_employee(session, manager_id=boss.id)
        if applicant_is_me and manager_is_me:
            continue  # nobody manages themselves
        for status, confidential in product(STATUSES, (False, True)):
            opp = make_opportunity(session, hiring_manager_id=viewer.id if owner_is_me else None)
            app = make_application(session, applicant, opp, status=status, confidential=confidential)
            facts = ApplicationFacts(applicant_id=applicant.id, applicant_manager_id=applicant.manager_id,
                                     hiring_manager_id=opp.hiring_manager_id, status=status,
                                     confidential=confidential)
            expected[app.id] = can_view_application(actor, facts)
    hidden = hidden_application_ids(session, actor=actor) & set(expected)
    assert hidden == {a for a, seen in expected.items() if not seen}
    assert len(hidden) < len(expected)  # the rule lets every role see something here (its own)


def test_a_viewer_without_an_employee_sees_no_application_of_anyone(session: Session) -> None:
    boss = make_employee(session)
    app = make_application(session, make_employee(session, manager_id=boss.id), make_opportunity(session),
                           confidential=False)
    for role in ROLES:
        assert app.id in hidden_application_ids(session, actor=Actor(user_id=1, role=role, employee_id=None)) \
            or role in ("hr_partner", "hr_admin")


def test_the_applicants_an_hr_current_manager_sees_leave_out_a_confidential_report(session: Session) -> None:
    hr = make_employee(session)
    report, other = make_employee(session, manager_id=hr.id), make_employee(session)
    opp = make_opportunity(session)
    make_application(session, report, opp, confidential=True)
    make_application(session, other, opp, confidential=True)
    actor = Actor(user_id=1, role="hr_partner", employee_id=hr.id)
    assert visible_applicants(session, actor=actor, opportunity_id=opp.id) == {other.id}
    session.query(Application).filter_by(employee_id=report.id).update({"status": "offer"})
    assert visible_applicants(session, actor=actor, opportunity_id=opp.id) == {report.id, other.id}
