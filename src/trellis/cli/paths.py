"""`trellis paths ...`: career paths, next moves, gap analysis with a learning plan, the
next-moves evaluation, and development plans."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from trellis.cli.common import DbOption, console, unit_of_work

if TYPE_CHECKING:
    from trellis.paths.schemas import GapSkill, StepOut
    from trellis.plans.schemas import PlanOut

app = typer.Typer(help="Career paths, next moves, skill gaps and development plans.", no_args_is_help=True)
plan_app = typer.Typer(help="Individual development plans.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _gap_text(gap: list[GapSkill], n: int = 4) -> str:
    text = ", ".join(f"{g.label} {g.current_level}→{g.required_level}" for g in gap[:n])
    return text + (f" (+{len(gap) - n})" if len(gap) > n else "") if gap else "—"


def _steps_table(title: str, steps: list[StepOut]) -> Table:
    table = Table(title=title)
    for col in ("to role", "move", "prob.", "people", "months", "skill gap (have→need)"):
        table.add_column(col)
    for s in steps:
        months = f"{s.months:.0f}" + ("" if s.months_basis == "observed" else "*")
        table.add_row(f"{s.target.title} (L{s.target.level})", s.move_type, f"{s.probability:.2f}", str(s.people),
                      months, _gap_text(s.gap))
    return table


@app.command("to")
def to(employee: str, role: str, k: Annotated[int, typer.Option("--k", help="How many paths.")] = 3,
       max_steps: Annotated[int, typer.Option("--max-steps", help="Most moves per path.")] = 4,
       db: DbOption = None, json: JsonOption = False) -> None:
    """The k most probable career paths from EMPLOYEE's role to ROLE, with gaps and time per step."""
    from trellis.paths import service

    with unit_of_work(db) as session:
        out = service.find_paths(session, employee=employee, role=role, k=k, max_steps=max_steps)
    if json:
        console.print_json(out.model_dump_json())
        return
    if not out.paths:
        console.print(f"No path of at most {max_steps} moves from {out.current_role.title} to {out.target_role.title}.")
    for n, p in enumerate(out.paths, 1):
        title = f"Path {n} from {out.current_role.title}: probability {p.probability:.2g}, about {p.months:.0f} months"
        console.print(_steps_table(title, p.steps))
    console.print("* months estimated from the source role or its level (no observed move)")


@app.command("next")
def next_(employee: str, k: Annotated[int, typer.Option("--k", help="How many moves.")] = 5,
          db: DbOption = None, json: JsonOption = False) -> None:
    """The most plausible next roles for EMPLOYEE (lateral and upward), with gaps and time."""
    from trellis.paths import service

    with unit_of_work(db) as session:
        out = service.next_moves(session, employee=employee, k=k)
    if json:
        console.print_json(out.model_dump_json())
        return
    console.print(_steps_table(f"Next moves from {out.current_role.title} (L{out.current_role.level})", out.moves))
    for m in out.moves:
        console.print(f"• {m.target.title}: {m.reason}")


@app.command("gap")
def gap(employee: str, role: Annotated[str | None, typer.Argument(help="Target role external id.")] = None,
        opportunity: Annotated[str | None, typer.Option("--opportunity", help="Target opportunity instead.")] = None,
        db: DbOption = None, json: JsonOption = False) -> None:
    """EMPLOYEE's prioritised skill gap for ROLE (or --opportunity) and a fewest-hours learning plan."""
    from trellis.paths import service

    with unit_of_work(db) as session:
        out = service.analyse_gap(session, employee=employee, role=role, opportunity=opportunity)
    if json:
        console.print_json(out.model_dump_json())
        return
    console.print(f"[bold]{out.target}[/bold] ({out.target_kind}): match {out.score:.0f}/100")
    table = Table(title="Skill gap, highest priority first")
    for col in ("skill", "have", "need", "required", "priority"):
        table.add_column(col)
    for g in out.gap:
        table.add_row(g.label, str(g.current_level), str(g.required_level), "yes" if g.required else "preferred",
                      f"{g.priority:g}")
    console.print(table)
    plan = out.learning_plan
    table = Table(title=f"Learning plan: {plan.hours:g} hours")
    for col in ("resource", "hours", "covers"):
        table.add_column(col)
    for item in plan.items:
        table.add_row(item.title, f"{item.hours:g}",
                      ", ".join(f"{c.label} {c.from_level}→{c.to_level}" for c in item.covers))
    console.print(table)
    if plan.uncovered:
        console.print(f"No catalogue item teaches: {', '.join(plan.uncovered)}")


