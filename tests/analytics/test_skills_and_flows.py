"""Skills supply and demand, emerging skills, talent flows and hoarding indicators on the small
organisation of conftest.py, with the expected figures worked out by hand."""

from __future__ import annotations

import pytest
from org_scenario import Org
from sqlalchemy.orm import Session

from trellis.analytics.charts import bar_chart
from trellis.analytics.flows import hoarding_indicators, talent_flows
from trellis.analytics.schemas import Period
from trellis.analytics.skills import emerging_skills, skill_gaps_by_unit, skills_heatmap, skills_supply_demand
from trellis.errors import Invalid

YEAR = Period.parse("2025")


def test_demand_counts_open_openings_and_role_headcount_and_supply_counts_people_at_level(
    session: Session, org: Org
) -> None:
    sd = skills_supply_demand(session)
    rows = {r.skill: r for r in sd.skills}
    # Python: engineer (level 3) × 2 people + senior (4) × 2 + one open opening (4) = 5; needed 4
    assert (rows["Python"].demand, rows["Python"].demand_openings, rows["Python"].needed_level) == (5, 1, 4)
    assert rows["Python"].supply == 1 and rows["Python"].gap == 4  # only A holds it at 4
    assert (rows["SQL"].demand, rows["SQL"].needed_level, rows["SQL"].supply) == (3, 2, 1)
    assert (rows["CRM"].demand, rows["CRM"].supply, rows["CRM"].gap) == (1, 1, 0)  # D has left
    assert [r.skill for r in sd.skills] == ["Python", "SQL", "CRM"]
    groups = {g.group: g for g in sd.groups}
    assert groups["Software"].coverage == pytest.approx(0.2)


def test_gaps_by_unit_roll_subunits_into_their_department(session: Session, org: Org) -> None:
    units = {u.org_unit: u for u in skill_gaps_by_unit(session)}
    assert units["Engineering"].headcount == 4
    assert units["Engineering"].gaps[0].skill == "Python" and units["Engineering"].gaps[0].gap == 4
    assert units["Sales"].gaps[0].skill == "CRM" and units["Sales"].gaps[0].supply == 0
    heat = skills_heatmap(session)
    assert heat.rows[0] == "Python" and set(heat.columns) == {"Engineering", "Sales"}


def test_emerging_skills_compare_demand_with_the_previous_period(session: Session, org: Org) -> None:
    emerging = emerging_skills(session, period=YEAR)
    assert [(e.skill, e.previous, e.current, e.growth) for e in emerging] == [("Python", 0, 2, 2.0)]


def test_flows_between_departments_and_families_with_net_importers(session: Session, org: Org) -> None:
    flows = talent_flows(session, period=YEAR)
    assert flows.labels == ["Engineering", "Sales"] and flows.matrix == [[1, 0], [1, 0]]
    net = {u.unit: (u.net, u.role) for u in flows.units}
    assert net == {"Engineering": (1, "importer"), "Sales": (-1, "exporter")}
    fam = talent_flows(session, period=YEAR, by="family")
    assert fam.total_moves == 2
    with pytest.raises(Invalid):
        talent_flows(session, period=YEAR, by="planet")


def test_hoarding_indicators_count_recommended_released_blocked_and_decision_delay(
    session: Session, org: Org
) -> None:
    h = hoarding_indicators(session, period=YEAR, min_team=1, min_decisions=1)
    boss = next(m for m in h.managers if m.manager == "Boss")
    assert (boss.recommended, boss.released, boss.blocked) == (3, 0, 1)
    assert boss.median_decision_days == pytest.approx(20)
    assert boss.flagged and boss.reasons == ["median decision delay 20 days"]
    assert h.managers[0].manager == "Boss" and h.flagged_total == 1


def test_one_slow_decision_flags_nobody_and_a_small_team_is_counted_not_named(session: Session, org: Org) -> None:
    # Changed in #15: a single 20-day decision used to flag the Boss, by name, for a team of two.
    h = hoarding_indicators(session, period=YEAR)
    assert h.flagged_total == 0
    assert all(m.team_size >= h.min_team for m in h.managers)
    assert "Boss" not in [m.manager for m in h.managers] and h.not_named == h.managers_total


def test_a_bar_just_under_the_threshold_shows_three_decimals_so_its_red_is_not_a_puzzle() -> None:
    svg = bar_chart(["a", "b", "c"], [0.797, 0.8, 0.75], title="t", threshold=0.8, unjudged=[False, False, True])
    assert ">0.797<" in svg and ">0.80<" in svg and ">0.75<" in svg
    assert svg.count("#d62728") == 1 and "#9aa3ad" in svg  # c is under 0.8 but too small to judge: grey
