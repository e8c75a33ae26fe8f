"""`trellis import` and `trellis export`: HRIS files in and out (formats in docs/data-formats.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from trellis.cli.common import DbOption, analyse_after_bulk_write, console, err_console, settings_for, unit_of_work

if TYPE_CHECKING:
    from trellis.imports.context import ProgressCallback

# imports.schemas.KINDS, written out so that `--help` need not load the row models (a test checks)
KINDS = ("locations", "org-units", "skills", "roles", "role-skills", "employees", "employee-skills", "history",
         "opportunities", "learning")
KIND_HELP = "One of: " + ", ".join(KINDS) + "."
LARGE_FILE_BYTES = 1_000_000
BULK_ROWS = 1_000  # an import writing at least this many rows refreshes the planner statistics


@contextmanager
def progress_bars(enabled: bool) -> Iterator[ProgressCallback]:
    """A progress bar per stage (validating, writing ...), shown for large files only."""
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True, disable=not enabled) as progress:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def import_(
    kind: str = typer.Argument(..., help=KIND_HELP, metavar="KIND"),
    file: Path = typer.Argument(..., help="A .csv or .json file.", metavar="FILE"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate every row and report; write nothing."),
    ignore_extra_columns: bool = typer.Option(False, "--ignore-extra-columns",
                                              help="Warn about unknown columns instead of refusing the file."),
    db: DbOption = None,
) -> None:
    """Import KIND rows from FILE: all rows validated, then written whole or not at all."""
    from trellis.imports.service import import_file

    large = file.is_file() and file.stat().st_size >= LARGE_FILE_BYTES
    with progress_bars(large) as on_progress, unit_of_work(db) as session:
        result = import_file(session, kind=kind, path=file, settings=settings_for(db), dry_run=dry_run,
                             allow_extra_columns=ignore_extra_columns, on_progress=on_progress)
    if not dry_run and result.created + result.updated + result.deleted >= BULK_ROWS:
        analyse_after_bulk_write(db)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    verb = "would import" if dry_run else "imported"
    console.print(f"[green]{escape(result.file)}[/green]: {verb} {result.rows} {kind} rows: {result.created} new, "
                  f"{result.updated} updated, {result.unchanged} unchanged"
                  + (f", {result.deleted} removed" if result.deleted else "")
                  + (" (dry run, nothing written)" if dry_run else ""), highlight=False)


def export(
    kind: str = typer.Argument(..., help=KIND_HELP, metavar="KIND"),
    file: Path = typer.Argument(..., help="Where to write (.csv or .json).", metavar="FILE"),
    format: str | None = typer.Option(None, "--format", help="csv or json (default: from FILE's extension)."),
    db: DbOption = None,
) -> None:
    """Export every KIND row to FILE in the import format (re-importable as is)."""
    from trellis.imports.service import export_file

    with unit_of_work(db) as session:
        result = export_file(session, kind=kind, path=file, fmt=format)
    console.print(f"[green]{escape(result.file)}[/green]: exported {result.rows} {kind} rows as {result.format}",
                  highlight=False)
