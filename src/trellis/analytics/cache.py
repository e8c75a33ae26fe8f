"""A results cache for the dashboards: an analytics call answers from memory when it was
computed recently *and* the data it reads has not visibly changed since.

Key: (database, call, arguments). Data version: for every table the call reads, its row count,
highest id and latest ``updated_at`` (where the table has one), read once per session — so a
page's calls share one check, and a session that writes sees its own writes (the memo is
dropped on flush). The version is read *before* computing, so a change that lands during the
computation makes the entry stale, never wrongly fresh.

Staleness is bounded: inserts, deletes and edits of timestamped rows show on the next request;
edits in place to tables without ``updated_at`` (job history, role and opportunity skill levels,
demographics, recommendation events) show once the entry is ``max_age`` seconds old
(``analytics_cache_seconds``, default 300). The cache is off unless the caller opts in for its
session (the web pages and the analytics API do; the CLI and the services' own callers don't),
holds at most ``MAX_ENTRIES`` results per process, and each web worker has its own."""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.analytics import frames
from trellis.db import Base

F = TypeVar("F", bound=Callable[..., Any])
MAX_AGE = "trellis.analytics.max_age"
MAX_ENTRIES = 256


@dataclass(frozen=True)
class Entry:
    result: Any
    version: tuple[Any, ...]
    at: float


_ENTRIES: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
_LOCK = threading.Lock()


def enable(session: Session, max_age: float) -> None:
    """Let analytics calls made with this session use cached results up to ``max_age`` seconds
    old (0: never)."""
    session.info[MAX_AGE] = max_age


def clear() -> None:
    """Forget every cached result (tests; after restoring a backup)."""
    with _LOCK:
        _ENTRIES.clear()


def table_version(session: Session, name: str) -> tuple[Any, ...]:
    """Row count, highest id and latest update time of one table, once per session."""

    def read() -> tuple[Any, ...]:
        table = Base.metadata.tables[name]
        parts = [select(func.count()).select_from(table), select(func.max(table.c.id))]
        if "updated_at" in table.c:
            parts.append(select(func.max(table.c.updated_at)))
        # one scalar subquery each: the database answers each from an index (a count, two ends)
        return tuple(str(v) for v in session.execute(select(*(q.scalar_subquery() for q in parts))).one())

    return frames.memo(session, ("table_version", name), read)


def data_version(session: Session, tables: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(table_version(session, t) for t in tables)


def cacheable(*tables: str) -> Callable[[F], F]:
    """Decorate an analytics call ``fn(session, **arguments)`` that reads only ``tables``."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def call(session: Session, /, **kwargs: Any) -> Any:
            max_age = float(session.info.get(MAX_AGE, 0))
            if max_age <= 0:
                return fn(session, **kwargs)
            key = (session.get_bind().engine.url.render_as_string(hide_password=True), fn.__qualname__,
                   tuple(sorted(kwargs.items())))
            version = data_version(session, tables)
            now = time.monotonic()
            with _LOCK:
                entry = _ENTRIES.get(key)
                if entry is not None and entry.version == version and now - entry.at < max_age:
                    _ENTRIES.move_to_end(key)
                    return entry.result
            result = fn(session, **kwargs)
            with _LOCK:
                _ENTRIES[key] = Entry(result, version, now)
                _ENTRIES.move_to_end(key)
                while len(_ENTRIES) > MAX_ENTRIES:
                    _ENTRIES.popitem(last=False)
            return result

        return cast(F, call)

    return decorate
