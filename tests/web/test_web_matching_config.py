"""HR's matching settings in the portal and the API: HR admins change score weights and rules
with a reason (audited), HR partners read them, everyone else is kept out; a bad value is shown
next to its field and nothing is saved."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from portal_world import World, hr_bearer

SEMANTIC, LEVELS_UP = "matching.weight_semantic", "matching.max_levels_up"
API = "/api/v1/matching/config"


def config(client: TestClient) -> dict[str, Any]:
    response = client.get(API)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def value(client: TestClient, key: str) -> Any:
    return next(s["value"] for s in config(client)["settings"] if s["key"] == key)


def form(client: TestClient, **changes: str) -> dict[str, str]:
    """What the page's form posts: every knob as shown, with ``changes`` typed over it."""
    def text(v: Any) -> str:
        return ("on" if v else "off") if isinstance(v, bool) else str(v)
    shown = {s["key"]: text(s["value"]) for s in config(client)["settings"]}
    return {**shown, **{f"matching.{k}": v for k, v in changes.items()}}


def config_events(client: TestClient) -> int:
    return int(client.get("/api/v1/audit", params={"action": "config.change"}).json()["total"])


def test_hr_admins_see_every_knob_with_value_default_description_and_a_form(
        as_role: Callable[[str], TestClient]) -> None:
    ada = as_role("hr_admin")
    assert 'href="/hr/matching"' in ada.get("/").text
    page = ada.get("/hr/matching")
    assert page.status_code == 200
    for key in (SEMANTIC, LEVELS_UP, "matching.exclude_own_team", "matching.trust_self_declared"):
        assert f'name="{key}"' in page.text and f'<label for="f-{key.replace(".", "-")}">' in page.text
    assert "Profile and history vs posting text" in page.text and "Largest step up in level" in page.text
    assert "Share of score" in page.text and "never (default in use)" in page.text
    assert 'name="reason"' in page.text and "required" in page.text.split('name="reason"')[1][:40]
    assert 'name="csrf_token"' in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text) and " style=" not in page.text  # CSP: no inline code


def test_hr_partners_read_the_settings_but_get_no_form_and_others_are_kept_out(
        as_role: Callable[[str], TestClient]) -> None:
    pat = as_role("hr_partner")
    page = pat.get("/hr/matching")
    assert page.status_code == 200 and "Largest step up in level" in page.text
    assert f'name="{SEMANTIC}"' not in page.text and "Only HR administrators change" in page.text
    assert config(pat)["model_version"].startswith("trellis-match/")
    for role in ("employee", "manager", "sysadmin"):
        assert as_role(role).get("/hr/matching").status_code == 403, role
        assert as_role(role).get(API).status_code == 403, role


def test_only_hr_admins_may_change_the_settings(as_role: Callable[[str], TestClient]) -> None:
    before = config_events(as_role("hr_admin"))
    for role in ("employee", "manager", "hr_partner", "sysadmin"):
        client = as_role(role)
        response = client.post("/hr/matching", data={SEMANTIC: "0.9", "reason": "not mine", "action": "save"})
        assert response.status_code == 403 and "may not do this" in response.text, role
        assert client.patch(API, json={"values": {SEMANTIC: 0.9}, "reason": "no"}).status_code == 403, role
    assert config_events(as_role("hr_admin")) == before


