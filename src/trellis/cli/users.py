"""`trellis users`: portal accounts."""

from __future__ import annotations

import secrets

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, unit_of_work

app = typer.Typer(help="Portal accounts: create users, ready-made demo accounts.", no_args_is_help=True)

DEMO_PASSWORD = "trellis-demo"


@app.command("create")
def create(
    email: str = typer.Argument(..., help="Sign-in e-mail; links to the employee with that work e-mail."),
    role: str = typer.Option("employee", help="employee, manager, hr_partner, hr_admin or sysadmin."),
    password: str | None = typer.Option(None, help="Initial password (default: a random one, printed)."),
    db: DbOption = None,
) -> None:
    """Create a portal account."""
    from trellis.accounts import service as accounts

    secret = password or secrets.token_urlsafe(12)
    with unit_of_work(db) as session:
        user = accounts.create_user(session, email=email, role=role, password=secret, actor="cli")
        linked = f"employee {user.employee_id}" if user.employee_id else "no employee record"
    console.print(f"created {user.email} ({role}, {linked})" + ("" if password else f"; password: {secret}"))


@app.command("demo-accounts")
def demo_accounts(
    password: str = typer.Option(DEMO_PASSWORD, help="Password given to every demo account."),
    db: DbOption = None,
) -> None:
    """Create or refresh one account per role on demo employees, and print them."""
    from trellis.accounts import service as accounts

    with unit_of_work(db) as session:
        rows = [(role, user.email, emp.name) for role, user, emp in
                accounts.ensure_demo_accounts(session, password=password)]
    table = Table(title=f"Demo accounts (password: {password})")
    for column in ("role", "sign-in e-mail", "person"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
