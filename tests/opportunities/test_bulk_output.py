"""Lists of opportunities are read with a fixed number of queries, however long the list (the
HR approvals page lists every pending posting with its skills)."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from builders import make_employee, make_opportunity, make_skill
from trellis.opportunities import service


def _queries_for_pending_list(session: Session) -> int:
    count = 0

    def tally(*_args: object) -> None:
        nonlocal count
        count += 1

    bind = session.connection()
    event.listen(bind, "before_cursor_execute", tally)
    try:
        session.expire_all()
        out = service.to_out_many(session, service.list_pending_approval(session))
    finally:
        event.remove(bind, "before_cursor_execute", tally)
    assert all(o.skills and o.skills[0].label == "Python" for o in out)
    return count


def test_the_pending_postings_and_their_skills_take_the_same_queries_for_one_or_many(session: Session) -> None:
    python, boss = make_skill(session, "Python"), make_employee(session)
    make_opportunity(session, status="pending_approval", hiring_manager_id=boss.id, skills={python: 3})
    one = _queries_for_pending_list(session)
    for _ in range(5):
        make_opportunity(session, status="pending_approval", hiring_manager_id=boss.id, skills={python: 3})
    assert _queries_for_pending_list(session) == one
