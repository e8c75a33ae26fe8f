from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skills.conftest import TrigramEncoder
from trellis.db import make_engine, make_session_factory, session_scope
from trellis.models import Occupation, OccupationSkill, Skill, Taxonomy
from trellis.skills import service

runner = CliRunner()


@pytest.fixture
def db_url(fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A committed little ESCO-like taxonomy; the fake encoder stands in for the model."""
    monkeypatch.setattr("trellis.embedding.get_encoder", TrigramEncoder)
    monkeypatch.setenv("TRELLIS_DATA_DIR", str(tmp_path / "data"))
    from trellis.config import get_settings

    get_settings.cache_clear()
    service._linkers.clear()
    engine = make_engine(fresh_db_url)
    with session_scope(make_session_factory(engine)) as session:
        tax = Taxonomy(source="esco", version="1.1.1", name="ESCO")
        session.add(tax)
        session.flush()
        for uri, label, alts in [
            ("http://x/skill/py", "Python (computer programming)", ["Python"]),
            ("http://x/skill/js", "JavaScript", ["JS"]),
            ("http://x/skill/budget", "manage budgets", ["budgeting"]),
        ]:
            session.add(Skill(taxonomy_id=tax.id, external_id=uri, preferred_label=label, alt_labels=alts))
        session.add(Occupation(taxonomy_id=tax.id, external_id="http://x/occ/dev", title="software developer",
                               alt_titles=["programmer"]))
        session.add(Occupation(taxonomy_id=tax.id, external_id="http://x/occ/acc", title="accountant"))
    engine.dispose()
    yield fresh_db_url
    service._linkers.clear()
    get_settings.cache_clear()


def _app():  # type: ignore[no-untyped-def]
    from trellis.cli import app

    return app


def test_skills_link_streams_json_lines_in_and_out(db_url: str, tmp_path: Path) -> None:
    texts = ["python", "Python and JS", "budgeting", "JS"]
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    result = runner.invoke(_app(), ["skills", "link", "--top", "2", "--batch", "2", "--db", db_url], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [0, 1, 2, 3]
    assert rows[0]["skills"][0] == {"uri": "http://x/skill/py", "label": "Python (computer programming)",
                                    "score": rows[0]["skills"][0]["score"], "evidence": "python"}
    assert rows[2]["skills"][0]["uri"] == "http://x/skill/budget"
    assert all(len(r["skills"]) == 2 for r in rows)
    assert list((tmp_path / "data" / "embeddings").glob("esco-1.1.1-skills-*.ivf3"))


@pytest.mark.parametrize(
    ("second_line", "reason"),
    [
        (b"not json", "stdin:2: line"),
        (b"", "stdin:2: empty line"),
        (b'{"id": 2, "text": "   "}', "stdin:2: text: empty"),
        (b'{"id": 2, "text": "caf\xe9"}', "stdin:2: not UTF-8 text (byte 0xe9 at column 23)"),
        (b'{"id": 2, "text": "' + b"a" * 1_000_000 + b'"}', "stdin:2: line is 1,000,022 bytes"),
        (b'{"id": 2}', "stdin:2: text: Field required"),
    ],
)
def test_a_bad_input_line_exits_1_naming_the_line_and_writes_nothing(
    db_url: str, second_line: bytes, reason: str
) -> None:
    lines = b'{"id": 1, "text": "python"}\n' + second_line + b"\n" + b'{"id": 3, "text": "JS"}\n'
    for command in (["skills", "link"], ["skills", "suggest-for-posting"], ["roles", "link-titles"]):
        result = runner.invoke(_app(), [*command, "--db", db_url], input=lines)
        assert result.exit_code == 1, (command, result.output)
        assert reason in str(result.exception), (command, result.exception)
        assert result.stdout == ""  # not even the good first line


def test_linking_without_a_taxonomy_says_to_import_one(fresh_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("trellis.embedding.get_encoder", TrigramEncoder)
    service._linkers.clear()
    result = runner.invoke(_app(), ["skills", "link", "--db", fresh_db_url], input='{"id": 1, "text": "python"}\n')
    assert result.exit_code == 1
    assert "no active taxonomy with skills: import one first" in str(result.exception)
    assert result.stdout == ""


def test_suggest_for_posting_lends_the_skills_of_the_titles_occupation(db_url: str) -> None:
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as session:
        developer = session.query(Occupation).filter_by(external_id="http://x/occ/dev").one()
        python = session.query(Skill).filter_by(external_id="http://x/skill/py").one()
        session.add(OccupationSkill(occupation_id=developer.id, skill_id=python.id, relation="essential"))
    engine.dispose()
    lines = json.dumps({"id": "p1", "text": "Senior programmer\nYou will own the budgeting."}) + "\n"
    result = runner.invoke(_app(), ["skills", "suggest-for-posting", "--top", "3", "--db", db_url], input=lines)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    by_uri = {s["uri"]: s for s in row["skills"]}
    assert by_uri["http://x/skill/py"]["evidence"] == "title: essential for software developer"
    assert by_uri["http://x/skill/budget"]["evidence"] == "budgeting"


def test_skills_search_and_complete_print_labels(db_url: str) -> None:
    result = runner.invoke(_app(), ["skills", "search", "javascript", "--top", "1", "--db", db_url])
    assert result.exit_code == 0 and "JavaScript" in result.stdout
    result = runner.invoke(_app(), ["skills", "complete", "budg", "--db", db_url])
    assert result.exit_code == 0 and "manage budgets" in result.stdout


def test_roles_link_titles_returns_occupation_uris(db_url: str) -> None:
    lines = json.dumps({"id": "a", "text": "Senior Programmer"}) + "\n"
    result = runner.invoke(_app(), ["roles", "link-titles", "--top", "1", "--db", db_url], input=lines)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["id"] == "a" and row["roles"][0]["uri"] == "http://x/occ/dev" and "code" not in row["roles"][0]


def test_the_eval_commands_print_the_metrics(db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "eval"
    (data / "skill-linking").mkdir(parents=True)
    (data / "title-normalization").mkdir()
    for name in ("tech", "house"):
        (data / "skill-linking" / f"{name}_validation_annotations.csv").write_text(
            "sentence,span,sub_span,label\n"
            "we use python daily,python,,Python (computer programming)\n"
            "we use python daily,daily,,UNDERSPECIFIED\n"
            "own the budgeting,budgeting,,manage budgets\n"
            "own the budgeting,own,,not in this taxonomy\n"
        )
    (data / "title-normalization" / "titles.validation.csv").write_text(
        ",vacancyTitle,conceptUri\n0,Programmer,http://x/occ/dev\n1,Chief accountant,http://x/occ/acc\n"
    )
    result = runner.invoke(_app(), ["eval", "skill-linking", "--data", str(data), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "TECH MRR=1.0000 RP@1=1.0000" in result.stdout and "HOUSE" in result.stdout
    result = runner.invoke(_app(), ["eval", "title-normalization", "--data", str(data), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "titles MRR=1.0000 R@1=1.0000" in result.stdout
