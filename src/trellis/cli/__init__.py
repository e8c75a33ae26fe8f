"""The `trellis` command. Each sub-command lives in its own module and stays thin: parse the
arguments, call a service, print the result. Expected failures exit 1 with a message."""

from __future__ import annotations

import gc
import sys

import typer
from rich.markup import escape

from trellis.cli import (
    analytics,
    data,
    db,
    demo,
    eval,
    evals,
    extract,
    maintenance,
    match,
    roles,
    serve,
    skills,
    taxonomy,
    titles,
    users,
)
from trellis.cli import audit_log as audit_log_cli
from trellis.cli import governance as governance_cli
from trellis.cli import mentoring as mentoring_cli
from trellis.cli import paths as paths_cli
from trellis.cli import succession as succession_cli
from trellis.cli.common import err_console
from trellis.errors import TrellisError

app = typer.Typer(
    help="Trellis: internal talent marketplace.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(match.app, name="match")
app.command("serve")(serve.serve)
app.add_typer(users.app, name="users")
app.command("extract")(extract.extract)
app.add_typer(extract.suggestions_app, name="suggestions")
app.command("demo")(demo.demo)
app.add_typer(taxonomy.app, name="taxonomy")
app.add_typer(roles.app, name="roles")
app.add_typer(eval.app, name="eval")
app.add_typer(paths_cli.app, name="paths")
app.add_typer(mentoring_cli.app, name="mentoring")
app.add_typer(succession_cli.app, name="succession")

app.command("backup")(maintenance.backup)
app.command("restore")(maintenance.restore)
app.add_typer(maintenance.maintenance_app, name="maintenance")
app.add_typer(maintenance.privacy_app, name="privacy")
app.command("import")(data.import_)
app.command("export")(data.export)
app.add_typer(governance_cli.app, name="governance")
app.add_typer(analytics.audit_app, name="audit")
app.add_typer(analytics.report_app, name="report")
app.add_typer(skills.app, name="skills")
roles.app.command("link-titles")(titles.link_titles)
eval.app.command("skill-linking")(evals.skill_linking)
eval.app.command("title-normalization")(evals.title_normalization)
audit_log_cli.register(app)  # after every add_typer: `log` joins the `audit` group


def main() -> None:
    try:
        app()
    except TrellisError as err:
        err_console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False)
        sys.exit(1)
    finally:
        # The interpreter's last collection walks every object the command loaded (the ESCO
        # label table alone holds ~200,000): 0.3 s after `skills link` printed its last line.
        # Sessions and files are closed by now, so that walk finds nothing to finalise.
        gc.freeze()
