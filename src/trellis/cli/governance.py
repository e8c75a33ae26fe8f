"""`trellis governance ...`: company settings — the AI switch and the matching knobs (score
weights, eligibility rules, skill credit) — every change audited, and the model/settings card."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from trellis.cli.common import DbOption, console, settings_for, unit_of_work
from trellis.errors import Invalid

app = typer.Typer(help="AI governance: the company switch for recommendations, the matching settings "
                       "(weights, rules) and the model card.", no_args_is_help=True)
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")]
ActorOption = Annotated[str, typer.Option("--actor", help="Who is making the change.")]


@app.command("settings")
def settings(prefix: Annotated[str, typer.Option("--prefix", help="Only keys starting so, e.g. matching.")] = "",
             db: DbOption = None) -> None:
    """Show the company settings, their defaults and who changed them last."""
    from trellis.governance import service

    with unit_of_work(db) as session:
        rows = service.list_settings(session, settings=settings_for(db), prefix=prefix)
    table = Table("key", "value", "default", "changed by", "changed at", "what it does")
    for r in rows:
        table.add_row(r.key, str(r.value), str(r.default), escape(r.updated_by or "-"),
                      r.updated_at.isoformat(timespec="seconds") if r.updated_at else "-", r.description)
    console.print(table)


@app.command("matching")
def matching_config(as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
                    db: DbOption = None) -> None:
    """The matching settings in effect: weights with their share of the score, rules, credit."""
    from trellis.matching import service as matching

    with unit_of_work(db) as session:
        config = matching.describe_config(session, settings=settings_for(db))
    if as_json:
        typer.echo(config.model_dump_json(indent=2))
        return
    shares = {w.key: f"{100 * w.share:.1f}%" for w in config.weights}
    table = Table("key", "value", "share", "default", "bounds", "changed by", title=config.model_version)
    for r in config.settings:
        bounds = "on/off" if r.kind == "bool" else f"{r.minimum:g}–{r.maximum:g}"
        table.add_row(r.key, str(r.value), shares.get(r.key, ""), str(r.default), bounds,
                      escape(r.updated_by or "-") if r.overridden else "(default)")
    console.print(table)


@app.command("update")
def update(pairs: Annotated[list[str], typer.Argument(help="KEY=VALUE ...; VALUE 'default' resets the key.")],
           reason: ReasonOption, actor: ActorOption = "cli", db: DbOption = None) -> None:
    """Change several settings at once, all or nothing; each change audited with the reason."""
    from trellis.governance import service

    raw, resets = {}, []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise Invalid(f'"{pair}": expected KEY=VALUE')
        if value.strip().lower() == "default":
            resets.append(key.strip())
        else:
            raw[key.strip()] = value
    with unit_of_work(db) as session:
        changes = {**service.parse_values(raw), **dict.fromkeys(resets)}
        done = service.set_settings(session, changes=changes, actor=actor, reason=reason, settings=settings_for(db))
    for row in done:
        console.print(f"{row.key} = {row.value}")
    if not done:
        console.print("nothing changed: every value was already in effect")


@app.command("reset")
def reset(keys: Annotated[list[str], typer.Argument(help="Setting keys, e.g. matching.max_levels_up")],
          reason: ReasonOption, actor: ActorOption = "cli", db: DbOption = None) -> None:
    """Set settings back to their defaults (the deployment's environment values); audited."""
    from trellis.governance import service

    with unit_of_work(db) as session:
        done = service.set_settings(session, changes=dict.fromkeys(keys), actor=actor, reason=reason,
                                    settings=settings_for(db))
    for row in done:
        console.print(f"{row.key} = {row.value} (default)")
    if not done:
        console.print("nothing changed: already at the default")


@app.command("set")
def set_(key: Annotated[str, typer.Argument(help="e.g. ai.recommendations_enabled, matching.weight_semantic")],
         value: Annotated[str, typer.Argument(help="on/off for switches, a number for weights and rules")],
         reason: ReasonOption, actor: ActorOption = "cli", db: DbOption = None) -> None:
    """Change a company setting; the old and new value and the reason are audited."""
    from trellis.governance import service

    with unit_of_work(db) as session:
        row = service.set_setting(session, key=key, value=service.parse_value(key, value), actor=actor, reason=reason,
                                  settings=settings_for(db))
    console.print(f"{row.key} = {row.value}")


@app.command("card")
def card(fmt: Annotated[str, typer.Option("--format", help="md or json.")] = "md",
         out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
         benchmarks: Annotated[Path, typer.Option("--benchmarks", help="Where the evaluation figures are.")]
         = Path("BENCHMARKS.md"),
         db: DbOption = None) -> None:
    """The model/settings card: engine and version, encoder, weights, rules, data used and not used,
    retention, oversight, known limits and the evaluation figures."""
    from trellis.governance.card import build_card, render_markdown

    if fmt not in ("md", "json"):
        raise Invalid(f'--format "{fmt}": md or json')
    with unit_of_work(db) as session:
        built = build_card(session, settings=settings_for(db), benchmarks=benchmarks)
    text = render_markdown(built) if fmt == "md" else built.model_dump_json(indent=2)
    if out is None:
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"written: {out}")
