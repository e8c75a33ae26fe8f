"""The HR analytics dashboard (``/hr/analytics``) as one service call: every tile's figures for
one period and org unit. The page renders it; the background warm-up (``analytics.warm``) calls
the same function so that both compute — and cache — exactly the same results."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from trellis.analytics.flows import hoarding_indicators, talent_flows
from trellis.analytics.schemas import (
    Flows,
    Heatmap,
    Hoarding,
    MobilityMetrics,
    Period,
    SupplyDemand,
    TrendPoint,
    UnitGaps,
)
from trellis.analytics.service import mobility_metrics, mobility_trend
from trellis.analytics.skills import skill_gaps_by_unit, skills_heatmap, skills_supply_demand

SUPPLY_DEMAND_ROWS = 15
GAPS_PER_UNIT = 3
HOARDING_ROWS = 50


@dataclass(frozen=True)
class Dashboard:
    metrics: MobilityMetrics
    trend: list[TrendPoint]
    flows: Flows
    heatmap: Heatmap
    supply_demand: SupplyDemand
    gaps: list[UnitGaps]
    hoarding: Hoarding


def dashboard(session: Session, *, period: Period, org_unit_id: int | None = None,
              hidden: frozenset[int] = frozenset()) -> Dashboard:
    """Mobility, trend, flows between departments, skills heatmap, supply vs demand, gaps by
    unit and hoarding indicators (flows and hoarding are organisation-wide); the applications in
    ``hidden`` (those the viewer may not see) are left out of the funnels."""
    metrics = mobility_metrics(session, period=period, org_unit_id=org_unit_id, hidden=hidden)
    trend = mobility_trend(session, period=period, org_unit_id=org_unit_id)
    flows = talent_flows(session, period=period)
    hoarding = hoarding_indicators(session, period=period, limit=HOARDING_ROWS)
    heatmap, supply_demand, gaps = skills_tiles(session, org_unit_id=org_unit_id)  # last: see analytics.warm
    return Dashboard(metrics=metrics, trend=trend, flows=flows, heatmap=heatmap, supply_demand=supply_demand,
                     gaps=gaps, hoarding=hoarding)


def skills_tiles(session: Session, *, org_unit_id: int | None = None) -> tuple[Heatmap, SupplyDemand, list[UnitGaps]]:
    """The dashboard's skills tiles (they share one skills cube, built from every person-skill)."""
    return (skills_heatmap(session, org_unit_id=org_unit_id),
            skills_supply_demand(session, org_unit_id=org_unit_id, limit=SUPPLY_DEMAND_ROWS),
            skill_gaps_by_unit(session, org_unit_id=org_unit_id, limit=GAPS_PER_UNIT))
