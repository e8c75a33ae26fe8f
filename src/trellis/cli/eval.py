"""`trellis eval ...`: the development sets in ../shared/data/eval, scored by the project's metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, settings_for, unit_of_work

app = typer.Typer(help="Evaluate on the development sets.", no_args_is_help=True)


@app.command("related-roles")
def related_roles(
    data: Annotated[
        Path | None, typer.Option("--data", help="Related Occupations TSV (default: the dev split).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Ranking depth scored (as `roles related --top`).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    semantic: Annotated[bool, typer.Option("--semantic", help="As `roles related --semantic`.")] = False,
    db: DbOption = None,
) -> None:
    """Recall@10, MAP and nDCG@10 of `roles related --taxonomy onet` and of the baseline."""
    from trellis.similarity.evaluate import default_data_path, evaluate_related_roles
    from trellis.similarity.service import semantic_embedder

    embed = semantic_embedder(settings_for(db).data_dir / "cache") if semantic else None
    with unit_of_work(db) as session:
        result = evaluate_related_roles(session, data=data or default_data_path(), top=top, embed=embed)
    if as_json:
        console.print_json(json.dumps(result.model_dump()))
        return
    table = Table(
        "ranking", "queries", "covered", "Recall@10", "MAP", "nDCG@10", title=f"Related roles ({result.data})"
    )
    for name, m in (("trellis", result.ours), ("baseline: Skills+Knowledge cosine", result.baseline)):
        table.add_row(
            name, str(m.queries), str(m.covered), f"{m.recall_at_10:.4f}", f"{m.map:.4f}", f"{m.ndcg_at_10:.4f}"
        )
    console.print(table)
