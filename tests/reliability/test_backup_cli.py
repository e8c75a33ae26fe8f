"""`trellis backup` then `trellis restore` from the command line brings the data back exactly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from builders import make_employee
from reliability.dbstate import fingerprint
from trellis.cli import main
from trellis.cli.common import console, err_console
from trellis.db import make_engine


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["trellis", *args])
    monkeypatch.setattr(console, "width", 300)
    monkeypatch.setattr(err_console, "width", 300)
    with pytest.raises(SystemExit) as done:
        main()
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


def add_employees(url: str, n: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        for _ in range(n):
            make_employee(session)
        session.commit()
    engine.dispose()


def test_backup_and_restore_on_the_command_line_round_trip(
    fresh_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_employees(fresh_db_url, 3)
    saved = fingerprint(fresh_db_url)
    target = tmp_path / "nested" / "trellis.backup"
    code, out, err = run(monkeypatch, capsys, "backup", str(target), "--db", fresh_db_url)
    assert (code, err) == (0, "")
    assert "backup written" in out and target.is_file()

    add_employees(fresh_db_url, 2)
    assert fingerprint(fresh_db_url)[0]["employees"] == 5

    code, _, err = run(monkeypatch, capsys, "restore", str(target), "--db", fresh_db_url)
    assert code == 1 and "--yes" in err
    assert fingerprint(fresh_db_url)[0]["employees"] == 5

    code, out, err = run(monkeypatch, capsys, "restore", str(target), "--yes", "--db", fresh_db_url)
    assert (code, err) == (0, "")
    assert fingerprint(fresh_db_url) == saved


def test_restoring_a_missing_file_is_a_clear_error(
    fresh_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(monkeypatch, capsys, "restore", str(tmp_path / "nope.backup"), "--yes", "--db", fresh_db_url)
    assert code == 1 and "error:" in err
