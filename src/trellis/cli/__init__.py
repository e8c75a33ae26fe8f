"""The `trellis` command. Each sub-command lives in its own module and stays thin: parse the
arguments, call a service, print the result. Expected failures exit 1 with a message."""

from __future__ import annotations

import sys

import typer

from trellis.cli import db, serve, users
from trellis.cli.common import err_console
from trellis.errors import TrellisError

app = typer.Typer(
    help="Trellis: internal talent marketplace.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.command("serve")(serve.serve)
app.add_typer(users.app, name="users")


def main() -> None:
    try:
        app()
    except TrellisError as err:
        err_console.print(f"[red]error:[/red] {err}", highlight=False)
        sys.exit(1)
