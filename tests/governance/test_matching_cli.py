"""`trellis governance matching|update|reset` on a real database: change several matching
settings at once (all or nothing), see them with their share of the score, reset them."""

from __future__ import annotations

import json

import pytest

from cli_runner import run


def test_hr_changes_weights_and_rules_from_the_command_line_all_or_nothing_and_resets_them(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", fresh_db_url)
    code, out, err = run(monkeypatch, capsys, "governance", "update", "matching.weight_semantic=0.3",
                         "matching.max_levels_up=1", "--reason", "policy 2026", "--actor", "hr:ana", *db)
    assert (code, err) == (0, "") and "matching.weight_semantic = 0.3" in out and "matching.max_levels_up = 1" in out
    code, out, err = run(monkeypatch, capsys, "governance", "update", "matching.weight_level=0.5",
                         "matching.trust_inferred=3", "matching.max_levels_down=x", "--reason", "typo", *db)
    assert code == 1 and "Nothing was changed" in err
    assert "matching.trust_inferred: must be at most 1, not 3" in err
    assert 'matching.max_levels_down: "x" is not a whole number' in err
    code, out, _ = run(monkeypatch, capsys, "governance", "matching", "--json", *db)
    shown = {s["key"]: s for s in json.loads(out)["settings"]}
    assert shown["matching.weight_level"]["value"] == 0.07
    assert shown["matching.weight_semantic"]["updated_by"] == "hr:ana"
    code, out, _ = run(monkeypatch, capsys, "governance", "matching", *db)
    assert code == 0 and "trellis-match/" in out and "hr:ana" in out and "(default)" in out and "%" in out
    code, out, _ = run(monkeypatch, capsys, "governance", "set", "matching.exclude_own_team", "off",
                       "--reason", "pilot", *db)
    assert code == 0 and "matching.exclude_own_team = False" in out
    code, out, _ = run(monkeypatch, capsys, "governance", "reset", "matching.max_levels_up",
                       "matching.weight_semantic", "--reason", "back to policy", *db)
    assert code == 0 and "matching.max_levels_up = 2 (default)" in out
    code, out, _ = run(monkeypatch, capsys, "governance", "update", "matching.exclude_own_team=default",
                       "--reason", "done", *db)
    assert code == 0 and "matching.exclude_own_team = True" in out
    code, out, _ = run(monkeypatch, capsys, "governance", "settings", "--prefix", "matching.", *db)
    assert "ai.recommendations_enabled" not in out and "hr:ana" not in out
    code, out, _ = run(monkeypatch, capsys, "audit", "log", "--action", "config", "--json", *db)
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert len(events) == 6 and {e["reason"] for e in events} == {"policy 2026", "pilot", "back to policy", "done"}
    code, _, err = run(monkeypatch, capsys, "governance", "update", "matching.weight_level", "--reason", "x", *db)
    assert code == 1 and "expected KEY=VALUE" in err
