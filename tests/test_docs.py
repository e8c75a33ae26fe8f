"""Documentation is tested: every CLI command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from trellis.cli import app
from trellis.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def command_paths(group: typer.Typer, prefix: str = "trellis") -> list[str]:
    click_group = typer.main.get_command(group)
    paths: list[str] = []

    def walk(cmd, name: str) -> None:  # type: ignore[no-untyped-def]
        sub = getattr(cmd, "commands", None)
        if sub:
            for child_name, child in sub.items():
                walk(child, f"{name} {child_name}")
        else:
            paths.append(name)

    walk(click_group, prefix)
    return paths


def test_every_cli_command_is_documented_in_docs_cli_md() -> None:
    text = (DOCS / "cli.md").read_text()
    missing = [p for p in command_paths(app) if f"`{p}" not in text]
    assert not missing, f"undocumented commands: {missing}"


def test_every_setting_is_documented_in_docs_settings_md() -> None:
    text = (DOCS / "settings.md").read_text()
    missing = [f"TRELLIS_{name.upper()}" for name in Settings.model_fields if f"TRELLIS_{name.upper()}" not in text]
    assert not missing, f"undocumented settings: {missing}"
