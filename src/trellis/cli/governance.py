"""`trellis governance ...`: company AI settings (audited) and the model/settings card."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from trellis.cli.common import DbOption, console, unit_of_work
from trellis.governance import service

app = typer.Typer(help="AI governance: the company switch for recommendations and the model card.",
                  no_args_is_help=True)


@app.command("settings")
def settings(db: DbOption = None) -> None:
    """Show the company settings, their defaults and who changed them last."""
    with unit_of_work(db) as session:
        rows = service.list_settings(session)
    table = Table("key", "value", "default", "changed by", "changed at", "what it does")
    for r in rows:
        table.add_row(r.key, str(r.value), str(r.default), escape(r.updated_by or "-"),
                      r.updated_at.isoformat(timespec="seconds") if r.updated_at else "-", r.description)
    console.print(table)


@app.command("set")
def set_(key: Annotated[str, typer.Argument(help="e.g. ai.recommendations_enabled")],
         value: Annotated[str, typer.Argument(help="on/off for switches")],
         reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")],
         actor: Annotated[str, typer.Option("--actor", help="Who is making the change.")] = "cli",
         db: DbOption = None) -> None:
    """Change a company setting; the old and new value and the reason are audited."""
    with unit_of_work(db) as session:
        row = service.set_setting(session, key=key, value=service.parse_value(key, value), actor=actor, reason=reason)
    console.print(f"{row.key} = {row.value}")
