"""`trellis audit bias` and `trellis report mobility`: thin wrappers over the analytics services."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trellis.cli.common import DbOption, console, settings_for, unit_of_work
from trellis.errors import Invalid

if TYPE_CHECKING:
    from trellis.analytics.schemas import Period

audit_app = typer.Typer(help="Audits: bias audit of the matching funnel.", no_args_is_help=True)
report_app = typer.Typer(help="Reports: the self-contained mobility report.", no_args_is_help=True)

PeriodOption = Annotated[
    str | None, typer.Option("--period", help="YYYY-MM-DD..YYYY-MM-DD or a year (default: the last 365 days).")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")]


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"[green]Wrote[/green] {out} ({len(text.encode()):,} bytes)")


def _period(text: str | None) -> Period:
    from trellis.analytics.schemas import Period

    return Period.parse(text) if text else Period.last_year()


@audit_app.command("bias")
def bias(period: PeriodOption = None, fmt: Annotated[str, typer.Option("--format", help="html, csv or json.")] = "html",
         out: OutOption = None, db: DbOption = None) -> None:
    """Selection and scoring rates, impact ratios and significance by sex, race/ethnicity and both."""
    from trellis.analytics.fairness import audit_bias
    from trellis.analytics.reports import render_audit

    with unit_of_work(db) as session:
        text = render_audit(audit_bias(session, period=_period(period), actor="cli"), fmt,
                            min_group_size=settings_for(db).analytics_min_group_size)
    _emit(text, out)


@report_app.command("mobility")
def mobility(period: PeriodOption = None, org_unit: Annotated[str | None, typer.Option(
        "--org-unit", help="External id of an org unit (its subtree is included).")] = None,
        fmt: Annotated[str, typer.Option("--format", help="html (self-contained).")] = "html",
        out: OutOption = None, db: DbOption = None) -> None:
    """A self-contained HTML mobility report with charts and their CSV data."""
    from trellis.analytics.reports import mobility_report
    from trellis.analytics.service import org_unit_by_external_id

    if fmt != "html":
        raise Invalid(f'format "{fmt}": the mobility report is html')
    with unit_of_work(db) as session:
        unit_id = org_unit_by_external_id(session, org_unit) if org_unit else None
        text = mobility_report(session, period=_period(period), org_unit_id=unit_id)
    _emit(text, out)
