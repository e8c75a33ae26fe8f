"""`trellis roles link-titles`: raw job titles -> occupations of the active taxonomy.
(Registered on the `roles` group; the lead may fold it into `cli/roles.py`.)"""

from __future__ import annotations

import typer

from trellis.cli.common import DbOption, encoding_progress, link_json_lines


def link_titles(
    top: int = typer.Option(10, "--top", min=1, help="Occupations per input line."),
    batch: int = typer.Option(512, help="Lines encoded together."),
    db: DbOption = None,
) -> None:
    """Read JSON Lines {"id","text"}; write {"id","roles":[{"uri" or "code","label","score"}]}.
    Every line is checked first: a bad one exits 1 naming the line, and nothing is written."""
    from trellis.skills import titles

    link_json_lines(
        db, batch=batch, field="roles",
        build=lambda session, settings: titles.get_title_linker(
            session, data_dir=settings.data_dir, progress=encoding_progress("encoding occupation titles (once)")),
        run=lambda linker, queries: [[r.model_dump(exclude_none=True) for r in row]
                                     for row in titles.link_titles(linker, texts=[q.text for q in queries], k=top)],
    )
