"""`trellis roles ...`: role similarity across O*NET, ESCO and the company's own roles."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from trellis.cli.common import DbOption, settings_for, unit_of_work

app = typer.Typer(help="Roles: related roles by content.", no_args_is_help=True)


@app.command("related")
def related(
    top: Annotated[int, typer.Option("--top", help="Related roles per role.")] = 10,
    taxonomy: Annotated[str, typer.Option("--taxonomy", help="onet, esco or company.")] = "onet",
    baseline: Annotated[bool, typer.Option("--baseline", help="Skills+Knowledge cosine only (O*NET).")] = False,
    semantic: Annotated[bool, typer.Option("--semantic", help="Add MiniLM title+description similarity.")] = False,
    db: DbOption = None,
) -> None:
    """Write one JSON line per role: {"id", "related": [{"id", "score"}, ...]}, best first."""
    from trellis.similarity import service

    embed = service.semantic_embedder(settings_for(db).data_dir / "cache") if semantic else None
    with unit_of_work(db) as session:
        ranking = service.related_roles(session, kind=taxonomy, top=top, baseline=baseline, embed=embed)
    out = sys.stdout
    for item in ranking:
        out.write(item.model_dump_json(include={"id", "related"}) + "\n")