def test_an_hr_admin_changes_a_weight_through_the_form_and_it_is_audited_and_in_effect(
        as_role: Callable[[str], TestClient], world: World) -> None:
    ada = as_role("hr_admin")
    version, events = config(ada)["model_version"], config_events(ada)
    done = ada.post("/hr/matching", data={**form(ada, weight_semantic="0.45"), "reason": "pilot feedback",
                                          "action": "save"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/hr/matching?changed=1"
    page = ada.get(done.headers["location"])
    assert "Saved: 1 setting changed." in page.text and "user:" in page.text
    after = config(ada)
    row = next(s for s in after["settings"] if s["key"] == SEMANTIC)
    assert (row["value"], row["overridden"]) == (0.45, True) and after["model_version"] != version
    assert config_events(ada) == events + 1
    event = ada.get("/api/v1/audit", params={"action": "config.change"}).json()["items"][0]
    assert (event["entity_id"], event["reason"], event["data"]) == (SEMANTIC, "pilot feedback",
                                                                   {"old": 0.15, "new": 0.45})
    share = next(w["share"] for w in after["weights"] if w["key"] == SEMANTIC)
    assert f"Profile and history vs posting text: {round(100 * share)}%" in as_role("employee").get(
        "/how-it-works").text
    # the reset box puts the default back
    reset = ada.post("/hr/matching", data={**form(ada), "reset": SEMANTIC, "reason": "undo", "action": "save"})
    assert reset.status_code == 200 and value(ada, SEMANTIC) == 0.15
    assert config(ada)["model_version"] == version


def test_a_bad_value_is_shown_next_to_its_field_and_nothing_is_saved(as_role: Callable[[str], TestClient]) -> None:
    ada = as_role("hr_admin")
    before, events = config(ada), config_events(ada)
    response = ada.post("/hr/matching", data={**form(ada, weight_semantic="0.3", max_levels_up="-1",
                                                     trust_inferred="lots"), "reason": "typo", "action": "save"})
    assert response.status_code == 422
    text = response.text
    assert "Nothing was saved" in text and 'role="alert"' in text
    assert "must be at least 0, not -1" in text and "&#34;lots&#34; is not a number" in text
    assert 'id="f-matching-max_levels_up-e"' in text and 'aria-invalid="true"' in text
    assert 'value="lots"' in text and 'value="typo"' in text  # what was typed stays in the form
    assert config(ada)["settings"] == before["settings"] and config_events(ada) == events
    zero = ada.post("/hr/matching", data={**form(ada, **{k["key"].removeprefix("matching."): "0" for k in
                                                         before["weights"]}), "reason": "x", "action": "save"})
    assert zero.status_code == 422 and "at least one weight must be above 0" in zero.text
    no_reason = ada.post("/hr/matching", data={**form(ada, max_levels_up="1"), "reason": " ", "action": "save"})
    assert no_reason.status_code == 422 and "a reason is required" in no_reason.text
    assert config(ada)["settings"] == before["settings"] and config_events(ada) == events


def test_a_preview_shows_the_normalised_weights_of_the_values_typed_and_saves_nothing(
        as_role: Callable[[str], TestClient]) -> None:
    ada = as_role("hr_admin")
    before = config(ada)
    weights = {k["key"].removeprefix("matching."): "0" for k in before["weights"]}
    weights.update(weight_required_skills="3", weight_level="1")
    page = ada.post("/hr/matching", data={**form(ada, **weights), "action": "preview"})
    assert page.status_code == 200 and "Preview:" in page.text
    assert '<span id="f-matching-weight_required_skills-s">75.0%</span>' in page.text
    assert '<span id="f-matching-weight_level-s">25.0%</span>' in page.text
    assert config(ada) == before


def test_the_api_changes_several_knobs_at_once_resets_with_null_and_names_every_bad_value(
        as_role: Callable[[str], TestClient], world: World) -> None:
    headers = hr_bearer(world.url)
    ada = as_role("hr_admin")
    events = config_events(ada)
    out = ada.patch(API, headers=headers, json={"values": {LEVELS_UP: 0, "matching.exclude_own_team": False},
                                                "reason": "policy 2026"})
    assert out.status_code == 200, out.text
    rows = {s["key"]: s for s in out.json()["settings"]}
    assert (rows[LEVELS_UP]["value"], rows["matching.exclude_own_team"]["value"]) == (0, False)
    assert rows[LEVELS_UP]["updated_by"].startswith("user:") and config_events(ada) == events + 2
    bad = ada.patch(API, headers=headers, json={"values": {SEMANTIC: "high", "matching.trust_inferred": 2,
                                                           "ai.recommendations_enabled": False}, "reason": "x"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == ["matching.weight_semantic: expected a number, got str",
                                    "matching.trust_inferred: must be at most 1, not 2",
                                    "ai.recommendations_enabled: not changed here (only matching.* settings)"]
    assert ada.patch(API, headers=headers, json={"values": {LEVELS_UP: 1}}).status_code == 422  # no reason
    back = ada.patch(API, headers=headers, json={"values": {LEVELS_UP: None, "matching.exclude_own_team": None},
                                                 "reason": "back to defaults"})
    assert back.status_code == 200 and not any(s["overridden"] for s in back.json()["settings"])
    assert config_events(ada) == events + 4
