"""What every command shares: the `--db` option, a unit of work, console output and errors.

The command modules import only typer, rich and this module at start-up; services, the
database and the settings load inside the command that needs them, so `trellis --help` and
light commands start fast (tests/cli/test_startup.py keeps it so)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trellis.config import Settings

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: TRELLIS_DATABASE_URL or the SQLite file)."),
]


def settings_for(db: str | None) -> Settings:
    from trellis.config import get_settings

    settings = get_settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    return settings


@contextmanager
def unit_of_work(db: str | None) -> Iterator[Session]:
    """A session that commits when the command's work is done, and rolls back on any error."""
    from trellis.db import make_engine, make_session_factory, session_scope

    settings = settings_for(db)
    engine = make_engine(settings.database_url, echo=settings.echo_sql)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def analyse_after_bulk_write(db: str | None) -> None:
    """Refresh the database's planner statistics after a bulk write (PostgreSQL; see db.py)."""
    from trellis.db import make_engine, refresh_statistics

    settings = settings_for(db)
    engine = make_engine(settings.database_url)
    try:
        refresh_statistics(engine)
    finally:
        engine.dispose()
