"""Caching for the dashboards, at three levels:

1. ``memo``: a bulk load or intermediate (``analytics.frames``, the skills cube) is computed once
   per session — one request — and dropped whenever the session writes (flush, a non-SELECT
   through ``session.execute()``, commit, rollback), so callers see their own writes.
2. ``shared``: when the session opted in (``enable``), a bulk load is also reused by later
   sessions of the process while the tables *it* reads keep their data version: after new
   recommendation events only the events are read again, not the 10⁶ person-skills.
3. ``cacheable``: when the session opted in, an analytics call answers from memory — key
   (database, call, arguments) — while the tables the call reads keep their data version.

Data version of a table: row count, highest id and latest ``updated_at`` (where it has one),
read once per session — a page's calls share one check — and *before* computing, so a change
landing during the computation makes the entry stale, never wrongly fresh. Staleness is bounded:
inserts, deletes and edits of timestamped rows show on the next request; edits in place to
tables without ``updated_at`` (job history, role and opportunity skill levels, demographics,
recommendation events) show once the entry is ``max_age`` seconds old (``analytics_cache_seconds``,
default 300). Only sessions that opt in share anything (the web pages and the analytics API do;
the CLI and direct callers of the services don't). A process holds at most ``MAX_ENTRIES`` results
and ``MAX_SHARED`` loads; each web worker has its own.

One computation at a time per key: a caller that finds another thread computing the same result
or load waits for it and takes it (if its data version matches) instead of computing it again —
so a page opened while the background warm-up (``analytics.warm``) is at work waits for that
work, not for a second copy of it. Results are computed under a per-key lock; loads never take a
result's lock, and results only nest results they call, so the locks cannot deadlock."""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from trellis.db import Base

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
MEMO = "trellis.analytics.memo"
MAX_AGE = "trellis.analytics.max_age"
REFRESH_AGE = "trellis.analytics.refresh_age"
MAX_ENTRIES = 256
MAX_SHARED = 24


@dataclass(frozen=True)
class Entry:
    result: Any
    version: tuple[Any, ...]
    at: float


_ENTRIES: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
_SHARED: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
_LOCK = threading.Lock()
_FLIGHTS: dict[tuple[Any, ...], list[Any]] = {}  # key: [lock, number of threads using it]
_VIEWED = [float("-inf")]  # monotonic time of the last dashboard request (any opted-in session)


def memo(session: Session, key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """``build()`` once per session and key, until the session next writes or ends (flush, a
    non-SELECT through ``session.execute()``, commit, rollback)."""
    store: dict[tuple[Any, ...], Any] = session.info.setdefault(MEMO, {})
    if key not in store:
        store[key] = build()
    return store[key]  # type: ignore[no-any-return]


def forget(session: Session, *_args: Any) -> None:
    session.info.pop(MEMO, None)


def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:  # an INSERT, UPDATE, DELETE or text statement run by session.execute()
        forget(state.session)


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, forget)
event.listen(Session, "do_orm_execute", _forget_on_write)


def enable(session: Session, max_age: float) -> None:
    """Let analytics calls made with this session use cached results up to ``max_age`` seconds
    old (0: never). Counts as a dashboard view (``seconds_since_viewed``)."""
    session.info.pop(REFRESH_AGE, None)
    _allow(session, max_age)
    _VIEWED[0] = time.monotonic()


def enable_background(session: Session, max_age: float, refresh_age: float | None = None) -> None:
    """As ``enable``, for background work (``analytics.warm``): does not count as a dashboard
    view; with ``refresh_age``, results and loads older than that are computed again (and replace
    the cached ones), so that requests keep finding them younger than ``max_age``."""
    _allow(session, max_age)
    session.info[REFRESH_AGE] = refresh_age if refresh_age is not None else max_age


def _allow(session: Session, max_age: float) -> None:
    session.info[MAX_AGE] = max_age
    forget(session)  # loads made before are this session's own; from now on they may be shared


def seconds_since_viewed() -> float:
    """Seconds since a request last opted in to the dashboards' cache in this process."""
    return time.monotonic() - _VIEWED[0]


def _reuse_age(session: Session) -> float:
    max_age = float(session.info.get(MAX_AGE, 0))
    return min(max_age, float(session.info.get(REFRESH_AGE) or max_age))


