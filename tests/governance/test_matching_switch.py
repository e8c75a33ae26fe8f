"""The company switch and the personal opt-out stop automated recommendations in the matching
service at once, with a clear reason; the marketplace (search, apply) is untouched."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from builders import make_marketplace
from trellis.config import Settings
from trellis.errors import Conflict
from trellis.governance import service as governance
from trellis.matching import service
from trellis.matching.batch import run_batch
from trellis.models import Preferences


@pytest.fixture(autouse=True)
def _fresh_matching_cache() -> Iterator[None]:
    service.reset_cache()
    yield
    service.reset_cache()


@pytest.fixture
def match_settings() -> Settings:
    return Settings(database_url="sqlite:///governance-test-session", match_text_encoder="hashing")


@pytest.fixture
def org(session: Session) -> dict[str, Any]:
    return make_marketplace(session)


def switch(session: Session, on: bool) -> None:
    governance.set_setting(session, key=governance.AI_RECOMMENDATIONS, value=on, actor="user:1", reason="test")


def test_switching_recommendations_off_empties_recommend_and_candidates_with_the_reason(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    alice, job = org["alice"].external_id, org["job"].external_id
    assert service.recommend(session, settings=match_settings, employee=alice).results
    assert service.candidates(session, settings=match_settings, opportunity=job).results
    switch(session, False)
    for out in (service.recommend(session, settings=match_settings, employee=alice),
                service.candidates(session, settings=match_settings, opportunity=job)):
        assert out.results == [] and "switched off for the whole company" in (out.notice or "")
    with pytest.raises(Conflict, match="switched off"):
        run_batch(session, settings=match_settings)
    switch(session, True)
    out = service.recommend(session, settings=match_settings, employee=alice)
    assert out.results and out.notice is None


def test_a_person_who_opts_out_gets_no_recommendations_and_leaves_candidate_lists_at_once(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    alice, job = org["alice"], org["job"].external_id
    before = service.candidates(session, settings=match_settings, opportunity=job, k=10)
    assert alice.external_id in {r.employee for r in before.results}
    prefs = session.query(Preferences).filter_by(employee_id=alice.id).one_or_none()
    if prefs is None:
        prefs = Preferences(employee_id=alice.id)
        session.add(prefs)
    prefs.ai_opt_out = True
    session.flush()
    mine = service.recommend(session, settings=match_settings, employee=alice.external_id)
    assert mine.results == [] and "opted out" in (mine.notice or "")
    after = service.candidates(session, settings=match_settings, opportunity=job, k=10)
    assert alice.external_id not in {r.employee for r in after.results}
    assert {r.employee for r in after.results} == {r.employee for r in before.results} - {alice.external_id}
