"""`trellis succession ...`: successors and bench strength for critical roles."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, unit_of_work

app = typer.Typer(help="Succession planning for critical roles.", no_args_is_help=True)


@app.command("list")
def list_(role: Annotated[str | None, typer.Argument(help="One role (default: every critical role).")] = None,
          limit: Annotated[int, typer.Option("--limit", help="Successors per role.")] = 10,
          db: DbOption = None, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Ranked internal successors with readiness bands, and bench strength per role."""
    from trellis.succession import service

    with unit_of_work(db) as session:
        out = service.list_successors(session, role=role, limit=limit)
    if json:
        console.print_json(data=[o.model_dump(mode="json") for o in out])
        return
    if not out:
        console.print("No critical roles. Mark roles critical in the job architecture (roles import).")
    for r in out:
        bench = ", ".join(f"{band}: {n}" for band, n in r.bench.items())
        table = Table(title=f"{r.title} (L{r.level}, {r.incumbents} incumbents) — bench {r.strength} ({bench})")
        for col in ("successor", "current role", "match", "band", "largest gaps"):
            table.add_column(col)
        for s in r.successors:
            table.add_row(f"{s.name} ({s.employee})", s.current_role or "—", f"{s.score:.0f}", s.band,
                          ", ".join(s.top_gaps) or "—")
        console.print(table)
