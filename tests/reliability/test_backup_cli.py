"""`trellis backup` then `trellis restore` from the command line brings the data back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from builders import make_employee
from cli_runner import run
from reliability.dbstate import fingerprint
from trellis.db import make_engine


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
