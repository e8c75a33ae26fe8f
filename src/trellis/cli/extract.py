"""`trellis extract` and `trellis suggestions`: skills from CVs and job descriptions."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, settings_for, unit_of_work
from trellis.errors import Invalid

suggestions_app = typer.Typer(help="Pending skill suggestions: list, accept, reject.", no_args_is_help=True)


def extract(
    file: Path = typer.Argument(..., help="A .txt, .pdf or .docx job description or CV."),
    kind: str = typer.Option("job", help="cv or job: a CV also gets suggested proficiency levels."),
    employee: str | None = typer.Option(None, help="Store the skills as pending suggestions for this employee."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    method: str = typer.Option("semantic", help="semantic (exact names and the linker over each sentence) or lexical."),
    db: DbOption = None,
) -> None:
    """Find the skills a document names, with evidence spans and confidence."""
    from trellis.extraction import service
    from trellis.extraction.documents import read_document
    from trellis.profiles import service as profiles

    if method not in ("semantic", "lexical"):
        raise Invalid(f'--method must be "semantic" or "lexical", not "{method}"')
    if kind not in ("cv", "job"):
        raise Invalid(f'--kind must be "cv" or "job", not "{kind}"')
    if not file.is_file():
        raise Invalid(f"{file}: no such file")
    text = read_document(file.read_bytes(), file.name, max_bytes=settings_for(db).max_upload_mb * 1024 * 1024)
    with unit_of_work(db) as session:
        found = service.extract_skills(session, text=text, kind=kind,  # type: ignore[arg-type]
                                       data_dir=settings_for(db).data_dir, method=method)
        if employee:
            emp_id = service.employee_id_for(session, external_id=employee)
            added = profiles.store_suggestions(session, employee_id=emp_id, suggestions=found, actor="cli")
            console.print(f"{added} pending suggestion(s) stored for {employee}")
    if as_json:
        typer.echo(json.dumps([s.model_dump() for s in found], ensure_ascii=False))
        return
    table = Table("skill", "found as", "level", "confidence", "evidence", title=f"{len(found)} skills in {file.name}")
    for s in found:
        table.add_row(s.label, s.surface, str(s.suggested_level or ""), f"{s.confidence:.2f}", s.evidence)
    console.print(table)


@suggestions_app.command("list")
def list_(employee: str, db: DbOption = None) -> None:
    """Pending suggestions of EMPLOYEE (external id)."""
    from trellis.extraction import service
    from trellis.profiles import service as profiles

    with unit_of_work(db) as session:
        rows = profiles.list_suggestions(session, employee_id=service.employee_id_for(session, external_id=employee))
    table = Table("skill", "suggested level", "evidence", title=f"Pending skills of {employee}")
    for r in rows:
        table.add_row(r.label, str(r.suggested_level or "— (choose one as you accept)"), r.evidence or "")
    console.print(table)


def _decide(employee: str, skill: str, accept: bool, level: int | None, db: str | None) -> None:
    from trellis.extraction import service
    from trellis.profiles import service as profiles

    with unit_of_work(db) as session:
        profiles.decide_suggestion(
            session, employee_id=service.employee_id_for(session, external_id=employee),
            skill_id=service.skill_id_for(session, ref=skill), accept=accept, actor="cli", proficiency=level)
    console.print(f"{'accepted' if accept else 'rejected'}: {skill}")


@suggestions_app.command("accept")
def accept(employee: str, skill: str, level: int | None = typer.Option(None, help="Proficiency 1–5."),
           db: DbOption = None) -> None:
    """Accept a pending SKILL (id, URI or label) for EMPLOYEE."""
    _decide(employee, skill, True, level, db)


@suggestions_app.command("reject")
def reject(employee: str, skill: str, db: DbOption = None) -> None:
    """Reject a pending SKILL for EMPLOYEE; it is not suggested again."""
    _decide(employee, skill, False, None, db)
