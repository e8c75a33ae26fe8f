"""`trellis audit log`: search the append-only audit trail. The `audit` group itself belongs to
the analytics commands (`trellis audit bias`); `register` adds `log` to it, or creates the group
when it is not there."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from trellis.cli.common import DbOption, console, unit_of_work
from trellis.errors import Invalid


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as err:
        raise Invalid(f'--{name} "{value}": expected YYYY-MM-DD or an ISO 8601 timestamp') from err


def log(
    actor: Annotated[str | None, typer.Option("--actor", help='Who, e.g. "user:12" or "cli".')] = None,
    action: Annotated[str | None, typer.Option("--action", help='An action or its prefix, e.g. "application".')] = None,
    entity: Annotated[str | None, typer.Option("--entity", help='A type or type:id, e.g. "employee:42".')] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date/time (UTC if no zone).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this date/time.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Substring of actor, action, entity, reason or data.")]
    = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many events (newest first).")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    db: DbOption = None,
) -> None:
    """Search the audit trail: who did what, to which entity, when and why."""
    from trellis.audit.schemas import AuditQuery
    from trellis.audit.service import search

    query = AuditQuery(actor=actor, action=action, entity=entity, since=_when(since, "since"),
                       until=_when(until, "until"), text=text, limit=limit)
    with unit_of_work(db) as session:
        page = search(session, query=query)
    if as_json:
        for item in page.items:
            typer.echo(item.model_dump_json())
        return
    table = Table("at", "actor", "action", "entity", "reason", "data", title=f"{page.total:,} events")
    for e in page.items:
        entity_text = f"{e.entity_type or ''}{':' + e.entity_id if e.entity_id else ''}"
        table.add_row(e.at.isoformat(timespec="seconds"), escape(e.actor), escape(e.action), escape(entity_text),
                      escape(e.reason or ""), escape(json.dumps(e.data, default=str)[:120]))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `log` to the app's `audit` group (created here if no other module made it)."""
    group = next((g.typer_instance for g in app.registered_groups if g.name == "audit" and g.typer_instance), None)
    if group is None:
        group = typer.Typer(help="Audits: the audit trail.", no_args_is_help=True)
        app.add_typer(group, name="audit")
    group.command("log")(log)