@contextmanager
def _one_at_a_time(key: tuple[Any, ...]) -> Iterator[None]:
    with _LOCK:
        slot = _FLIGHTS.setdefault(key, [threading.Lock(), 0])
        slot[1] += 1
    try:
        with slot[0]:
            yield
    finally:
        with _LOCK:
            slot[1] -= 1
            if slot[1] == 0:
                del _FLIGHTS[key]


def clear() -> None:
    """Forget every cached result and shared load (tests; after restoring a backup)."""
    with _LOCK:
        _ENTRIES.clear()
        _SHARED.clear()


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _fresh(store: OrderedDict[tuple[Any, ...], Entry], key: tuple[Any, ...], version: tuple[Any, ...],
           max_age: float) -> Entry | None:
    with _LOCK:
        entry = store.get(key)
        if entry is not None and entry.version == version and time.monotonic() - entry.at < max_age:
            store.move_to_end(key)
            return entry
    return None


def _keep(store: OrderedDict[tuple[Any, ...], Entry], key: tuple[Any, ...], entry: Entry, limit: int) -> None:
    with _LOCK:
        store[key] = entry
        store.move_to_end(key)
        while len(store) > limit:
            store.popitem(last=False)


def shared(session: Session, key: tuple[Any, ...], tables: tuple[str, ...], build: Callable[[], T]) -> T:
    """A bulk load (``analytics.frames``) kept for the session, and — when the session opted in —
    across sessions of this process while ``tables`` keep their data version (and for at most
    ``max_age`` seconds): after new events only the events are read again, not the skills.
    Shared arrays are made read-only."""

    def load() -> T:
        max_age = _reuse_age(session)
        if max_age <= 0:
            return build()
        full_key, version = (_database(session), *key), data_version(session, tables)
        return _compute_once(_SHARED, full_key, version, max_age, MAX_SHARED, build, freeze=True)

    return memo(session, key, load)


def _compute_once(store: OrderedDict[tuple[Any, ...], Entry], key: tuple[Any, ...], version: tuple[Any, ...],
                  max_age: float, limit: int, build: Callable[[], T], *, freeze: bool = False) -> T:
    """The cached value for ``key`` at ``version``, or ``build()`` — by one thread at a time: a
    thread arriving while another builds the same key waits, then takes that value if fresh."""
    entry = _fresh(store, key, version, max_age)
    if entry is None:
        with _one_at_a_time(key):
            entry = _fresh(store, key, version, max_age)
            if entry is None:
                now = time.monotonic()  # before building: a change landing meanwhile ages it sooner
                value = build()
                if freeze:
                    _freeze(value)
                entry = Entry(value, version, now)
                _keep(store, key, entry, limit)
    return entry.result  # type: ignore[no-any-return]


def _freeze(value: Any) -> None:
    items = ((value,) if isinstance(value, np.ndarray) else value if isinstance(value, tuple | list)
             else getattr(value, "__dict__", {}).values())
    for item in items:
        if isinstance(item, np.ndarray):
            item.flags.writeable = False


def table_version(session: Session, name: str) -> tuple[Any, ...]:
    """Row count, highest id and latest update time of one table, once per session."""

    def read() -> tuple[Any, ...]:
        table = Base.metadata.tables[name]
        parts = [select(func.count()).select_from(table), select(func.max(table.c.id))]
        if "updated_at" in table.c:
            parts.append(select(func.max(table.c.updated_at)))
        # one scalar subquery each: the database answers each from an index (a count, two ends)
        return tuple(str(v) for v in session.execute(select(*(q.scalar_subquery() for q in parts))).one())

    return memo(session, ("table_version", name), read)


def data_version(session: Session, tables: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(table_version(session, t) for t in tables)


def cacheable(*tables: str) -> Callable[[F], F]:
    """Decorate an analytics call ``fn(session, **arguments)`` that reads only ``tables``."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def call(session: Session, /, **kwargs: Any) -> Any:
            max_age = _reuse_age(session)
            if max_age <= 0:
                return fn(session, **kwargs)
            key = (_database(session), f"{fn.__module__}.{fn.__qualname__}", tuple(sorted(kwargs.items())))
            version = data_version(session, tables)
            return _compute_once(_ENTRIES, key, version, max_age, MAX_ENTRIES, lambda: fn(session, **kwargs))

        return cast(F, call)

    return decorate
