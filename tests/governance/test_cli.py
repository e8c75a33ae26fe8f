"""`trellis governance settings|set` on a real database."""

from __future__ import annotations

import pytest

from cli_runner import run


def test_hr_switches_recommendations_off_from_the_command_line_and_it_is_audited(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, "governance", "set", "ai.recommendations_enabled", "off",
                         "--reason", "pilot paused", "--actor", "hr:ana", "--db", fresh_db_url)
    assert (code, err) == (0, "") and "ai.recommendations_enabled = False" in out
    code, out, _ = run(monkeypatch, capsys, "governance", "settings", "--db", fresh_db_url)
    assert code == 0 and "hr:ana" in out
    code, out, _ = run(monkeypatch, capsys, "audit", "log", "--action", "config", "--db", fresh_db_url)
    assert "pilot paused" in out
    code, _, err = run(monkeypatch, capsys, "governance", "set", "ai.recommendations_enabled", "perhaps",
                       "--reason", "x", "--db", fresh_db_url)
    assert code == 1 and "on/off" in err
