"""Mobility metrics on a small organisation whose numbers are worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from org_scenario import Org
from sqlalchemy.orm import Session

from builders import make_employee, make_org_unit, make_spell
from trellis.analytics.schemas import Period
from trellis.analytics.service import mobility_metrics, mobility_trend
from trellis.errors import Invalid, NotFound

YEAR = Period.parse("2025-01-01..2025-12-31")


def test_mobility_metrics_for_the_whole_organisation_match_the_hand_count(session: Session, org: Org) -> None:
    m = mobility_metrics(session, period=YEAR)
    assert (m.headcount_start, m.headcount_end) == (6, 5)  # two bosses + A B C D; D left in September
    assert (m.movers, m.promotions, m.laterals) == (2, 1, 1)
    assert m.mobility_rate == pytest.approx(2 / 5.5)
    assert (m.filled_total, m.filled_internally) == (3, 1)
    assert m.internal_fill_rate == pytest.approx(0.5)  # job3 does not say; noted
    assert any("do not say" in n for n in m.notes)
    assert m.time_to_fill_days.n == 3 and m.time_to_fill_days.median == 31
    assert m.gig_participants == 1
    funnel = {s.stage: s.count for s in m.recommendation_funnel}
    assert funnel == {"shown": 4, "opened": 3, "applied": 2, "shortlisted": 1, "selected": 1}
    apps = {s.stage: s.count for s in m.application_funnel}
    assert apps == {"applied": 3, "shortlisted": 2, "offer": 2, "selected": 2}


def test_an_org_unit_includes_its_subtree_and_moves_on_either_side(session: Session, org: Org) -> None:
    m = mobility_metrics(session, period=YEAR, org_unit_id=org.eng.id)
    assert m.org_unit == "Engineering"
    assert (m.headcount_start, m.headcount_end) == (3, 4)  # B arrives in Platform (under Engineering)
    assert m.movers == 2 and m.filled_total == 1
    sales = mobility_metrics(session, period=YEAR, org_unit_id=org.sales.id)
    assert sales.movers == 1 and sales.laterals == 1  # B left Sales


def test_an_unknown_org_unit_and_a_bad_period_are_refused(session: Session, org: Org) -> None:
    with pytest.raises(NotFound):
        mobility_metrics(session, period=YEAR, org_unit_id=10**9)
    with pytest.raises(Invalid):
        Period.parse("2025-13-01..2025-12-31")
    with pytest.raises(Invalid):
        Period.parse("last year")
    assert Period.parse("2024").days == 366


def test_the_trend_has_one_point_per_month(session: Session, org: Org) -> None:
    trend = mobility_trend(session, period=YEAR)
    assert [p.month for p in trend][:3] == ["2025-01", "2025-02", "2025-03"] and len(trend) == 12
    by_month = {p.month: p for p in trend}
    assert by_month["2025-03"].promotions == 1 and by_month["2025-06"].laterals == 1
    assert by_month["2025-02"].filled == 1 and by_month["2025-02"].internal_fill_rate == 1.0


def test_movers_retention_is_compared_with_comparable_stayers(session: Session) -> None:
    unit = make_org_unit(session)
    start = date(2018, 1, 1)
    movers = [make_employee(session, org_unit_id=unit.id, hire_date=start) for _ in range(4)]
    stayers = [make_employee(session, org_unit_id=unit.id, hire_date=start) for _ in range(4)]
    for i, p in enumerate(movers):
        make_spell(session, p, start, end=date(2023, 3, 1), org_unit_id=unit.id)
        make_spell(session, p, date(2023, 3, 1), move_type="lateral", org_unit_id=unit.id)
        if i == 0:
            make_spell(session, p, date(2023, 10, 1), move_type="exit")
    for i, p in enumerate(stayers):
        make_spell(session, p, start, org_unit_id=unit.id)
        if i < 2:
            make_spell(session, p, date(2023, 6, 1), move_type="exit")
    make_spell(session, stayers[3], date(2025, 1, 1), move_type="exit")  # data runs to 2025
    m = mobility_metrics(session, period=Period.parse("2023"), org_unit_id=unit.id)
    assert m.retention.movers == 4 and m.retention.movers_retained == 0.75
    assert m.retention.stayers == 4 and m.retention.stayers_retained == 0.5
    assert m.retention.difference == pytest.approx(0.25)
