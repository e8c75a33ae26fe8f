"""How the web tier writes without "database is locked" on SQLite.

SQLite has one write lock. A transaction that read first cannot take it once another writer has
committed (its snapshot is stale: SQLite refuses at once, no waiting helps), so:

- Units of work that write (unsafe methods, GET routes marked ``@writes``) use the writer
  sessions (``db.for_writing``: BEGIN IMMEDIATE, the lock is taken at the first statement).
- Other GETs use reader sessions. The log rows a reader adds — audit events of reads (whose
  application, demographics) and recommendation events (what was shown) — are held back at
  flush and written after the route in their own short write (``write_apart``). Anything else a
  reader writes raises ``ReaderWroteWarning`` (an error in the tests): mark the route ``@writes``.
- An unsafe-method route marked ``@reads`` (signing in) is a reader too: its slow part (argon2)
  runs without the write lock, and its writes go apart, in one short ``write_apart``.
- Within one process, writers queue on the *write gate* before their first statement, in the
  event loop or a thread of their own, never in the shared thread pool: a writer holding the lock
  still needs a pool thread for its next step, and pool threads all waiting for that same lock
  would stall everyone until the busy timeout (503). Other processes queue on BEGIN IMMEDIATE.

On PostgreSQL there is no gate, and readers and writers are the same kind of session.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import State

from trellis.db import for_writing, make_session_factory
from trellis.errors import Unavailable
from trellis.models import AuditEvent, RecommendationEvent

WRITES = "trellis_writes"
READS = "trellis_reads"
READ_LOGS = "trellis_read_logs"
LOG_ROWS = (AuditEvent, RecommendationEvent)  # append-only: nothing reads them back in the request
GATE_WAIT_SECONDS = 30
BUSY = "the database is busy with other changes; please try again in a few seconds"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
Result = TypeVar("Result")


class ReaderWroteWarning(RuntimeWarning):
    """A GET wrote in its reader unit of work: mark the route ``@writes`` (or write apart)."""


def writes(endpoint: Endpoint) -> Endpoint:
    """Mark a GET route whose unit of work writes (signing in through SSO): it runs as a writer,
    like a POST. Put it under the ``@router.get(...)`` line."""
    setattr(endpoint, WRITES, True)
    return endpoint


def reads(endpoint: Endpoint) -> Endpoint:
    """Mark a POST route whose unit of work only reads (signing in: the password check must not
    hold the write lock): it runs as a reader and does its writes with ``write_apart``. Put it
    under the ``@router.post(...)`` line."""
    setattr(endpoint, READS, True)
    return endpoint


def marked_writes(endpoint: object) -> bool:
    return bool(getattr(endpoint, WRITES, False))


def marked_reads(endpoint: object) -> bool:
    return bool(getattr(endpoint, READS, False))


def _hold_read_logs(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush of a reader session: keep the log rows back for ``write_apart``."""
    held = [row for row in session.new if isinstance(row, LOG_ROWS)]
    for row in held:
        session.expunge(row)
    session.info.setdefault(READ_LOGS, []).extend(held)
    if session.new or session.deleted or any(session.is_modified(row) for row in session.dirty):
        warnings.warn(f"a reader unit of work writes ({session.info.get('path', '?')}); mark its route "
                      "@writes (trellis.web.writes) so that it runs as a writer", ReaderWroteWarning, stacklevel=2)


def held_logs(session: Session) -> list[Any]:
    """The log rows a reader session held back (and forgets them)."""
    rows: list[Any] = session.info.pop(READ_LOGS, [])
    return rows


def set_up(state: State, engine: Engine) -> None:
    """Reader and writer session factories on ``state`` and, for SQLite, the write gate."""
    state.session_factory = make_session_factory(engine)
    event.listen(state.session_factory, "before_flush", _hold_read_logs)
    state.writer_factory = make_session_factory(for_writing(engine))
    state.write_gate = threading.Lock() if engine.dialect.name == "sqlite" else None


async def in_own_thread(fn: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Result:
    """Run blocking ``fn`` in a worker thread that does not wait for a place in the shared pool."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=CapacityLimiter(1))


@asynccontextmanager
async def gate(state: State) -> AsyncIterator[None]:
    """This process's writers one at a time (SQLite); a no-op on PostgreSQL."""
    lock: threading.Lock | None = state.write_gate
    if lock is None:
        yield
        return
    if not await in_own_thread(lock.acquire, True, GATE_WAIT_SECONDS):  # runs to the end even if cancelled
        raise Unavailable(BUSY)
    try:
        yield
    finally:
        lock.release()


async def write_apart(state: State, fn: Callable[..., Any], /, **kwargs: Any) -> Any:
    """A short unit of work of its own: ``fn(writer_factory, **kwargs)`` opens, writes and
    commits its session; it runs behind the write gate, in a worker thread. Returns what ``fn``
    returns."""
    async with gate(state):
        return await in_own_thread(fn, state.writer_factory, **kwargs)


def add_rows(factory: sessionmaker[Session], *, rows: list[Any]) -> None:
    with factory() as session:
        session.add_all(rows)
        session.commit()
