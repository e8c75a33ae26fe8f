"""`trellis taxonomy ...`: import ESCO / O*NET releases and list what is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, unit_of_work

if TYPE_CHECKING:
    from trellis.taxonomy import service

app = typer.Typer(help="Taxonomies: import ESCO / O*NET releases, list them.", no_args_is_help=True)
import_app = typer.Typer(help="Import an official taxonomy release.", no_args_is_help=True)
app.add_typer(import_app, name="import")

PathsArg = Annotated[list[Path], typer.Argument(help="A folder, or the release's zip file(s).")]
VersionOption = Annotated[str | None, typer.Option("--version", help="Release version (default: read from PATH).")]


def _report(result: service.ImportResult) -> None:
    what = "Replaced" if result.replaced else "Imported"
    console.print(
        f"[green]{what} {result.source} {result.version}[/green]: {result.skills} skills, "
        f"{result.occupations} occupations, {result.occupation_skills} occupation–skill links, "
        f"{result.skill_relations} skill relations in {result.seconds:.1f} s"
    )
    for reason, count in result.skipped.items():
        console.print(f"  skipped {count} {reason}")


@import_app.command("esco")
def import_esco(path: PathsArg, version: VersionOption = None, db: DbOption = None) -> None:
    """Import the ESCO CSV release (folder, or classification_<lang>.zip + relations.zip)."""
    from trellis.taxonomy import service

    with unit_of_work(db) as session:
        _report(service.import_esco(session, paths=path, version=version))


@import_app.command("onet")
def import_onet(path: PathsArg, version: VersionOption = None, db: DbOption = None) -> None:
    """Import the O*NET database text files (folder or db_XX_X_text.zip)."""
    from trellis.taxonomy import service

    with unit_of_work(db) as session:
        _report(service.import_onet(session, paths=path, version=version))


@app.command("list")
def list_taxonomies(db: DbOption = None) -> None:
    """List imported taxonomies with their counts; the active one of each source is marked."""
    from trellis.taxonomy import service

    with unit_of_work(db) as session:
        rows = service.list_taxonomies(session)
    table = Table("id", "source", "version", "active", "skills", "occupations", "links", "imported")
    for t in rows:
        table.add_row(
            str(t.id),
            t.source,
            t.version,
            "yes" if t.active else "",
            str(t.skills),
            str(t.occupations),
            str(t.occupation_skills),
            t.imported_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)
