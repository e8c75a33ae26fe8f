from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from trellis.cli import app

runner = CliRunner()


def test_taxonomy_import_and_list_commit_through_the_cli(fresh_db_url: str, esco_dir: Path, onet_dir: Path) -> None:
    result = runner.invoke(app, ["taxonomy", "import", "esco", str(esco_dir), "--db", fresh_db_url])
    assert result.exit_code == 0, result.output
    assert "Imported esco 1.1.1" in result.output
    result = runner.invoke(app, ["taxonomy", "import", "onet", str(onet_dir), "--db", fresh_db_url])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["taxonomy", "list", "--db", fresh_db_url])
    assert listed.exit_code == 0, listed.output
    assert "esco" in listed.output and "onet" in listed.output and "29.3" in listed.output
