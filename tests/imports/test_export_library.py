"""`export skills` writes the company-owned library: the company's own taxonomy when it has one,
otherwise the Trellis starter library the demo organisation is built on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.db import make_engine, make_session_factory
from trellis.demo.service import build_demo
from trellis.imports.org import export_skills
from trellis.imports.service import export_file, import_file


def test_exporting_skills_on_a_demo_database_round_trips_the_starter_library(settings: Settings,
                                                                              tmp_path: Path) -> None:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            build_demo(session, employees=100, seed=2)
            session.commit()
            first = export_file(session, kind="skills", path=tmp_path / "first.csv")
            assert first.rows > 300
            # importing it makes it the company's own library, which is exported from then on
            result = import_file(session, kind="skills", path=tmp_path / "first.csv", settings=settings)
            assert result.created == first.rows and result.updated == 0
            session.commit()
            export_file(session, kind="skills", path=tmp_path / "second.csv")
            again = import_file(session, kind="skills", path=tmp_path / "second.csv", settings=settings)
            assert again.unchanged == first.rows
    finally:
        engine.dispose()
    assert (tmp_path / "second.csv").read_text() == (tmp_path / "first.csv").read_text()


def test_once_the_company_has_its_own_library_that_is_what_is_exported(session: Session, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret")  # for the import limits only
    build_demo(session, employees=100, seed=2)
    starter = export_skills(session)
    (tmp_path / "own.csv").write_text("id,label,type\nS-1,Negotiation,skill\n")
    import_file(session, kind="skills", path=tmp_path / "own.csv", settings=settings)
    own = export_skills(session)
    assert [r["id"] for r in own] == ["S-1"] and len(starter) > 300
