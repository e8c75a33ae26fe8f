"""`trellis skills ...`: link free text to the active taxonomy's skills, search, autocomplete."""

from __future__ import annotations

import typer

from trellis.cli.common import DbOption, console, encoding_progress, link_json_lines, settings_for, unit_of_work

app = typer.Typer(help="Skills: link text to taxonomy skills, search and autocomplete.", no_args_is_help=True)


@app.command("link")
def link(
    top: int = typer.Option(10, "--top", min=1, help="Skills per input line."),
    batch: int = typer.Option(32, help="Lines encoded together (32: peak memory under 450 MB with full ESCO)."),
    db: DbOption = None,
) -> None:
    """Read JSON Lines {"id","text"} on stdin; write {"id","skills":[{"uri","label","score","evidence"}]}.
    Every line is checked first: a bad one exits 1 naming the line, and nothing is written."""
    from trellis.skills import service

    link_json_lines(
        db, batch=batch, field="skills",
        build=lambda session, settings: service.get_skill_linker(
            session, data_dir=settings.data_dir, progress=encoding_progress("encoding skill labels (once)")),
        run=lambda linker, queries: [[s.model_dump() for s in row]
                                     for row in service.link_skills(linker, texts=[q.text for q in queries], k=top)],
    )


@app.command("suggest-for-posting")
def suggest_for_posting(
    top: int = typer.Option(10, "--top", min=1, help="Skills per posting."),
    batch: int = typer.Option(32, help="Postings encoded together."),
    db: DbOption = None,
) -> None:
    """Read JSON Lines {"id","text","title"?} (a posting: its title, else the first line of its
    text, and its description); write {"id","skills":[...]} as `skills link` does: the skills of
    the occupations its title names, blended with the skills its description mentions."""
    from trellis.skills import postings

    link_json_lines(
        db, batch=batch, field="skills",
        build=lambda session, settings: postings.get_posting_suggester(session, data_dir=settings.data_dir),
        run=lambda suggester, queries: [[s.model_dump() for s in row] for row in suggester.suggest(
            [q.text for q in queries], titles=[q.title for q in queries], k=top)],
    )


@app.command("search")
def search(
    text: str = typer.Argument(..., help="Free text: a skill name, an abbreviation, a sentence."),
    top: int = typer.Option(10, "--top", min=1),
    db: DbOption = None,
) -> None:
    """Show the taxonomy skills that best match TEXT, with scores."""
    from trellis.skills import service

    settings = settings_for(db)
    with unit_of_work(db) as session:
        linker = service.get_skill_linker(session, data_dir=settings.data_dir)
    for rank, skill in enumerate(service.link_skills(linker, texts=[text], k=top)[0], start=1):
        console.print(f"{rank:>3}. {skill.score:6.3f}  {skill.label}  [dim]{skill.uri}[/dim]", highlight=False)


@app.command("complete")
def complete(
    prefix: str = typer.Argument(..., help="The start of a skill name."),
    top: int = typer.Option(10, "--top", min=1),
    db: DbOption = None,
) -> None:
    """Autocomplete: skills whose name (or a word of it) starts with PREFIX."""
    from trellis.skills import service

    settings = settings_for(db)
    with unit_of_work(db) as session:
        linker = service.get_skill_linker(session, data_dir=settings.data_dir)
    for skill in service.complete_skills(linker, prefix=prefix, k=top):
        console.print(f"{skill.label}  [dim]{skill.uri}[/dim]", highlight=False)
