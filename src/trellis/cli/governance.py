"""`trellis governance ...`: company AI settings (audited) and the model/settings card."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from trellis.cli.common import DbOption, console, settings_for, unit_of_work
from trellis.errors import Invalid

app = typer.Typer(help="AI governance: the company switch for recommendations and the model card.",
                  no_args_is_help=True)


@app.command("settings")
def settings(db: DbOption = None) -> None:
    """Show the company settings, their defaults and who changed them last."""
    from trellis.governance import service

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
    from trellis.governance import service

    with unit_of_work(db) as session:
        row = service.set_setting(session, key=key, value=service.parse_value(key, value), actor=actor, reason=reason)
    console.print(f"{row.key} = {row.value}")


@app.command("card")
def card(fmt: Annotated[str, typer.Option("--format", help="md or json.")] = "md",
         out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
         benchmarks: Annotated[Path, typer.Option("--benchmarks", help="Where the evaluation figures are.")]
         = Path("BENCHMARKS.md"),
         db: DbOption = None) -> None:
    """The model/settings card: engine and version, encoder, weights, rules, data used and not used,
    retention, oversight, known limits and the evaluation figures."""
    from trellis.governance.card import build_card, render_markdown

    if fmt not in ("md", "json"):
        raise Invalid(f'--format "{fmt}": md or json')
    with unit_of_work(db) as session:
        built = build_card(session, settings=settings_for(db), benchmarks=benchmarks)
    text = render_markdown(built) if fmt == "md" else built.model_dump_json(indent=2)
    if out is None:
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"written: {out}")
