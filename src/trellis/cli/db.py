"""`trellis db ...`: schema migrations."""

from __future__ import annotations

import typer

from trellis.cli.common import DbOption, console, settings_for

app = typer.Typer(help="Database schema: apply migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: DbOption = None, revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply all migrations up to REVISION (default: the newest)."""
    from trellis.migrations import upgrade as run_upgrade

    url = settings_for(db).database_url
    run_upgrade(url, revision)
    console.print(f"[green]Database is at {revision}[/green] ({url.split('@')[-1]})")
