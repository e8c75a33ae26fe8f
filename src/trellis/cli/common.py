"""What every command shares: the `--db` option, a unit of work, console output and errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from trellis.config import Settings, get_settings
from trellis.db import make_engine, make_session_factory, refresh_statistics, session_scope

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: TRELLIS_DATABASE_URL or the SQLite file)."),
]


def settings_for(db: str | None) -> Settings:
    settings = get_settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    return settings


@contextmanager
def unit_of_work(db: str | None) -> Iterator[Session]:
    """A session that commits when the command's work is done, and rolls back on any error."""
    settings = settings_for(db)
    engine = make_engine(settings.database_url, echo=settings.echo_sql)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def analyse_after_bulk_write(db: str | None) -> None:
    """Refresh the database's planner statistics after a bulk write (PostgreSQL; see db.py)."""
    settings = settings_for(db)
    engine = make_engine(settings.database_url)
    try:
        refresh_statistics(engine)
    finally:
        engine.dispose()
