"""`trellis mentoring ...`: mentor profiles, mentee requests, pins/forbids, global assignment."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, unit_of_work
from trellis.errors import Invalid

app = typer.Typer(help="Mentor profiles, requests and the global mentor assignment.", no_args_is_help=True)
SkillsOption = Annotated[list[str], typer.Option("--skill", help="SKILL=LEVEL (or weight), repeatable.")]
LangOption = Annotated[list[str] | None, typer.Option("--language", help="Language code, repeatable.")]
TzOption = Annotated[str | None, typer.Option("--timezone", help="IANA name, e.g. Europe/Berlin.")]
ReasonOption = Annotated[str | None, typer.Option("--reason")]


def _pairs(values: list[str]) -> dict[str, float]:
    out = {}
    for v in values:
        name, _, num = v.rpartition("=") if "=" in v else (v, "", "1")
        try:
            out[name] = float(num)
        except ValueError as err:
            raise Invalid(f'--skill "{v}": expected SKILL=NUMBER') from err
    return out


@app.command("mentor")
def mentor(employee: str, skill: SkillsOption, capacity: Annotated[int, typer.Option("--capacity")] = 2,
           language: LangOption = None, timezone: TzOption = None,
           inactive: Annotated[bool, typer.Option("--inactive")] = False, db: DbOption = None) -> None:
    """Declare EMPLOYEE a mentor: skills they teach (SKILL=LEVEL), capacity, languages, time zone."""
    from trellis.mentoring import service
    from trellis.mentoring.schemas import MentorIn

    data = MentorIn(skills={k: int(v) for k, v in _pairs(skill).items()}, capacity=capacity,
                    languages=language or [], timezone=timezone, active=not inactive)
    with unit_of_work(db) as session:
        service.save_mentor(session, employee=employee, data=data)
    console.print(f"Mentor profile saved for {employee}.")


@app.command("request")
def request(employee: str, skill: SkillsOption, language: LangOption = None, timezone: TzOption = None,
            topics: Annotated[str | None, typer.Option("--topics")] = None, db: DbOption = None) -> None:
    """EMPLOYEE asks for a mentor for goal skills (SKILL or SKILL=WEIGHT)."""
    from trellis.mentoring import service
    from trellis.mentoring.schemas import RequestIn

    data = RequestIn(goals=_pairs(skill), languages=language or [], timezone=timezone, topics=topics)
    with unit_of_work(db) as session:
        service.request_mentor(session, employee=employee, data=data)
    console.print(f"Mentoring request opened for {employee}.")


@app.command("pin")
def pin(mentor: str, mentee: str, reason: ReasonOption = None, db: DbOption = None) -> None:
    """Force MENTOR and MENTEE to be paired in the next assignment."""
    from trellis.mentoring import service

    with unit_of_work(db) as session:
        service.set_constraint(session, mentor=mentor, mentee=mentee, kind="pin", reason=reason, actor="cli")
    console.print(f"Pinned {mentor} → {mentee}.")


@app.command("forbid")
def forbid(mentor: str, mentee: str, reason: ReasonOption = None, db: DbOption = None) -> None:
    """Never pair MENTOR and MENTEE."""
    from trellis.mentoring import service

    with unit_of_work(db) as session:
        service.set_constraint(session, mentor=mentor, mentee=mentee, kind="forbid", reason=reason, actor="cli")
    console.print(f"Forbade {mentor} → {mentee}.")


@app.command("clear")
def clear(mentor: str, mentee: str, db: DbOption = None) -> None:
    """Remove a pin or forbid between MENTOR and MENTEE."""
    from trellis.mentoring import service

    with unit_of_work(db) as session:
        service.set_constraint(session, mentor=mentor, mentee=mentee, kind="clear", actor="cli")
    console.print(f"Cleared {mentor} → {mentee}.")


@app.command("assign")
def assign(dry_run: Annotated[bool, typer.Option("--dry-run", help="Show pairs without saving.")] = False,
           limit: Annotated[int, typer.Option("--limit", help="Pairs to print.")] = 30,
           db: DbOption = None, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Optimal global mentor assignment under capacity, language, pins and forbids."""
    from trellis.mentoring import service

    with unit_of_work(db) as session:
        out = service.assign_mentors(session, dry_run=dry_run, actor="cli")
    if json:
        console.print_json(out.model_dump_json())
        return
    table = Table(title=f"{out.assigned} of {out.mentees} mentees paired, total fit {out.total_fit:.2f}"
                        + (" (dry run, nothing saved)" if dry_run else ""))
    for col in ("mentee", "mentor", "fit", "shared skills", "languages", "hours apart"):
        table.add_column(col)
    for p in out.pairs[:limit]:
        table.add_row(p.mentee_name, p.mentor_name + (" (pinned)" if p.pinned else ""), f"{p.fit:.2f}",
                      ", ".join(f"{s.label} ({s.mentor_level})" for s in p.shared_skills),
                      ", ".join(p.languages) or "any", "?" if p.hours_apart is None else f"{p.hours_apart:g}")
    console.print(table)
    if out.unassigned:
        console.print(f"{len(out.unassigned)} mentees without an allowed mentor with capacity.")
