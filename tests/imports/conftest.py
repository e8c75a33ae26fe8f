"""Helpers for the import tests: the example company, row counts of every table, files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.imports.schemas import KINDS
from trellis.imports.service import import_file
from trellis.models import Base

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def table_counts(session: Session) -> dict[str, int]:
    """Rows in every table: proof that a refused import wrote nothing."""
    return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def import_examples(session: Session, settings: Settings, kinds: tuple[str, ...] = KINDS) -> None:
    for kind in kinds:
        import_file(session, kind=kind, path=EXAMPLES / f"{kind}.csv", settings=settings)


@pytest.fixture
def import_settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}", max_import_errors=50, max_upload_mb=100)


@pytest.fixture
def company(session: Session, import_settings: Settings) -> Session:
    """The example company (every example file imported in order) in the rolled-back session."""
    import_examples(session, import_settings)
    return session


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write
