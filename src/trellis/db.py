"""Engine and session handling. The only module that turns a URL into a connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and pick the psycopg 3 driver for it."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; take it over (SQLAlchemy recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(WRITE_INTENT, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITE_INTENT = "trellis_write_intent"


def for_writing(engine: Engine) -> Engine:
    """The engine for a unit of work that is going to write (a POST, a decision). On SQLite its
    transactions start with BEGIN IMMEDIATE: writers queue for the one write lock (up to the busy
    timeout) instead of reading a snapshot that another writer then makes stale, which SQLite
    can only refuse ("database is locked"). Readers are not affected; PostgreSQL is unchanged."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{WRITE_INTENT: True})


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``: SQLite gets WAL and foreign keys, PostgreSQL a checked pool."""
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load: ANALYZE on PostgreSQL, so the planner knows the new row counts at once
    instead of whenever autovacuum gets to them (never, where it is off). Without it a freshly
    built 100,000-person demo planned the skills heatmap as nested loops that ran for minutes.
    SQLite plans without statistics: nothing to do there."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commits when the block ends, rolls everything back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# What SQLite says of a statement too big for it (a huge search text, too many values): that
# is bad input, although the driver raises it as an OperationalError like a lost connection.
TOO_BIG = ("pattern too complex", "string or blob too big", "too many sql variables", "expression tree is too large",
           "parser stack overflow", "too many terms")


def is_too_big(err: BaseException) -> bool:
    """True when the database refused a statement because an input was too big for it."""
    from sqlalchemy import exc

    return isinstance(err, exc.OperationalError) and any(m in str(err.orig).lower() for m in TOO_BIG)


def is_connection_error(err: BaseException) -> bool:
    """True when ``err`` means the database cannot be reached (down, restarting, connection
    dropped, pool exhausted) rather than a bug or bad data: callers answer "try again later"."""
    from sqlalchemy import exc

    if isinstance(err, exc.DBAPIError) and err.connection_invalidated:
        return True
    if is_too_big(err):
        return False
    return isinstance(err, exc.OperationalError | exc.InterfaceError | exc.DisconnectionError | exc.TimeoutError)
