"""`trellis backup`, `trellis restore`, `trellis maintenance purge`, `trellis privacy ...`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from trellis.cli.common import DbOption, console, settings_for, unit_of_work
from trellis.errors import Invalid

maintenance_app = typer.Typer(help="Housekeeping: retention purges.", no_args_is_help=True)
privacy_app = typer.Typer(help="A person's data: export and erasure.", no_args_is_help=True)


def backup(file: Path = typer.Argument(..., help="Where to write the backup."), db: DbOption = None) -> None:
    """Write a consistent backup of the database (SQLite online backup, or pg_dump)."""
    from trellis.maintenance import service as maintenance

    path = maintenance.backup(database_url=settings_for(db).database_url, target=file)
    console.print(f"backup written: {path} ({path.stat().st_size:,} bytes)")


def restore(
    file: Path = typer.Argument(..., help="A file written by `trellis backup`."),
    yes: bool = typer.Option(False, "--yes", help="Confirm that the current data is replaced."),
    db: DbOption = None,
) -> None:
    """Replace the database with a backup. Stop the web workers first."""
    from trellis.maintenance import service as maintenance

    if not yes:
        raise Invalid("restore replaces every row in the database; add --yes to confirm")
    maintenance.restore(database_url=settings_for(db).database_url, source=file)
    console.print(f"restored from {file}")


@maintenance_app.command("purge")
def purge(dry_run: bool = typer.Option(False, "--dry-run", help="Count, delete nothing."), db: DbOption = None) -> None:
    """Delete closed applications and AI logs older than the retention settings."""
    from trellis.maintenance import service as maintenance

    settings = settings_for(db)
    with unit_of_work(db) as session:
        counts = maintenance.purge(session, applications_months=settings.retention_applications_months,
                                   ai_log_months=settings.retention_ai_log_months, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    console.print(", ".join(f"{verb} {n:,} {name}" for name, n in counts.items()))


@privacy_app.command("export")
def export(employee: str, out: Path | None = typer.Option(None, help="Write JSON here (default: stdout)."),
           db: DbOption = None) -> None:
    """Everything held about EMPLOYEE (external id), as JSON."""
    from trellis.extraction.service import employee_id_for
    from trellis.privacy import service as privacy

    with unit_of_work(db) as session:
        data = privacy.export_person(session, employee_id=employee_id_for(session, external_id=employee), actor="cli")
    text = json.dumps(data, indent=1, ensure_ascii=False, default=str)
    if out:
        out.write_text(text, encoding="utf-8")
        console.print(f"written: {out}")
    else:
        typer.echo(text)


@privacy_app.command("erase")
def erase(employee: str, reason: str = typer.Option(..., help="Why (e.g. the request's reference)."),
          yes: bool = typer.Option(False, "--yes", help="Confirm; erasure cannot be undone."),
          db: DbOption = None) -> None:
    """Anonymise EMPLOYEE: identity and free text go; aggregate figures stay valid."""
    from trellis.extraction.service import employee_id_for
    from trellis.privacy import service as privacy

    if not yes:
        raise Invalid("erasure cannot be undone; add --yes to confirm")
    with unit_of_work(db) as session:
        counts = privacy.erase_person(session, employee_id=employee_id_for(session, external_id=employee),
                                      actor="cli", reason=reason)
    console.print(f"erased {employee}; rows changed: {counts}")
