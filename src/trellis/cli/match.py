"""`trellis match ...`: recommendations, candidates, explanations, batch and the quality check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, settings_for, unit_of_work

if TYPE_CHECKING:
    from trellis.matching.schemas import MatchList

app = typer.Typer(help="Matching: recommendations, candidates, explanations, batch, evaluation.",
                  no_args_is_help=True)


def _table(out: MatchList, people: bool) -> Table:
    table = Table(title=f"{'Candidates for' if people else 'Recommendations for'} {out.subject}")
    for col in ("#", "employee" if people else "opportunity", "score", "why", "to raise the score"):
        table.add_column(col, overflow="fold")
    for n, r in enumerate(out.results, 1):
        who = (f"{r.employee} {r.employee_name}" if people
               else f"{r.opportunity} {r.opportunity_title} ({r.opportunity_type})")
        gaps = [s.text for s in r.skills if s.score_if_added is not None][:2]
        table.add_row(str(n), who, f"{r.score:.1f}", "\n".join(r.reasons[:3]), "\n".join(gaps))
    return table


@app.command("recommend")
def recommend(employee: str, k: int = typer.Option(20, "--k", help="How many results."), db: DbOption = None) -> None:
    """Best open opportunities for EMPLOYEE (external id), with reasons; logged as shown."""
    from trellis.matching import service

    with unit_of_work(db) as session:
        out = service.recommend(session, settings=settings_for(db), employee=employee, k=k)
        service.record_shown(session, results=out, source="recommend", actor="cli")
    if out.notice:
        console.print(out.notice)
    console.print(_table(out, people=False))


@app.command("candidates")
def candidates(opportunity: str, k: int = typer.Option(50, "--k", help="How many results."),
               db: DbOption = None) -> None:
    """Best internal candidates for OPPORTUNITY (external id), with reasons; logged as shown."""
    from trellis.matching import service

    with unit_of_work(db) as session:
        out = service.candidates(session, settings=settings_for(db), opportunity=opportunity, k=k)
        service.record_shown(session, results=out, source="candidates", actor="cli")
    if out.notice:
        console.print(out.notice)
    console.print(_table(out, people=True))


@app.command("explain")
def explain(employee: str, opportunity: str, db: DbOption = None) -> None:
    """Why EMPLOYEE and OPPORTUNITY match (or which rule excludes them), component by component."""
    from trellis.matching import service
    from trellis.matching.schemas import MatchOut

    with unit_of_work(db) as session:
        out: MatchOut = service.explain(session, settings=settings_for(db), employee=employee,
                                        opportunity=opportunity)
    console.print(f"[bold]{out.employee_name}[/bold] × [bold]{out.opportunity_title}[/bold]: score {out.score:.1f}")
    for rule in out.excluded_by:
        console.print(f"[red]excluded[/red] by {rule.rule}: {rule.text}")
    table = Table("component", "points", "weight", "in words")
    for c in out.components:
        table.add_row(c.label, f"{c.points:.1f}", f"{c.weight:.2f}", c.text)
    console.print(table)
    for s in out.skills:
        console.print(f"  [{'green' if s.status == 'matched' else 'yellow' if s.status == 'partial' else 'red'}]"
                      f"{s.status:8}[/] {s.text}")


@app.command("batch")
def batch(cluster: str | None = typer.Option(None, "--cluster", help="Dask scheduler address (default: in-process)."),
          k: int = typer.Option(20, "--k", help="Results per person."),
          out: Path | None = typer.Option(None, "--out", help="Write JSON lines (employee, results) here."),
          db: DbOption = None) -> None:
    """Recompute every active person's top-k opportunities (optionally on a Dask cluster)."""
    from trellis.matching import batch as batch_service

    with unit_of_work(db) as session:
        settings = settings_for(db)
        result, seconds = batch_service.run_batch(session, settings=settings, k=k, cluster=cluster)
        rows = batch_service.external_rows(session, settings=settings, result=result) if out else []
    if out:
        out.write_text("".join(json.dumps({"employee": e, "results": r}) + "\n" for e, r in rows))
    console.print(f"{len(result.person_ids):,} people × top {k} in {seconds:.2f} s"
                  f"{' on ' + cluster if cluster else ''}{f'; written to {out}' if out else ''}")


@app.command("eval")
def evaluate(share: float = typer.Option(0.2, help="Share of movers whose last move is hidden."),
             seed: int = typer.Option(7, help="Random seed for the held-out sample."), db: DbOption = None) -> None:
    """Hide the last move of a share of movers; report hit@10 of the role moved to vs TF-IDF."""
    from trellis.matching import evaluation

    with unit_of_work(db) as session:
        report = evaluation.evaluate(session, settings=settings_for(db), share=share, seed=seed)
    table = Table("metric", "matcher", "TF-IDF baseline")
    table.add_row("hit@10", f"{report.hit_at_10:.3f}", f"{report.baseline_hit_at_10:.3f}")
    table.add_row("MRR", f"{report.mrr:.3f}", f"{report.baseline_mrr:.3f}")
    console.print(table)
    console.print(f"{report.held_out} held-out moves of {report.movers} movers; encoder {report.encoder}; "
                  f"{report.seconds:.1f} s")
