from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trellis.cli import app

runner = CliRunner()


def test_roles_related_writes_one_json_line_per_role(fresh_db_url: str, onet_dir: Path, judgements: Path) -> None:
    assert runner.invoke(app, ["taxonomy", "import", "onet", str(onet_dir), "--db", fresh_db_url]).exit_code == 0
    result = runner.invoke(app, ["roles", "related", "--taxonomy", "onet", "--top", "2", "--db", fresh_db_url])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert set(lines[0]) == {"id", "related"} and set(lines[0]["related"][0]) == {"id", "score"}
    evaluated = runner.invoke(app, ["eval", "related-roles", "--data", str(judgements), "--json", "--db", fresh_db_url])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.stdout)["ours"]["queries"] == 2


def test_roles_related_without_the_taxonomy_says_what_to_do(fresh_db_url: str) -> None:
    result = runner.invoke(app, ["roles", "related", "--taxonomy", "esco", "--db", fresh_db_url])
    assert result.exit_code != 0
    assert "no active esco taxonomy" in str(result.exception)
