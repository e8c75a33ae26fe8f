"""`trellis demo`: build the demo organisation (it does not serve; `trellis serve` does)."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trellis.cli.common import DbOption, analyse_after_bulk_write, console, unit_of_work


def demo(
    employees: int = typer.Option(2000, "--employees", "-n", help="How many employees (terminated ones included)."),
    seed: int = typer.Option(7, help="Random seed: the same seed and size give the same organisation."),
    replace: bool = typer.Option(False, "--replace", help="Wipe an existing organisation first (keeps taxonomies)."),
    as_of: datetime | None = typer.Option(None, "--as-of", formats=["%Y-%m-%d"],
                                          help="The demo's 'today' (default: today); dates are placed around it."),
    db: DbOption = None,
) -> None:
    """Build a deterministic demo organisation (people, skills, histories, openings, learning)."""
    from trellis.demo.service import build_demo

    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar, unit_of_work(db) as session:
        task = bar.add_task("starting", total=employees)

        def report(stage: str, done: int, total: int) -> None:
            if total:
                bar.update(task, description=stage, completed=done)
            else:
                bar.update(task, description=stage)

        summary = build_demo(session, employees=employees, seed=seed, replace=replace,
                             as_of=as_of.date() if as_of else None, progress=report)
        bar.update(task, description="committing")
    analyse_after_bulk_write(db)
    table = Table(title="Demo organisation built",
                  caption=f"seed {seed}, as of {summary.as_of}, {summary.seconds:.1f} s")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in summary.rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
