"""`trellis --help` and light commands start fast: the command modules load services, the
database layer and the numeric stack inside the commands that need them (timings: BENCHMARKS.md,
"CLI start-up")."""

from __future__ import annotations

import subprocess
import sys

from trellis.cli import data
from trellis.imports.schemas import KINDS

HEAVY = ("sqlalchemy", "numpy", "scipy", "sklearn", "alembic", "pydantic_settings", "fastapi", "uvicorn",
         "trellis.models", "trellis.config", "trellis.db")
SHOW_HELP = """
import sys
from trellis.cli import app
try:
    app(["--help"], prog_name="trellis")
except SystemExit:
    pass
print(" ".join(name for name in {heavy!r} if name in sys.modules), file=sys.stderr)
"""


def test_the_top_level_help_loads_neither_the_database_layer_nor_the_numeric_stack() -> None:
    run = subprocess.run([sys.executable, "-c", SHOW_HELP.format(heavy=HEAVY)], capture_output=True, text=True,
                         check=True)
    assert "Usage: trellis" in run.stdout
    assert run.stderr.strip() == ""


def test_the_import_commands_list_the_import_kinds_in_order() -> None:
    assert data.KINDS == KINDS
