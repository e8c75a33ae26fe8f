"""The published releases from ../shared/data (skipped when that folder is absent)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from taxonomy.releases import SHARED
from trellis.taxonomy import service

ESCO = SHARED / "esco-1.1.1"
ONET = SHARED / "onet-29.3"


@pytest.mark.skipif(not ESCO.is_dir(), reason=f"the ESCO 1.1.1 release is not at {ESCO}")
def test_the_full_esco_release_imports_in_well_under_a_minute(session: Session) -> None:
    result = service.import_esco(session, paths=[ESCO])
    assert result.version == "1.1.1"
    assert result.skills == 13_896 + 640  # skills and skill groups
    assert result.occupations == 3_007
    assert result.occupation_skills == 123_855 - 67  # 67 links name an occupation missing from the release
    assert result.seconds < 60  # about 4 s on SQLite, 10 s on PostgreSQL on an idle machine


@pytest.mark.skipif(not ONET.is_dir(), reason=f"the O*NET 29.3 release is not at {ONET}")
def test_the_full_onet_release_imports(session: Session) -> None:
    result = service.import_onet(session, paths=[ONET])
    assert (result.version, result.occupations) == ("29.3", 1_016)
    assert result.seconds < 60
