"""Every edit form round-trips every field: opening a form and saving it unchanged changes
nothing (an edit that showed the location as "None" and wiped it on save lost data)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from builders import make_opportunity, make_org_unit
from html_forms import form_fields
from portal_world import World
from trellis.db import make_engine, make_session_factory
from trellis.models import Opportunity, Preferences, TargetRole

FIELDS = ("type", "title", "description", "role_id", "org_unit_id", "location_id", "remote", "hours_per_week",
          "duration_weeks", "closes_on", "hiring_manager_id", "status")


def _post_unchanged(client: TestClient, page: str, action: str) -> None:
    data: dict[str, list[str]] = {}
    for name, value in form_fields(client.get(page).text, action):
        data.setdefault(name, []).append(value)
    response = client.post(action, data=data, follow_redirects=False)  # type: ignore[arg-type]
    assert response.status_code == 303, response.text


def _opening(world: World, opp_id: int) -> dict[str, Any]:
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        opp = s.get(Opportunity, opp_id)
        assert opp is not None
        out = {f: getattr(opp, f) for f in FIELDS}
        out["skills"] = sorted((k.skill_id, k.min_proficiency, k.required) for k in opp.skills)
    engine.dispose()
    return out


def test_saving_an_opening_unchanged_keeps_every_field(as_role: Callable[[str], TestClient], world: World) -> None:
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        unit = make_org_unit(s, name="Data platform")
        opp = make_opportunity(s, title="Every field set", type="project", status="draft", hiring_manager_id=world.hugo,
                               description="Line one.\nLine two & more.", role_id=world.role, org_unit_id=unit.id,
                               location_id=world.location, remote="hybrid", hours_per_week=6, duration_weeks=10,
                               closes_on=date(2027, 3, 31))
        s.flush()
        from trellis.models import OpportunitySkill
        s.add_all([OpportunitySkill(opportunity_id=opp.id, skill_id=world.python, min_proficiency=4, required=True),
                   OpportunitySkill(opportunity_id=opp.id, skill_id=world.kubernetes, min_proficiency=2,
                                    required=False)])
        s.commit()
        opp_id = opp.id
    engine.dispose()
    before = _opening(world, opp_id)
    assert all(v is not None for v in before.values()), before

    _post_unchanged(as_role("hugo@example.com"), f"/manage/opportunities/{opp_id}", f"/manage/opportunities/{opp_id}")

    assert _opening(world, opp_id) == before


def test_saving_preferences_unchanged_keeps_every_field(as_role: Callable[[str], TestClient], world: World) -> None:
    eve = as_role("employee")
    prefs = {"interests": ["data", "cloud"], "target_role_ids": [world.role], "open_to_jobs": False,
             "open_to_gigs": True, "open_to_mentoring": True, "remote": "hybrid", "relocation": True,
             "gig_hours_per_week": 7, "visibility": "managers", "ai_opt_out": False}
    assert eve.put("/api/v1/profile/preferences", json=prefs).status_code == 200

    def stored() -> dict[str, Any]:
        engine = make_engine(world.url)
        with make_session_factory(engine)() as s:
            p = s.scalar(select(Preferences).where(Preferences.employee_id == world.eve))
            assert p is not None
            out = {k: getattr(p, k) for k in prefs if k != "target_role_ids"}
            out["target_role_ids"] = list(s.scalars(select(TargetRole.role_id).where(
                TargetRole.employee_id == world.eve)))
        engine.dispose()
        return out

    before = stored()
    assert before == prefs
    _post_unchanged(eve, "/profile", "/profile/preferences")
    assert stored() == before


def test_saving_the_matching_settings_unchanged_keeps_every_setting(as_role: Callable[[str], TestClient]) -> None:
    hr = as_role("hr_admin")
    before = hr.get("/api/v1/matching/config").json()
    data: dict[str, list[str]] = {}
    for name, value in form_fields(hr.get("/hr/matching").text, "/hr/matching"):
        data.setdefault(name, []).append(value)
    data["reason"] = ["Saved unchanged, as a check"]
    response = hr.post("/hr/matching", data=data, follow_redirects=False)  # type: ignore[arg-type]
    assert response.status_code in (200, 303), response.text
    after = hr.get("/api/v1/matching/config").json()
    assert after["model_version"] == before["model_version"]
    assert [(s["key"], s["value"]) for s in after["settings"]] == [(s["key"], s["value"]) for s in before["settings"]]
