"""Mobility and workforce metrics against small hand-worked examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trellis.core.analytics import (
    flow_matrix,
    growth,
    hoarding_flags,
    net_flows,
    supply_at_level,
    supply_demand_gap,
    weighted_level,
)
from trellis.core.mobility import (
    distribution,
    funnel,
    internal_fill_rate,
    mobility_rate,
    move_mix,
    participation_rate,
    reached_at_least,
    retained,
    retention_vs_stayers,
    tenure_band,
    time_to_fill,
)


def test_mobility_rate_divides_movers_by_average_headcount() -> None:
    # 90 people at the start, 110 at the end, 15 moved: 15 / 100.
    assert mobility_rate(15, 90, 110) == pytest.approx(0.15)
    assert mobility_rate(3, 0, 0) is None


def test_internal_fill_rate_is_internal_fills_over_all_fills() -> None:
    assert internal_fill_rate(12, 40) == pytest.approx(0.3)
    assert internal_fill_rate(0, 0) is None


def test_move_mix_counts_promotions_laterals_and_demotions() -> None:
    mix = move_mix({"promotion": 6, "lateral": 3, "demotion": 1, "hire": 50})
    assert (mix.total, mix.promotion_share, mix.lateral_to_promotion) == (10, 0.6, 0.5)


def test_time_to_fill_gives_mean_median_and_p90_and_drops_negative_spans() -> None:
    ttf = time_to_fill([0, 0, 0, 0, 10], [10, 20, 30, 40, 5])
    assert ttf.n == 4 and ttf.mean == 25 and ttf.median == 25
    assert ttf.p90 == pytest.approx(37.0)  # linear: 30 + 0.7 * 10
    assert distribution([]).median is None


def test_retention_counts_exits_within_a_year_after_the_event_only() -> None:
    ok = retained([100, 100, 100, 100], [np.nan, 200, 465, 466])
    assert ok.tolist() == [True, False, False, True]


def test_stayers_are_standardised_to_the_movers_mix_of_strata() -> None:
    # Movers: 3 in stratum A (2 retained), 1 in B (retained) -> 75%.
    # Stayers: A retains 50% (2 of 4), B retains 100% (2 of 2); raw 4/6.
    # Comparable stayers: (3 * 0.5 + 1 * 1.0) / 4 = 0.625.
    result = retention_vs_stayers(["A", "A", "A", "B"], [1, 1, 0, 1],
                                  ["A", "A", "A", "A", "B", "B"], [1, 0, 1, 0, 1, 1])
    assert result.movers_retained == 0.75
    assert result.stayers_retained == pytest.approx(0.625)
    assert result.stayers_retained_raw == pytest.approx(4 / 6)
    assert result.difference == pytest.approx(0.125)


def test_a_mover_stratum_without_stayers_falls_back_to_the_overall_stayer_rate() -> None:
    result = retention_vs_stayers(["C"], [1], ["A", "A"], [1, 0])
    assert result.stayers_retained == 0.5


def test_tenure_bands() -> None:
    assert [tenure_band(y) for y in (0.5, 2, 4, 7, 12)] == ["<1y", "1-3y", "3-5y", "5-10y", "10y+"]


def test_funnel_conversion_per_stage() -> None:
    stages = ["shown", "opened", "applied", "shortlisted", "selected"]
    f = funnel(stages, {"shown": 1000, "opened": 200, "applied": 50, "shortlisted": 10, "selected": 2})
    assert [s.conversion for s in f] == [None, 0.2, 0.25, 0.2, 0.2]
    assert f[-1].cumulative == pytest.approx(0.002)


def test_reached_at_least_makes_the_funnel_monotone() -> None:
    # furthest stage 0: 5 items, stage 2: 3 items, stage 4: 1 item
    assert reached_at_least([0, 2, 4], [5, 3, 1], 5).tolist() == [9, 4, 4, 1, 1]


def test_participation_rate() -> None:
    assert participation_rate(25, 500) == 0.05


def test_flow_matrix_and_net_importers_ignore_moves_inside_a_unit() -> None:
    m = flow_matrix([0, 0, 1, 2, 2, 2], [1, 1, 0, 0, 2, 1], 3)
    assert m.tolist() == [[0, 2, 0], [1, 0, 0], [1, 1, 1]]
    nf = net_flows(m)
    assert nf.inflow.tolist() == [2, 3, 0] and nf.outflow.tolist() == [2, 1, 2]
    assert nf.net.tolist() == [0, 2, -2]


def test_supply_counts_people_at_or_above_the_needed_level() -> None:
    counts = np.array([[0, 1, 2, 3, 4, 5], [0, 0, 0, 0, 0, 7]])
    assert supply_at_level(counts, [3, 5]).tolist() == [12, 7]
    with pytest.raises(ValueError):
        supply_at_level(np.zeros((2, 5)), [1, 1])


def test_gap_and_coverage() -> None:
    gap = supply_demand_gap([10, 0, 4], [4, 3, 4])
    assert gap.gap.tolist() == [6, -3, 0]
    assert gap.coverage[0] == 0.4 and math.isnan(gap.coverage[1]) and gap.coverage[2] == 1


def test_weighted_level_is_the_weighted_median_level_per_key() -> None:
    # key 0 asks level 2 (weight 1) and level 4 (weight 3) -> 4; key 1 asks nothing -> 0
    assert weighted_level([2, 4], [1, 3], [0, 0], 2).tolist() == [4, 0]


def test_growth_is_smoothed() -> None:
    assert growth([0, 20], [1, 40]).tolist() == pytest.approx([1.0, 41 / 21 - 1])


def test_hoarding_flags_low_release_blocked_moves_and_slow_decisions_with_reasons() -> None:
    # org-wide: 10 released of 40 recommended = 25%; manager 0 released 0 of 10
    flags = hoarding_flags([10, 10, 20, 0], [0, 3, 7, 0], [0, 0, 0, 2], [np.nan, 3, 30, np.nan])
    assert flags.baseline == 0.25
    assert flags.flagged.tolist() == [True, False, True, True]
    assert "0 of 10" in flags.reasons[0][0]
    assert flags.reasons[2] == ["median decision delay 30 days"]
    assert flags.reasons[3] == ["2 moves blocked"]
