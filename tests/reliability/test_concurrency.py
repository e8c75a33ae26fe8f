"""Many people at once: concurrent applications never duplicate, concurrent decisions never
lose an update. Each thread has its own session and connection on a file database (SQLite) or
PostgreSQL, all start together behind a barrier, and each writes through ``for_writing`` (on
SQLite: BEGIN IMMEDIATE, so writers queue rather than fail on a stale snapshot)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from builders import make_employee, make_opportunity
from reliability.together import all_at_once
from trellis.accounts.permissions import Actor
from trellis.applications import service
from trellis.applications.schemas import ApplyIn, MoveIn
from trellis.db import for_writing, make_engine, make_session_factory, session_scope
from trellis.errors import Conflict
from trellis.models import Application, AuditEvent

APPLICANTS = 12


def race(url: str, jobs: list[Callable[[Session], Any]]) -> list[Any]:
    """Run each job in its own thread and transaction, all released at once; returns each
    job's result or the exception it raised."""
    engine = make_engine(url)
    factory = make_session_factory(for_writing(engine))  # queue for the write lock on SQLite

    def unit_of_work(job: Callable[[Session], Any]) -> Any:
        with session_scope(factory) as session:
            return job(session)

    results = all_at_once([partial(unit_of_work, job) for job in jobs], timeout=60)
    engine.dispose()
    return results


def setup(url: str, applicants: int) -> tuple[int, int, list[int]]:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        hiring = make_employee(session)
        opp = make_opportunity(session, type="job", hiring_manager_id=hiring.id)
        people = [make_employee(session).id for _ in range(applicants)]
        ids = (hiring.id, opp.id, people)
    engine.dispose()
    return ids


def scalar(url: str, stmt: Any) -> Any:
    engine = make_engine(url)
    with Session(engine) as session:
        value = session.scalar(stmt)
    engine.dispose()
    return value


def test_many_applicants_at_once_each_get_exactly_one_application(fresh_db_url: str) -> None:
    _hiring, opp, people = setup(fresh_db_url, APPLICANTS)
    jobs = [lambda s, p=p, n=n: service.apply(s, actor=Actor(user_id=100 + n, role="employee", employee_id=p),
                                              opportunity_id=opp, data=ApplyIn(note=f"note {n}"))
            for n, p in enumerate(people)]
    results = race(fresh_db_url, jobs)
    assert [r for r in results if isinstance(r, Exception)] == []
    rows = scalar(fresh_db_url, select(func.count(func.distinct(Application.employee_id)))
                  .where(Application.opportunity_id == opp))
    total = scalar(fresh_db_url, select(func.count()).select_from(Application).where(Application.opportunity_id == opp))
    assert rows == total == APPLICANTS


def test_one_person_submitting_many_times_at_once_gets_one_application_and_conflicts(fresh_db_url: str) -> None:
    _hiring, opp, [person] = setup(fresh_db_url, 1)
    me = Actor(user_id=7, role="employee", employee_id=person)
    results = race(fresh_db_url, [lambda s: service.apply(s, actor=me, opportunity_id=opp, data=ApplyIn())] * 8)
    outcomes = Counter("ok" if not isinstance(r, Exception) else "conflict" if isinstance(r, Conflict)
                       else repr(r) for r in results)
    assert outcomes == {"ok": 1, "conflict": 7}
    assert scalar(fresh_db_url, select(func.count()).select_from(Application)
                  .where(Application.opportunity_id == opp, Application.employee_id == person)) == 1


def test_two_managers_deciding_the_same_application_at_once_one_wins_the_other_gets_a_conflict(
    fresh_db_url: str,
) -> None:
    hiring, opp, [person] = setup(fresh_db_url, 1)
    engine = make_engine(fresh_db_url)
    with session_scope(make_session_factory(engine)) as session:
        app = service.apply(session, actor=Actor(user_id=1, role="employee", employee_id=person),
                            opportunity_id=opp, data=ApplyIn())
    engine.dispose()
    manager = Actor(user_id=2, role="manager", employee_id=hiring)
    hr = Actor(user_id=3, role="hr_admin", employee_id=None)
    decisions = [(manager, "shortlisted", "strong skills match"), (hr, "rejected", "role filled elsewhere")]
    jobs = [lambda s, a=a, to=to, why=why: service.move(s, actor=a, application_id=app.id,
                                                       data=MoveIn(to=to, reason=why, version=app.version))
            for a, to, why in decisions]
    results = race(fresh_db_url, jobs)
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Conflict), losers
    final = scalar(fresh_db_url, select(Application).where(Application.id == app.id))
    assert (final.status, final.version) == (winners[0].status, app.version + 1)
    moves = scalar(fresh_db_url, select(func.count()).select_from(AuditEvent)
                   .where(AuditEvent.action == "application.move", AuditEvent.entity_id == str(app.id)))
    assert moves == 1
    # the loser retries with the version it saw: still a conflict, never a lost update
    engine = make_engine(fresh_db_url)
    loser = decisions[results.index(losers[0])]
    with Session(engine) as session:
        try:
            service.move(session, actor=loser[0], application_id=app.id,
                         data=MoveIn(to=loser[1], reason=loser[2], version=app.version))
            raise AssertionError("a stale decision was accepted")
        except Conflict:
            pass
    engine.dispose()
