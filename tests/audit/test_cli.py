"""`trellis audit log` on a real database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from cli_runner import run
from trellis.audit.service import record
from trellis.db import make_engine


def test_audit_log_lists_matching_events_as_a_table_or_json(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(fresh_db_url)
    with Session(engine) as session:
        record(session, actor="user:3", action="application.decide", entity_type="application", entity_id=5,
               reason="<b>strong</b> fit")
        record(session, actor="cli", action="import.employees", entity_type="employees")
        session.commit()
    engine.dispose()
    code, out, err = run(monkeypatch, capsys, "audit", "log", "--action", "application", "--db", fresh_db_url)
    assert (code, err) == (0, "")
    assert "1 events" in out and "application.decide" in out and "<b>strong</b> fit" in out
    assert "import.employees" not in out
    code, out, _ = run(monkeypatch, capsys, "audit", "log", "--actor", "cli", "--since", "2020-01-01", "--json",
                       "--limit", "5", "--db", fresh_db_url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["action"] for r in rows] == ["import.employees"]


def test_audit_log_with_a_bad_date_says_which_option(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(monkeypatch, capsys, "audit", "log", "--since", "last tuesday", "--db", fresh_db_url)
    assert code == 1 and "--since" in err
