"""`trellis eval skill-linking|title-normalization`: the linking figures on the development sets.
(Registered on the `eval` group; the lead may fold it with the other eval commands.)"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, settings_for, unit_of_work

if TYPE_CHECKING:
    from trellis.skills import evaluation

DataOption = typer.Option(None, "--data", help="The eval folder (default: ../shared/data/eval).")
TopOption = typer.Option(10, "--top", min=1, help="Ranking depth scored (10, as the contract check's --top 10).")


def _print(reports: list[evaluation.RankingReport]) -> None:
    names = list(reports[0].metrics)
    table = Table("set", "queries", *names, "seconds")
    for r in reports:
        table.add_row(r.name, str(r.queries), *(f"{r.metrics[n]:.4f}" for n in names), f"{r.seconds:.1f}")
    console.print(table)
    for r in reports:
        console.print(f"{r.name} " + " ".join(f"{n}={v:.4f}" for n, v in r.metrics.items()), highlight=False)


def skill_linking(data: Path | None = DataOption, top: int = TopOption, db: DbOption = None) -> None:
    """MRR and RP@1/5/10 per sentence on the TECH and HOUSE skill-linking dev sets."""
    from trellis.skills import evaluation, service

    settings = settings_for(db)
    with unit_of_work(db) as session:
        linker = service.get_skill_linker(session, data_dir=settings.data_dir)
    _print(evaluation.evaluate_skill_linking(linker, data_dir=data or evaluation.default_data_dir(), k=top))


def title_normalization(data: Path | None = DataOption, top: int = TopOption, db: DbOption = None) -> None:
    """MRR and R@1/5/10 on the vacancy-title dev set (ESCO occupations)."""
    from trellis.skills import evaluation, titles

    settings = settings_for(db)
    with unit_of_work(db) as session:
        linker = titles.get_title_linker(session, data_dir=settings.data_dir)
    _print([evaluation.evaluate_title_normalization(linker, data_dir=data or evaluation.default_data_dir(), k=top)])
