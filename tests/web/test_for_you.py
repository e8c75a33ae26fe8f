""""For you" and shortlists from the matching engine, with the portal's rules on top."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from portal_world import World


def test_for_you_lists_open_openings_with_reasons_and_what_would_raise_the_match(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    eve = as_role("employee")
    data = eve.get("/api/v1/recommendations").json()
    assert not data["opted_out"] and data["model_version"]
    item = next(i for i in data["items"] if i["opportunity_id"] == world.gig)
    match = item["match"]
    assert 0 <= match["score"] <= 100 and match["reasons"]
    assert abs(sum(c["points"] for c in match["components"]) - match["score"]) < 0.5
    assert all(s["score_if_added"] > match["score"] for s in item["raise_by"])
    page = eve.get("/for-you").text
    assert "Data pipeline gig" in page and "How the score is made up" in page
    assert "How you match" in eve.get(f"/opportunities/{world.gig}").text


def test_someone_who_opted_out_gets_no_recommendations_and_is_left_off_shortlists(
    as_role: Callable[[str], TestClient], world: World, portal_settings,  # type: ignore[no-untyped-def]
) -> None:
    from sqlalchemy import update

    from trellis.db import make_engine, make_session_factory
    from trellis.models import Preferences

    hr = as_role("hr_partner")
    before = [e["employee_id"] for e in hr.get(f"/api/v1/opportunities/{world.gig}/shortlist").json()]
    assert world.eve in before
    eve = as_role("employee")
    eve.put("/api/v1/profile/preferences", json={"visibility": "company"})
    engine = make_engine(portal_settings.database_url)
    with make_session_factory(engine)() as s:
        s.execute(update(Preferences).where(Preferences.employee_id == world.eve).values(ai_opt_out=True))
        s.commit()
    engine.dispose()
    try:
        data = eve.get("/api/v1/recommendations").json()
        assert data["opted_out"] and data["items"] == []
        assert "switched off automated recommendations" in eve.get("/for-you").text
        after = [e["employee_id"] for e in hr.get(f"/api/v1/opportunities/{world.gig}/shortlist").json()]
        assert world.eve not in after
    finally:
        engine = make_engine(portal_settings.database_url)
        with make_session_factory(engine)() as s:
            s.execute(update(Preferences).where(Preferences.employee_id == world.eve).values(ai_opt_out=False))
            s.commit()
        engine.dispose()


def test_a_private_profile_is_on_shortlists_for_hr_only(as_role: Callable[[str], TestClient], world: World) -> None:
    eve = as_role("employee")
    eve.put("/api/v1/profile/preferences", json={"visibility": "private"})
    try:
        hr = [e["employee_id"] for e in as_role("hr_admin").get(f"/api/v1/opportunities/{world.gig}/shortlist").json()]
        assert world.eve in hr
    finally:
        eve.put("/api/v1/profile/preferences", json={"visibility": "company"})


def test_shortlists_are_for_the_hiring_manager_and_hr_only(as_role: Callable[[str], TestClient], world: World) -> None:
    assert as_role("manager").get(f"/api/v1/opportunities/{world.gig}/shortlist").status_code == 403  # not hers
    assert as_role("employee").get(f"/api/v1/opportunities/{world.gig}/shortlist").status_code == 403


def test_what_was_shown_is_logged_for_the_fairness_audits(
    as_role: Callable[[str], TestClient], world: World, portal_settings,  # type: ignore[no-untyped-def]
) -> None:
    from sqlalchemy import func, select

    from trellis.db import make_engine, make_session_factory
    from trellis.models import RecommendationEvent

    def shown() -> int:
        engine = make_engine(portal_settings.database_url)
        with make_session_factory(engine)() as s:
            n = s.scalar(select(func.count()).select_from(RecommendationEvent).where(
                RecommendationEvent.kind == "shown", RecommendationEvent.employee_id == world.eve)) or 0
        engine.dispose()
        return n

    before = shown()
    items = as_role("employee").get("/api/v1/recommendations").json()["items"]
    assert items and shown() == before + len(items)


def test_for_you_leaves_out_weak_matches_and_says_what_would_help_and_which_rules_keep_openings_out(
    world: World, tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from portal_world import app_for, login, settings_for

    strict = login(app_for(settings_for(world.url, tmp_path, recommend_min_score=99)), "eve@example.com")
    data = strict.get("/api/v1/recommendations").json()
    assert data["items"] == [] and data["floor"] == 99
    assert data["closest"]["match"]["score"] < 99 and data["tips"]
    page = strict.get("/for-you").text
    assert "Nothing good enough to suggest yet" in page and "The closest is" in page
    assert "What would help" in page
    usual = login(app_for(settings_for(world.url, tmp_path)), "eve@example.com").get("/api/v1/recommendations").json()
    assert usual["floor"] == 50 and all(i["match"]["score"] >= 50 for i in usual["items"])
