"""`trellis roles link-titles`: raw job titles -> occupations of the active taxonomy.
(Registered on the `roles` group; the lead may fold it into `cli/roles.py`.)"""

from __future__ import annotations

import json
import sys

import typer

from trellis.cli.common import DbOption, settings_for, unit_of_work


def link_titles(
    top: int = typer.Option(10, "--top", min=1, help="Occupations per input line."),
    batch: int = typer.Option(512, help="Lines encoded together."),
    db: DbOption = None,
) -> None:
    """Read JSON Lines {"id","text"}; write {"id","roles":[{"uri" or "code","label","score"}]}."""
    from trellis.skills import service, titles

    settings = settings_for(db)
    with unit_of_work(db) as session:
        linker = titles.get_title_linker(session, data_dir=settings.data_dir)
    for queries in service.read_queries(sys.stdin, batch_size=batch):
        results = titles.link_titles(linker, texts=[q.text for q in queries], k=top)
        for query, roles in zip(queries, results, strict=True):
            items = [r.model_dump(exclude_none=True) for r in roles]
            sys.stdout.write(json.dumps({"id": query.id, "roles": items}) + "\n")
        sys.stdout.flush()
