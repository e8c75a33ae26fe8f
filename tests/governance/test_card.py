"""The model/settings card HR exports, and the claims on it that the code must keep true."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from trellis.cli import main
from trellis.cli.common import console, err_console
from trellis.config import Settings
from trellis.governance.card import build_card, evaluation_section, render_markdown

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "trellis"


def test_the_card_lists_weights_rules_data_not_used_retention_and_the_evaluation(session: Session) -> None:
    settings = Settings(database_url="sqlite://", match_text_encoder="hashing", retention_ai_log_months=9)
    card = build_card(session, settings=settings, benchmarks=ROOT / "BENCHMARKS.md")
    assert abs(sum(c["weight"] for c in card.score_components) - 1) < 1e-3
    assert {c["name"] for c in card.score_components} >= {"required_skills", "semantic", "logistics"}
    assert card.eligibility_rules["min_months_in_role"] == settings.match_min_months_in_role
    assert card.model_version.startswith("trellis-match/") and "hashed TF-IDF" in card.text_encoder
    assert "sex" in card.data_not_used[0] and "race_ethnicity" in card.data_not_used[0]
    assert card.retention["recommendation log"].startswith("9 months")
    assert card.evaluation.startswith("## Matching")
    text = render_markdown(card)
    assert "| `required_skills` |" in text and "## Data NOT used" in text and "## Known limits" in text


def test_without_benchmarks_the_card_says_so(tmp_path: Path) -> None:
    assert "not available" in evaluation_section(tmp_path / "missing.md")
    (tmp_path / "B.md").write_text("# Benchmarks\n\n## Import\nfast\n")
    assert "no `## Matching` section" in evaluation_section(tmp_path / "B.md")


def test_the_matching_engine_never_reads_protected_attributes_or_past_applications() -> None:
    """The card says so; this keeps it true."""
    engine_files = [SRC / "matching" / "loader.py", *(SRC / "core").glob("*.py")]
    pattern = re.compile(r"ProtectedAttributes|protected_attributes|Application\b|applications\b")
    offenders = [str(p.relative_to(SRC)) for p in engine_files if pattern.search(p.read_text(encoding="utf-8"))
                 and p.name not in ("metrics.py",)]
    assert offenders == []


def test_hr_exports_the_card_as_json_or_markdown(fresh_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(console, "width", 300)
    monkeypatch.setattr(err_console, "width", 300)
    for fmt in ("json", "md"):
        out = tmp_path / f"card.{fmt}"
        monkeypatch.setattr(sys, "argv", ["trellis", "governance", "card", "--format", fmt, "--out", str(out),
                                          "--benchmarks", str(ROOT / "BENCHMARKS.md"), "--db", fresh_db_url])
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code in (0, None)
    data = json.loads((tmp_path / "card.json").read_text())
    assert data["recommendations_enabled"] is True and data["score_components"]
    assert (tmp_path / "card.md").read_text().startswith("# Trellis matching")
    monkeypatch.setattr(sys, "argv", ["trellis", "governance", "card", "--format", "pdf", "--db", fresh_db_url])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 1 and "md or json" in capsys.readouterr().err
