"""Applications at the service level: duplicates, stale versions, withdrawals, time release."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from builders import make_employee, make_opportunity
from trellis.accounts.permissions import Actor
from trellis.applications import service
from trellis.applications.schemas import ApplyIn, MoveIn, TimeReleaseDecision
from trellis.errors import Conflict, Forbidden, NotFound
from trellis.models import Application


def _people(session: Session) -> tuple[Actor, Actor, Actor, int]:
    boss = make_employee(session)
    me = make_employee(session, manager_id=boss.id)
    hiring = make_employee(session)
    opp = make_opportunity(session, type="gig", hiring_manager_id=hiring.id, hours_per_week=5)
    return (Actor(user_id=1, role="employee", employee_id=me.id), Actor(user_id=2, role="manager", employee_id=boss.id),
            Actor(user_id=3, role="manager", employee_id=hiring.id), opp.id)


def test_a_second_application_or_a_racing_duplicate_is_a_conflict(session: Session) -> None:
    me, _boss, _hiring, opp = _people(session)
    service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn())
    with pytest.raises(Conflict):
        service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn())
    # a duplicate that slipped past the check (another request) is caught by the unique constraint
    with pytest.raises(Conflict):
        service._flush(session, Application(opportunity_id=opp, employee_id=me.employee_id))
    assert session.query(Application).filter_by(opportunity_id=opp).count() == 1


def test_the_offer_tells_the_current_manager_and_asks_for_time_release(session: Session) -> None:
    me, boss, hiring, opp = _people(session)
    app = service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn(confidential=True))
    with pytest.raises(NotFound):
        service.get_application(session, actor=boss, application_id=app.id)
    assert service.list_time_releases(session, actor=boss) == []
    offer = service.move(session, actor=hiring, application_id=app.id,
                         data=MoveIn(to="offer", reason="Great fit", version=app.version))
    assert service.get_application(session, actor=boss, application_id=app.id).status == "offer"
    [release] = service.list_time_releases(session, actor=boss)
    assert release.hours_per_week == 5 and release.status == "pending"
    with pytest.raises(NotFound):
        service.decide_time_release(session, actor=hiring, release_id=release.id,
                                    data=TimeReleaseDecision(approve=True, reason="not mine"))
    decided = service.decide_time_release(session, actor=boss, release_id=release.id,
                                          data=TimeReleaseDecision(approve=False, reason="Quarter end"))
    assert decided.status == "declined"
    with pytest.raises(Forbidden):
        service.move(session, actor=boss, application_id=app.id,
                     data=MoveIn(to="selected", reason="not my call", version=offer.version))


def test_a_closed_application_cannot_move_or_be_withdrawn(session: Session) -> None:
    me, _boss, hiring, opp = _people(session)
    app = service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn())
    done = service.withdraw(session, actor=me, application_id=app.id, version=app.version)
    with pytest.raises(Conflict):
        service.move(session, actor=hiring, application_id=app.id,
                     data=MoveIn(to="reviewing", reason="too late", version=done.version))
    with pytest.raises(Conflict):
        service.withdraw(session, actor=me, application_id=app.id, version=done.version)


def test_my_applications_carry_their_time_release_and_can_be_narrowed_to_one_opening(session: Session) -> None:
    me, _boss, hiring, opp = _people(session)
    other = make_opportunity(session, type="job")
    app = service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn())
    service.apply(session, actor=me, opportunity_id=other.id, data=ApplyIn())
    service.move(session, actor=hiring, application_id=app.id,
                 data=MoveIn(to="offer", reason="Fit", version=app.version))
    mine = service.list_mine(session, actor=me)
    assert [a.opportunity_id for a in mine] == [other.id, opp] and [a.time_release for a in mine] == [None, "pending"]
    [only] = service.list_mine(session, actor=me, opportunity_id=opp)
    assert only.id == app.id and only.time_release == "pending"
    applicants = service.list_for_opportunity(session, actor=hiring, opportunity_id=opp)
    assert [a.time_release for a in applicants] == ["pending"]


def test_after_withdrawing_a_person_can_apply_again_and_the_same_application_reopens(session: Session) -> None:
    me, _boss, _hiring, opp = _people(session)
    first = service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn(note="first try"))
    service.withdraw(session, actor=me, application_id=first.id, version=first.version, reason="bad timing")
    again = service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn(note="ready now", confidential=False))
    assert again.id == first.id and again.status == "submitted"
    row = session.get(Application, again.id)
    assert row is not None and row.note == "ready now" and not row.confidential and row.decision_reason is None
    with pytest.raises(Conflict):  # an open application is still applied to once
        service.apply(session, actor=me, opportunity_id=opp, data=ApplyIn())
