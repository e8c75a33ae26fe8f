"""The company's matching settings: stored values win over the deployment's defaults, values are
checked against their bounds (all or nothing), every change and reset is audited, and the
matching service runs with them — new model version, new scores, new eligibility."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from builders import make_marketplace
from trellis.audit.schemas import AuditQuery
from trellis.audit.service import search
from trellis.config import Settings
from trellis.errors import Conflict, Invalid
from trellis.governance import service as governance
from trellis.governance.card import build_card, render_markdown
from trellis.governance.specs import MATCHING_KEYS, WEIGHT_KEYS
from trellis.matching import index as matching_index
from trellis.matching import service
from trellis.models import AuditEvent, CompanySetting, RecommendationEvent

SEMANTIC, LEVELS_UP = "matching.weight_semantic", "matching.max_levels_up"


@pytest.fixture(autouse=True)
def _fresh_matching_cache() -> Iterator[None]:
    service.reset_cache()
    yield
    service.reset_cache()


@pytest.fixture
def match_settings() -> Settings:
    return Settings(database_url="sqlite:///matching-config-test", match_text_encoder="hashing",
                    match_weight_semantic=0.3)


@pytest.fixture
def org(session: Session) -> dict[str, Any]:
    return make_marketplace(session)


def change(session: Session, settings: Settings, reason: str = "policy", **values: Any) -> list[str]:
    done = governance.set_settings(session, changes={f"matching.{k}": v for k, v in values.items()},
                                   actor="user:7", reason=reason, settings=settings)
    return [s.key for s in done]


def config_events(session: Session) -> int:
    return search(session, query=AuditQuery(action="config.change")).total


def test_the_environment_gives_the_defaults_and_a_company_value_wins(session: Session,
                                                                    match_settings: Settings) -> None:
    assert governance.matching_settings(session, settings=match_settings) is match_settings
    change(session, match_settings, weight_semantic=0.2, max_levels_up=1, exclude_own_team=False)
    effective = governance.matching_settings(session, settings=match_settings)
    assert (effective.match_weight_semantic, effective.match_max_levels_up, effective.match_exclude_own_team) == (
        0.2, 1, False)
    assert effective.match_weight_level == match_settings.match_weight_level  # untouched knobs keep the default
    row = next(s for s in governance.list_settings(session, settings=match_settings) if s.key == SEMANTIC)
    assert (row.value, row.default, row.overridden, row.updated_by, row.kind) == (0.2, 0.3, True, "user:7", "float")
    assert row.updated_at is not None and row.label == "Profile and history vs posting text"


def test_every_matching_knob_of_the_settings_is_a_company_setting_except_the_deployment_ones() -> None:
    fields = {k for k in Settings.model_fields if k.startswith("match_")}
    assert {f"matching.{f.removeprefix('match_')}" for f in fields} - set(MATCHING_KEYS) == {
        "matching.text_encoder", "matching.warm_on_start", "matching.save_index"}


@pytest.mark.parametrize(("values", "message"), [
    ({"weight_semantic": -0.1}, "matching.weight_semantic: must be at least 0, not -0.1"),
    ({"trust_inferred": 1.5}, "matching.trust_inferred: must be at most 1, not 1.5"),
    ({"max_levels_up": 1.5}, "matching.max_levels_up: must be a whole number, not 1.5"),
    ({"max_levels_down": -1}, "matching.max_levels_down: must be at least 0, not -1"),
    ({"min_months_in_role": float("nan")}, "matching.min_months_in_role: must be a finite number"),
    ({"related_credit": True}, "matching.related_credit: expected a number, got bool"),
    ({"exclude_own_team": "no"}, "matching.exclude_own_team: expected bool (on/off), got str"),
    ({"weight_unknown": 1}, "matching.weight_unknown: unknown setting"),
])
def test_a_bad_value_is_refused_naming_the_setting_and_the_reason(
        session: Session, match_settings: Settings, values: dict[str, Any], message: str) -> None:
    with pytest.raises(Invalid) as err:
        change(session, match_settings, **values)
    assert err.value.details == [message] and err.value.message.startswith("Nothing was changed")


def test_nothing_is_written_when_one_value_of_a_batch_is_bad(session: Session, match_settings: Settings) -> None:
    with pytest.raises(Invalid) as err:
        change(session, match_settings, weight_semantic=0.5, max_levels_up=-2, similarity_threshold=7)
    assert [d.split(":")[0] for d in err.value.details] == ["matching.max_levels_up", "matching.similarity_threshold"]
    assert session.scalar(select(func.count()).select_from(CompanySetting)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_weights_cannot_all_be_zero(session: Session, match_settings: Settings) -> None:
    keep = WEIGHT_KEYS[0]
    change(session, match_settings, **{k.removeprefix("matching."): 0 for k in WEIGHT_KEYS if k != keep})
    with pytest.raises(Invalid) as err:
        change(session, match_settings, **{keep.removeprefix("matching."): 0})
    assert err.value.details == ["matching weights: at least one weight must be above 0"]
    only = governance.matching_weights(governance.matching_settings(session, settings=match_settings))
    assert [(w.key, w.share) for w in only if w.share] == [(keep, 1.0)]


def test_a_change_is_audited_with_old_new_and_reason_and_an_unchanged_value_is_no_change(
        session: Session, match_settings: Settings) -> None:
    assert change(session, match_settings, "pilot feedback", weight_semantic=0.2, weight_level=0.07) == [SEMANTIC]
    event = search(session, query=AuditQuery(action="config.change")).items[0]
    assert (event.actor, event.entity_type, event.entity_id, event.reason, event.data) == (
        "user:7", "company_setting", SEMANTIC, "pilot feedback", {"old": 0.3, "new": 0.2})
    assert change(session, match_settings, weight_semantic=0.2) == []
    assert config_events(session) == 1
    with pytest.raises(Invalid, match="reason"):
        change(session, match_settings, reason="  ", weight_semantic=0.1)


def test_reset_to_default_removes_the_company_value_and_is_audited(session: Session, match_settings: Settings) -> None:
    change(session, match_settings, max_levels_up=0)
    out = governance.reset_setting(session, key=LEVELS_UP, actor="user:7", reason="back to policy",
                                   settings=match_settings)
    assert (out.value, out.overridden, out.updated_by) == (match_settings.match_max_levels_up, False, None)
    assert session.get(CompanySetting, LEVELS_UP) is None
    event = search(session, query=AuditQuery(action="config.change")).items[0]
    assert (event.reason, event.data) == ("back to policy", {"old": 0, "new": 2, "reset": True})
    governance.reset_setting(session, key=LEVELS_UP, actor="user:7", reason="again", settings=match_settings)
    assert config_events(session) == 2  # resetting a default is no change


def test_two_admins_saving_at_the_same_moment_get_a_conflict_and_nothing_half_written(
        session: Session, match_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = governance._checked

    def stale(*args: Any, **kw: Any) -> Any:  # as if read before the other admin's row was committed
        values, _rows = checked(*args, **kw)
        session.add(CompanySetting(key=LEVELS_UP, value=0, updated_by="user:8"))
        session.flush()
        return values, {}

    monkeypatch.setattr(governance, "_checked", stale)
    with pytest.raises(Conflict, match="at the same moment"):
        change(session, match_settings, weight_semantic=0.2, max_levels_up=1)
    assert session.get(CompanySetting, SEMANTIC) is None and config_events(session) == 0
    assert session.get(CompanySetting, LEVELS_UP).value == 0  # type: ignore[union-attr]


def test_text_from_a_form_is_parsed_with_every_problem_listed_at_once() -> None:
    assert governance.parse_values({SEMANTIC: " 0.25 ", LEVELS_UP: "3", "matching.enforce_visibility": "off"}) == {
        SEMANTIC: 0.25, LEVELS_UP: 3, "matching.enforce_visibility": False}
    with pytest.raises(Invalid) as err:
        governance.parse_values({SEMANTIC: "lots", LEVELS_UP: "2.5", "matching.enforce_visibility": "maybe"})
    assert err.value.details == ['matching.weight_semantic: "lots" is not a number',
                                 "matching.max_levels_up: must be a whole number, not 2.5",
                                 'matching.enforce_visibility: "maybe" is not on/off']


def test_a_preview_normalises_the_proposed_weights_and_writes_nothing(session: Session,
                                                                      match_settings: Settings) -> None:
    shares = governance.preview_settings(session, changes={k: 1.0 for k in WEIGHT_KEYS}, settings=match_settings)
    assert {round(w.share, 4) for w in shares} == {round(1 / len(WEIGHT_KEYS), 4)}
    assert session.scalar(select(func.count()).select_from(CompanySetting)) == 0
    with pytest.raises(Invalid, match="Nothing was changed"):
        governance.preview_settings(session, changes={SEMANTIC: -1}, settings=match_settings)


def test_a_value_stored_out_of_bounds_by_hand_is_ignored_and_the_default_applies(
        session: Session, match_settings: Settings) -> None:
    session.add(CompanySetting(key=SEMANTIC, value=-5, updated_by="psql"))
    session.flush()
    assert governance.matching_settings(session, settings=match_settings).match_weight_semantic == 0.3


def test_a_weight_change_gives_a_new_model_version_and_new_scores(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    alice, job = org["alice"].external_id, org["job"].external_id
    before = service.explain(session, settings=match_settings, employee=alice, opportunity=job)
    version = service.describe_config(session, settings=match_settings).model_version
    change(session, match_settings, weight_required_skills=0, weight_preferred_skills=0, weight_semantic=0,
           weight_aspiration=0, weight_career_move=0, weight_level=1, weight_logistics=0)
    after = service.explain(session, settings=match_settings, employee=alice, opportunity=job)
    assert after.score != before.score
    assert [(c.name, c.weight) for c in after.components if c.weight] == [("level", 1.0)]
    listed = service.recommend(session, settings=match_settings, employee=alice)
    assert listed.model_version != version
    assert listed.model_version == service.describe_config(session, settings=match_settings).model_version
    service.record_shown(session, results=listed, source="recommend")
    logged = session.scalars(select(RecommendationEvent.model_version)).all()
    assert logged and set(logged) == {listed.model_version}
    governance.reset_setting(session, key="matching.weight_level", actor="x", reason="undo", settings=match_settings)
    assert service.describe_config(session, settings=match_settings).model_version != listed.model_version


def test_max_levels_up_zero_takes_a_step_up_opening_out_and_explain_names_the_rule(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    alice, job = org["alice"].external_id, org["job"].external_id  # Alice is level 2, the job level 3
    assert job in {r.opportunity for r in service.recommend(session, settings=match_settings, employee=alice).results}
    change(session, match_settings, max_levels_up=0)
    assert job not in {r.opportunity for r in service.recommend(session, settings=match_settings,
                                                                employee=alice).results}
    assert alice not in {r.employee for r in service.candidates(session, settings=match_settings,
                                                                opportunity=job).results}
    why = service.explain(session, settings=match_settings, employee=alice, opportunity=job)
    assert not why.eligible and [r.rule for r in why.excluded_by] == ["level_band"]


def test_switching_a_rule_off_brings_an_excluded_opening_back(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    alice, own = org["alice"].external_id, org["own"].external_id
    assert own not in {r.opportunity for r in service.recommend(session, settings=match_settings,
                                                                employee=alice).results}
    change(session, match_settings, exclude_own_team=False)
    assert own in {r.opportunity for r in service.recommend(session, settings=match_settings, employee=alice).results}


def test_the_index_cache_keeps_only_the_latest_configurations_of_a_database(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    first = service.get_index(session, settings=match_settings)
    for months in (1, 2, 3):
        change(session, match_settings, min_months_in_role=months)
        assert service.get_index(session, settings=match_settings) is not first
    cached = [k for k in matching_index._CACHE if k[0] == match_settings.database_url]
    assert len(cached) == matching_index.KEEP_PER_DATABASE
    latest = service.get_index(session, settings=match_settings)
    assert service.get_index(session, settings=match_settings) is latest


def test_the_model_card_shows_the_configuration_in_effect_and_who_changed_it(
        session: Session, match_settings: Settings) -> None:
    change(session, match_settings, max_levels_up=1, weight_semantic=0.5)
    card = build_card(session, settings=match_settings)
    assert card.eligibility_rules["max_levels_up"] == 1
    assert card.model_version == service.describe_config(session, settings=match_settings).model_version
    assert {c["key"]: (c["value"], c["default"], c["changed_by"]) for c in card.company_values} == {
        LEVELS_UP: (1, 2, "user:7"), SEMANTIC: (0.5, 0.3, "user:7")}
    text = render_markdown(card)
    assert "## Values set by HR for the company" in text and "`matching.max_levels_up`: 1 (default 2" in text
