"""`trellis import` / `trellis export` on a real database: exit codes, messages, nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cli_runner import run
from conftest import EXAMPLES, table_counts
from trellis.db import make_engine, make_session_factory


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return table_counts(session)
    finally:
        engine.dispose()


def test_importing_the_examples_from_the_command_line_commits_and_reports_counts(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in ("locations", "org-units", "skills", "roles"):
        code, out, _ = run(monkeypatch, capsys, "import", kind, str(EXAMPLES / f"{kind}.csv"), "--db", fresh_db_url)
        assert code == 0
    code, out, err = run(monkeypatch, capsys, "import", "employees", str(EXAMPLES / "employees.json"),
                         "--db", fresh_db_url)
    assert (code, err) == (0, "")
    assert "employees.json: imported 16 employees rows: 16 new, 0 updated, 0 unchanged" in out
    assert counts(fresh_db_url)["employees"] == 16
    code, out, _ = run(monkeypatch, capsys, "import", "employees", str(EXAMPLES / "employees.csv"),
                       "--db", fresh_db_url)
    assert "0 new, 0 updated, 16 unchanged" in out


def test_a_dry_run_from_the_command_line_writes_nothing(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = counts(fresh_db_url)
    code, out, _ = run(monkeypatch, capsys, "import", "locations", str(EXAMPLES / "locations.csv"), "--dry-run",
                       "--db", fresh_db_url)
    assert code == 0 and "would import 4 locations rows: 4 new" in out and "dry run, nothing written" in out
    assert counts(fresh_db_url) == before


def test_a_bad_file_exits_1_with_each_error_and_no_traceback(
    fresh_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "employees.csv"
    bad.write_text("id,name,work_email,manager_id\nE0001,Ana,ana@example.com,E0999\nE0002,Bo,[bo],\n")
    before = counts(fresh_db_url)
    code, out, err = run(monkeypatch, capsys, "import", "employees", str(bad), "--db", fresh_db_url)
    assert code == 1 and out == ""
    assert "error: employees.csv: 2 errors, nothing was imported" in err
    assert 'employees.csv:2: manager_id "E0999" does not exist' in err
    assert 'employees.csv:3: work_email "[bo]" is not a valid email address' in err
    assert counts(fresh_db_url) == before


def test_unknown_columns_can_be_downgraded_to_a_warning(
    fresh_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "locations.csv"
    path.write_text("id,name,building_code\nLOC-1,Annex,B7\n")
    code, _, err = run(monkeypatch, capsys, "import", "locations", str(path), "--db", fresh_db_url)
    assert code == 1 and 'column "building_code" is not a column of locations' in err
    code, out, err = run(monkeypatch, capsys, "import", "locations", str(path), "--ignore-extra-columns",
                         "--db", fresh_db_url)
    assert code == 0 and 'warning: locations.csv: column "building_code" ignored' in err and "1 new" in out


def test_export_writes_a_file_the_same_command_imports_back_unchanged(
    fresh_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, capsys, "import", "org-units", str(EXAMPLES / "org-units.csv"), "--db", fresh_db_url)
    target = tmp_path / "out" / "units.txt"
    code, out, _ = run(monkeypatch, capsys, "export", "org-units", str(target), "--format", "json",
                       "--db", fresh_db_url)
    assert code == 0 and "exported 8 org-units rows as json" in out
    json_copy = target.with_suffix(".json")
    target.rename(json_copy)
    code, out, _ = run(monkeypatch, capsys, "import", "org-units", str(json_copy), "--db", fresh_db_url)
    assert code == 0 and "8 unchanged" in out
    code, _, err = run(monkeypatch, capsys, "export", "org-units", str(tmp_path / "units.xlsx"), "--db", fresh_db_url)
    assert code == 1 and 'extension ".xlsx" is not supported' in err


def test_the_installed_command_exits_non_zero_without_a_traceback(fresh_db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "org-units.csv"
    bad.write_text("id,name,parent_id\nOU-1,Root,OU-2\nOU-2,Child,OU-1\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"), "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "trellis", "import", "org-units", str(bad), "--db", fresh_db_url],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert 'org-units.csv:2: parent_id "OU-2" would make a cycle: OU-1 → OU-2 → OU-1' in proc.stderr
    assert "Traceback" not in proc.stderr


def test_export_then_import_round_trips_every_kind_in_both_formats(
    fresh_db_url: str, company: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from trellis.imports.schemas import KINDS
    from trellis.imports.service import export_file

    first, second = tmp_path / "first", tmp_path / "second"
    for kind in KINDS:
        for fmt in ("csv", "json"):
            export_file(company, kind=kind, path=first / f"{kind}.{fmt}")
    for kind in KINDS:  # into an empty database, from the CSV exports, then the JSON ones (no change)
        code, out, err = run(monkeypatch, capsys, "import", kind, str(first / f"{kind}.csv"), "--db", fresh_db_url)
        assert code == 0, err
        code, out, err = run(monkeypatch, capsys, "import", kind, str(first / f"{kind}.json"), "--db", fresh_db_url)
        assert code == 0 and " 0 new, 0 updated," in out, (kind, out, err)
    for kind in KINDS:
        for fmt in ("csv", "json"):
            code, _, err = run(monkeypatch, capsys, "export", kind, str(second / f"{kind}.{fmt}"), "--db", fresh_db_url)
            assert code == 0, err
            assert (second / f"{kind}.{fmt}").read_text() == (first / f"{kind}.{fmt}").read_text(), (kind, fmt)
