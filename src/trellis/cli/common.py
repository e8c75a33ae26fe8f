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


def link_json_lines(db: str | None, *, batch: int, field: str, build, run) -> None:  # type: ignore[no-untyped-def]
    """The JSON Lines contract of `skills link`, `skills suggest-for-posting` and `roles
    link-titles`: every stdin line is checked first (a bad one exits 1 naming the line, before
    any output), then ``run(linker, queries)`` answers each batch of query records as
    ``{"id", field: [...]}``."""
    import json
    import sys

    from trellis.skills import service

    queries = service.read_queries(sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin)
    with unit_of_work(db) as session:
        linker = build(session, settings_for(db))
    for chunk in service.batches(queries, batch):
        for query, items in zip(chunk, run(linker, chunk), strict=True):
            sys.stdout.write(json.dumps({"id": query.id, field: items}) + "\n")
        sys.stdout.flush()


def encoding_progress(what: str):  # type: ignore[no-untyped-def]
    """A ``(done, total)`` callback that shows a Rich progress bar on stderr while vectors are
    computed (only the first time a label set is seen; later runs read them from disk)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars: list[Progress] = []

    def report(done: int, total: int) -> None:
        if not bars:
            bars.append(Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=err_console, transient=False))
            bars[0].start()
            bars[0].add_task(what, total=total)
        bar = bars[0]
        bar.update(bar.task_ids[0], completed=done)
        if done >= total:
            bar.stop()

    return report
