"""The pure core never reaches for the database, the web or the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import trellis

CORE = Path(trellis.__file__).parent / "core"
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "typer", "alembic", "uvicorn", "httpx", "trellis.models",
             "trellis.db", "trellis.web", "trellis.cli")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_neither_the_database_nor_the_web_nor_the_cli() -> None:
    offenders = {
        f"{path.name}: {mod}"
        for path in CORE.rglob("*.py")
        for mod in imported_modules(path)
        if any(mod == bad or mod.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert not offenders


def test_only_the_web_package_imports_fastapi_and_only_the_cli_imports_typer() -> None:
    root = Path(trellis.__file__).parent
    offenders = set()
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        for mod in imported_modules(path):
            if mod.split(".")[0] in ("fastapi", "starlette") and not rel.startswith("web/"):
                offenders.add(f"{rel}: {mod}")
            if mod.split(".")[0] == "typer" and not rel.startswith("cli/"):
                offenders.add(f"{rel}: {mod}")
    assert not offenders
