"""AI governance in the portal: everyone can read how recommendations work; HR admins switch
them off and on with a reason (audited); a person opts out in their preferences."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from portal_world import World
from trellis.db import make_engine
from trellis.models import Preferences


def test_everyone_signed_in_can_read_how_recommendations_work(as_role: Callable[[str], TestClient]) -> None:
    for role in ("employee", "manager", "hr_partner", "hr_admin", "sysadmin"):
        page = as_role(role).get("/how-it-works")
        assert page.status_code == 200, role
        assert "What it never looks at" in page.text and "never rejects anyone" in page.text
    assert 'href="/how-it-works"' in as_role("employee").get("/").text


def test_hr_switches_recommendations_off_with_a_reason_and_everyone_is_told(
    as_role: Callable[[str], TestClient],
) -> None:
    ada, eve = as_role("hr_admin"), as_role("employee")
    assert "AI governance" in ada.get("/").text and "AI governance" not in eve.get("/").text
    page = ada.get("/hr/governance")
    assert page.status_code == 200 and "Automated recommendations: on" in page.text
    assert "ai.recommendations_enabled:" not in page.text  # the heading reads the label, not the key (#15)
    refused = ada.post("/hr/governance/settings", data={"key": "ai.recommendations_enabled", "value": "off",
                                                          "reason": "  "})
    assert refused.status_code == 422 and "reason" in refused.text
    done = ada.post("/hr/governance/settings", data={"key": "ai.recommendations_enabled", "value": "off",
                                                       "reason": "works council review"}, follow_redirects=False)
    assert done.status_code == 303
    assert "Automated recommendations: off" in ada.get("/hr/governance").text
    assert "switched off for the whole company" in eve.get("/how-it-works").text
    event = ada.get("/api/v1/audit", params={"action": "config.change"}).json()["items"][0]
    assert (event["reason"], event["data"]) == ("works council review", {"old": True, "new": False})
    assert eve.get("/marketplace").status_code == 200  # the marketplace still works
    ada.post("/hr/governance/settings", data={"key": "ai.recommendations_enabled", "value": "on",
                                              "reason": "review done"})
    assert "switched off" not in eve.get("/how-it-works").text


def test_only_hr_admins_may_change_company_settings(as_role: Callable[[str], TestClient]) -> None:
    for role in ("employee", "manager", "hr_partner", "sysadmin"):
        response = as_role(role).post("/hr/governance/settings", data={
            "key": "ai.recommendations_enabled", "value": "off", "reason": "not mine to decide"})
        assert response.status_code == 403, role


def test_a_person_opts_out_of_recommendations_in_their_preferences(
    as_role: Callable[[str], TestClient], world: World,
) -> None:
    eve = as_role("employee")
    saved = eve.post("/profile/preferences", data={"ai_opt_out": "on", "remote": "any", "visibility": "company",
                                                   "open_to_gigs": "on"}, follow_redirects=False)
    assert saved.status_code == 303
    engine = make_engine(world.url)
    with engine.connect() as conn:
        assert conn.execute(select(Preferences.ai_opt_out).where(Preferences.employee_id == world.eve)).scalar()
    engine.dispose()
    assert "You opted out of automated recommendations" in eve.get("/how-it-works").text
    assert "checked" in eve.get("/profile").text.split('name="ai_opt_out"')[1][:20]
    assert eve.get("/marketplace").status_code == 200
    eve.post("/profile/preferences", data={"remote": "any", "visibility": "company", "open_to_gigs": "on"})
    assert "You opted out" not in eve.get("/how-it-works").text
