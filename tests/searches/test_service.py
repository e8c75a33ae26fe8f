"""Saved searches at the service level: the owner's only, counted matches and new ones, and an
alert when HR opens a matching opening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from builders import make_employee, make_opportunity
from trellis.accounts.permissions import Actor
from trellis.errors import Invalid, NotFound
from trellis.models import Notification
from trellis.models.base import utcnow
from trellis.opportunities import service as opportunities
from trellis.opportunities.schemas import SearchFilters
from trellis.searches import service
from trellis.searches.schemas import SavedSearchIn


def _people(session: Session) -> tuple[Actor, Actor, Actor]:
    me, other, boss = make_employee(session), make_employee(session), make_employee(session)
    return (Actor(user_id=1, role="employee", employee_id=me.id),
            Actor(user_id=2, role="employee", employee_id=other.id),
            Actor(user_id=3, role="hr_admin", employee_id=boss.id))


def test_a_saved_search_counts_its_matches_and_only_its_owner_sees_it(session: Session) -> None:
    me, other, _hr = _people(session)
    make_opportunity(session, title="Kafka gig", type="gig", posted_on=date.today() - timedelta(days=3))
    make_opportunity(session, title="Kafka job", type="job", posted_on=date.today() - timedelta(days=3))
    saved = service.save_search(session, actor=me, data=SavedSearchIn(
        name="kafka gigs", filters=SearchFilters(q="kafka", type="gig")))
    assert (saved.matches, saved.new) == (1, 0) and saved.query == "q=kafka&type=gig"
    assert [s.name for s in service.list_searches(session, actor=me)] == ["kafka gigs"]
    assert service.list_searches(session, actor=other) == []
    with pytest.raises(NotFound):
        service.open_search(session, actor=other, search_id=saved.id)
    with pytest.raises(Invalid):
        service.save_search(session, actor=me, data=SavedSearchIn(name="all", filters=SearchFilters()))


def test_an_opening_hr_approves_alerts_matching_searches_and_counts_as_new_until_opened(session: Session) -> None:
    me, other, hr = _people(session)
    service.save_search(session, actor=me, data=SavedSearchIn(name="rust", filters=SearchFilters(q="rust")))
    service.save_search(session, actor=other, data=SavedSearchIn(name="rust", filters=SearchFilters(q="rust"),
                                                                 alert=False))
    opp = make_opportunity(session, title="Rust rewrite", type="gig", status="pending_approval")
    opportunities.approve_opportunity(session, actor=hr, opportunity_id=opp.id)
    told = session.scalars(select(Notification.employee_id).where(Notification.kind == "search.match")).all()
    assert told == [me.employee_id]
    (mine,) = service.list_searches(session, actor=me)
    assert (mine.matches, mine.new) == (1, 1)
    service.open_search(session, actor=me, search_id=mine.id, at=utcnow() + timedelta(seconds=5))
    assert service.list_searches(session, actor=me)[0].new == 0
