"""Writers that read first (check, then insert or update) at the same moment: through
``for_writing`` they queue for the write lock and all succeed, on SQLite as on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from builders import make_employee
from trellis.db import for_writing, is_sqlite, make_engine, make_session_factory, session_scope
from trellis.models import AuditEvent, Employee

WRITERS = 8


def test_concurrent_read_then_write_units_of_work_all_succeed(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    factory = make_session_factory(for_writing(engine))
    barrier = threading.Barrier(WRITERS)
    errors: list[Exception] = []

    def work(n: int) -> None:
        barrier.wait(timeout=30)  # everyone starts at once
        try:
            with session_scope(factory) as session:
                session.scalar(select(func.count()).select_from(Employee))  # read first, then write
                make_employee(session)
                session.add(AuditEvent(actor=f"t{n}", action="test.write"))
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with make_session_factory(engine)() as session:
        written = session.scalar(select(func.count()).select_from(Employee))
    engine.dispose()
    assert errors == [] and written == WRITERS


def test_the_write_intent_engine_is_the_same_engine_on_postgresql(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    assert (for_writing(engine) is engine) == (not is_sqlite(fresh_db_url))
    engine.dispose()
