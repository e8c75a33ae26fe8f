from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from builders import make_marketplace
from trellis.config import Settings
from trellis.errors import NotFound
from trellis.matching import service
from trellis.models import (
    EmployeeSkill,
    OpportunityVisibility,
    PerformancePlan,
    ProtectedAttributes,
    RecommendationEvent,
)


@pytest.fixture
def org(session: Session) -> dict[str, Any]:
    return make_marketplace(session)


def test_recommendations_carry_components_that_add_up_and_actionable_skill_gaps(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    out = service.recommend(session, settings=match_settings, employee=org["alice"].external_id, k=10)
    job = next(r for r in out.results if r.opportunity == org["job"].external_id)
    assert abs(sum(c.points for c in job.components) - job.score) < 0.05
    skills = {s.skill: s for s in job.skills}
    assert skills["Python"].status == "matched"
    assert skills["MySQL"].status == "partial" and skills["MySQL"].via == "PostgreSQL"
    assert skills["Kubernetes"].status == "missing"
    assert skills["Kubernetes"].score_if_added is not None and skills["Kubernetes"].score_if_added > job.score
    # the gain is told once (the skill's score_if_added), not repeated among the reasons
    assert not any("Kubernetes" in r for r in job.reasons)
    assert any(r.startswith("You have ") and "Python" in r for r in job.reasons)


def test_an_opening_in_the_own_team_is_excluded_and_explain_says_which_rule(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    out = service.recommend(session, settings=match_settings, employee=org["alice"].external_id)
    assert org["own"].external_id not in {r.opportunity for r in out.results}
    why = service.explain(session, settings=match_settings, employee=org["alice"].external_id,
                          opportunity=org["own"].external_id)
    assert not why.eligible and [r.rule for r in why.excluded_by] == ["own_team"]


def test_an_open_performance_plan_excludes_jobs_but_not_gigs(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    session.add(PerformancePlan(employee_id=org["alice"].id, opened_on=date(2026, 1, 1)))
    session.flush()
    out = service.recommend(session, settings=match_settings, employee=org["alice"].external_id)
    shown = {r.opportunity for r in out.results}
    assert org["job"].external_id not in shown and org["gig"].external_id in shown
    why = service.explain(session, settings=match_settings, employee=org["alice"].external_id,
                          opportunity=org["job"].external_id)
    assert "performance_plan" in [r.rule for r in why.excluded_by]


def test_a_restricted_opening_is_only_shown_inside_its_org_unit(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    session.add(OpportunityVisibility(opportunity_id=org["gig"].id, org_unit_id=org["unit"].id))
    session.flush()
    alice = service.recommend(session, settings=match_settings, employee=org["alice"].external_id)
    bob = service.recommend(session, settings=match_settings, employee=org["bob"].external_id)
    assert org["gig"].external_id in {r.opportunity for r in alice.results}
    assert org["gig"].external_id not in {r.opportunity for r in bob.results}


def test_a_marked_skill_change_shows_in_the_next_query_without_a_rebuild(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    ext, job = org["alice"].external_id, org["job"].external_id
    before = service.explain(session, settings=match_settings, employee=ext, opportunity=job).score
    index = service.get_index(session, settings=match_settings)
    session.add(EmployeeSkill(employee_id=org["alice"].id, skill_id=org["skills"]["Kubernetes"].id, proficiency=3,
                              source="assessed"))
    session.flush()
    service.mark_changed(session, employee_ids=[org["alice"].id])
    after = service.explain(session, settings=match_settings, employee=ext, opportunity=job).score
    assert after > before + 5
    assert service.get_index(session, settings=match_settings) is index  # refreshed in place


def test_candidates_rank_people_and_shown_results_are_recorded_with_score_and_version(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    out = service.candidates(session, settings=match_settings, opportunity=org["job"].external_id, k=5)
    assert out.results[0].employee == org["alice"].external_id
    assert service.record_shown(session, results=out, source="candidates", actor="test") == len(out.results)
    rows = session.scalars(select(RecommendationEvent).where(RecommendationEvent.source == "candidates")).all()
    assert rows[0].rank == 1 and rows[0].score == out.results[0].score
    assert set(rows[0].components) == {c.name for c in out.results[0].components}
    assert rows[0].model_version and rows[0].model_version.startswith(service.ENGINE_VERSION)


def test_unknown_or_closed_ids_are_not_found(session: Session, match_settings: Settings,
                                             org: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        service.recommend(session, settings=match_settings, employee="nobody")
    with pytest.raises(NotFound):
        service.candidates(session, settings=match_settings, opportunity="nothing")


def test_the_engine_never_reads_protected_attributes(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    statements: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.lower())

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", spy)
    try:
        first = service.recommend(session, settings=match_settings, employee=org["alice"].external_id)
        row = session.scalars(select(ProtectedAttributes)).one()
        row.sex, row.race_ethnicity, row.birth_year, row.disability = "male", "y", 1999, "yes"
        session.flush()
        service.reset_cache()
        statements.clear()
        second = service.recommend(session, settings=match_settings, employee=org["alice"].external_id)
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert statements and not any("protected_attributes" in s for s in statements)
    assert [(r.opportunity, r.score) for r in first.results] == [(r.opportunity, r.score) for r in second.results]
    index = service.get_index(session, settings=match_settings)
    fields = {f for p in index.snapshot.people for f in vars(p)} if hasattr(index.snapshot.people[0], "__dict__") \
        else set(type(index.snapshot.people[0]).__dataclass_fields__)
    assert not fields & {"sex", "race_ethnicity", "birth_year", "disability"}