@app.command("eval")
def evaluate(share: Annotated[float, typer.Option("--share", help="Share of movers held out.")] = 0.2,
             seed: Annotated[int, typer.Option("--seed")] = 0, k: Annotated[int, typer.Option("--k")] = 5,
             similarity: Annotated[str, typer.Option("--similarity", help="facets or requirements.")] = "facets",
             history: Annotated[float, typer.Option("--history", help="Share of other moves kept.")] = 1.0,
             db: DbOption = None, json: JsonOption = False) -> None:
    """Hold out the last move of a share of movers; hit@k of next moves vs a popularity baseline."""
    from trellis.paths import service

    with unit_of_work(db) as session:
        out = service.evaluate_next_moves(session, share=share, seed=seed, k=k, similarity=similarity,
                                          history=history)
    if json:
        console.print_json(out.model_dump_json())
        return
    console.print(f"{out.held_out} of {out.movers} movers held out (share {share}, seed {seed}); trained on "
                  f"{out.training_moves} moves (history {history}); content similarity: {out.similarity}")
    console.print(f"hit@{k}: career graph {out.hit_at_k:.3f} · observed moves only {out.hit_at_k_observed_only:.3f}"
                  f" · content only {out.hit_at_k_content_only:.3f} · popularity {out.hit_at_k_popularity:.3f}")
    console.print(f"MRR@{k}: career graph {out.mrr:.3f} · popularity {out.mrr_popularity:.3f}")


def _print_plan(plan: PlanOut) -> None:
    console.print(f"[bold]Plan {plan.id}: {plan.title}[/bold] ({plan.owner}, {plan.status}) — "
                  f"{plan.done}/{plan.total} done, progress {plan.progress:.0%}")
    for i in plan.items:
        console.print(f"  [{i.id}] {i.kind}: {i.title} — {i.status}")


@plan_app.command("create")
def plan_create(employee: str, title: str,
                role: Annotated[str | None, typer.Option("--role", help="Target role external id.")] = None,
                opportunity: Annotated[str | None, typer.Option("--opportunity")] = None,
                goals: Annotated[str | None, typer.Option("--goals")] = None,
                target_date: Annotated[str | None, typer.Option("--target-date", help="YYYY-MM-DD")] = None,
                db: DbOption = None) -> None:
    """Create a development plan owned by EMPLOYEE."""
    from trellis.plans import service as plans
    from trellis.plans.schemas import PlanIn

    data = PlanIn(title=title, target_role=role, opportunity=opportunity, goals=goals,
                  target_date=date.fromisoformat(target_date) if target_date else None)
    with unit_of_work(db) as session:
        _print_plan(plans.create_plan(session, owner=employee, data=data))


@plan_app.command("add")
def plan_add(plan_id: int, course: Annotated[str | None, typer.Option("--course")] = None,
             mentor: Annotated[str | None, typer.Option("--mentor")] = None,
             goal: Annotated[str | None, typer.Option("--goal")] = None, db: DbOption = None) -> None:
    """Add a course (learning resource id), a mentor (employee id) or a custom goal to a plan."""
    from trellis.plans import service as plans
    from trellis.plans.schemas import ItemIn

    kind = "course" if course else "mentor" if mentor else "goal"
    with unit_of_work(db) as session:
        _print_plan(plans.add_item(session, plan_id=plan_id,
                                   data=ItemIn(kind=kind, resource=course, mentor=mentor, description=goal)))


@plan_app.command("complete")
def plan_complete(item_id: int, db: DbOption = None) -> None:
    """Mark a plan item done; a course adds its skills to the profile as inferred, pending."""
    from trellis.plans import service as plans

    with unit_of_work(db) as session:
        out = plans.complete_item(session, item_id=item_id)
    _print_plan(out.plan)
    for s in out.skills_added:
        console.print(f"  + {s.label} at level {s.level} (inferred, pending verification)")


@plan_app.command("show")
def plan_show(employee: str, db: DbOption = None) -> None:
    """Show EMPLOYEE's development plans with progress."""
    from trellis.plans import service as plans

    with unit_of_work(db) as session:
        for p in plans.list_plans(session, employee=employee):
            _print_plan(p)
