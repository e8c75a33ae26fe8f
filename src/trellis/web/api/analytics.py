"""`/api/v1/analytics/...`: mobility, skills supply and demand, talent flows, hoarding
indicators and the bias audit as JSON, each list also as a `.csv` download.

Routes stay thin: parse the query, call a service, return its model. Access control is added by
the portal: everything here is for HR; `fairness_router` (demographic outcomes) is for HR admins
and auditors only — attach that dependency to it, not to the whole router."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from trellis.accounts.permissions import Actor
from trellis.analytics import cache, charts
from trellis.analytics.fairness import audit_bias
from trellis.analytics.flows import hoarding_indicators, talent_flows
from trellis.analytics.reports import AUDIT_COLUMNS, audit_rows, mobility_report
from trellis.analytics.schemas import (
    BiasAudit,
    EmergingSkill,
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
from trellis.analytics.skills import emerging_skills, skill_gaps_by_unit, skills_heatmap, skills_supply_demand
from trellis.applications.service import hidden_application_ids
from trellis.web.deps import Permit
from trellis.web.deps import SessionDep as PortalSessionDep


def get_session(request: Request) -> Iterator[Session]:
    """A read-only session for one request (analytics never write), allowed to reuse cached
    dashboard results (see ``trellis.analytics.cache``)."""
    session: Session = request.app.state.session_factory()
    cache.enable(session, request.app.state.settings.analytics_cache_seconds)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]
PeriodQuery = Annotated[str | None, Query(description="YYYY-MM-DD..YYYY-MM-DD or a year; default the last 365 days.")]
UnitQuery = Annotated[int | None, Query(description="Org unit id; its whole subtree is included.")]

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
fairness_router = APIRouter(prefix="/fairness", tags=["analytics: fairness"])


def _period(text: str | None) -> Period:
    return Period.parse(text) if text else Period.last_year()


def csv_response(name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Response:
    return Response(charts.to_csv(header, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@router.get("/mobility")
def mobility(session: SessionDep, period: PeriodQuery = None, org_unit_id: UnitQuery = None,
             actor: Actor = Permit("analytics.view")) -> MobilityMetrics:
    return mobility_metrics(session, period=_period(period), org_unit_id=org_unit_id,
                            hidden=hidden_application_ids(session, actor=actor))


@router.get("/mobility/trend")
def trend(session: SessionDep, period: PeriodQuery = None, org_unit_id: UnitQuery = None) -> list[TrendPoint]:
    return mobility_trend(session, period=_period(period), org_unit_id=org_unit_id)


@router.get("/mobility/trend.csv", response_class=Response)
def trend_csv(session: SessionDep, period: PeriodQuery = None, org_unit_id: UnitQuery = None) -> Response:
    points = mobility_trend(session, period=_period(period), org_unit_id=org_unit_id)
    fields = list(TrendPoint.model_fields)
    return csv_response("mobility_trend", fields, [[getattr(p, f) for f in fields] for p in points])


@router.get("/mobility/report.html", response_class=HTMLResponse)
def report(session: SessionDep, period: PeriodQuery = None, org_unit_id: UnitQuery = None,
           actor: Actor = Permit("analytics.view")) -> str:
    return mobility_report(session, period=_period(period), org_unit_id=org_unit_id,
                           hidden=hidden_application_ids(session, actor=actor))


@router.get("/skills/supply-demand")
def supply_demand(session: SessionDep, org_unit_id: UnitQuery = None,
                  limit: Annotated[int, Query(ge=1, le=5000)] = 50) -> SupplyDemand:
    return skills_supply_demand(session, org_unit_id=org_unit_id, limit=limit)


@router.get("/skills/supply-demand.csv", response_class=Response)
def supply_demand_csv(session: SessionDep, org_unit_id: UnitQuery = None) -> Response:
    result = skills_supply_demand(session, org_unit_id=org_unit_id, limit=100_000)
    fields = ["skill_id", "skill", "group", "needed_level", "demand_openings", "demand_roles", "demand", "supply",
              "gap", "coverage"]
    return csv_response("skills_supply_demand", fields, [[getattr(r, f) for f in fields] for r in result.skills])


@router.get("/skills/gaps")
def gaps(session: SessionDep, org_unit_id: UnitQuery = None,
         limit: Annotated[int, Query(ge=1, le=100)] = 5) -> list[UnitGaps]:
    return skill_gaps_by_unit(session, org_unit_id=org_unit_id, limit=limit)


@router.get("/skills/heatmap")
def heatmap(session: SessionDep, org_unit_id: UnitQuery = None,
            top: Annotated[int, Query(ge=1, le=100)] = 15) -> Heatmap:
    return skills_heatmap(session, org_unit_id=org_unit_id, top=top)


@router.get("/skills/heatmap.csv", response_class=Response)
def heatmap_csv(session: SessionDep, org_unit_id: UnitQuery = None,
                top: Annotated[int, Query(ge=1, le=100)] = 15) -> Response:
    h = skills_heatmap(session, org_unit_id=org_unit_id, top=top)
    rows = [[s, c, h.demand[i][j], h.coverage[i][j]] for i, s in enumerate(h.rows) for j, c in enumerate(h.columns)]
    return csv_response("skills_heatmap", ["skill", "org_unit", "demand", "coverage"], rows)


@router.get("/skills/emerging")
def emerging(session: SessionDep, period: PeriodQuery = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 20) -> list[EmergingSkill]:
    return emerging_skills(session, period=_period(period), limit=limit)


@router.get("/skills/emerging.csv", response_class=Response)
def emerging_csv(session: SessionDep, period: PeriodQuery = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Response:
    rows = emerging_skills(session, period=_period(period), limit=limit)
    fields = list(EmergingSkill.model_fields)
    return csv_response("emerging_skills", fields, [[getattr(r, f) for f in fields] for r in rows])


@router.get("/flows")
def flows(session: SessionDep, period: PeriodQuery = None,
          by: Annotated[str, Query(pattern="^(department|family)$")] = "department") -> Flows:
    return talent_flows(session, period=_period(period), by=by)


@router.get("/flows.csv", response_class=Response)
def flows_csv(session: SessionDep, period: PeriodQuery = None,
              by: Annotated[str, Query(pattern="^(department|family)$")] = "department") -> Response:
    f = talent_flows(session, period=_period(period), by=by)
    rows = [[a, b, v] for a, row in zip(f.labels, f.matrix, strict=True) for b, v in zip(f.labels, row, strict=True)
            if v]
    return csv_response(f"flows_by_{by}", ["from", "to", "moves"], rows)


@router.get("/hoarding")
def hoarding(session: SessionDep, period: PeriodQuery = None,
             limit: Annotated[int, Query(ge=1, le=10_000)] = 200) -> Hoarding:
    return hoarding_indicators(session, period=_period(period), limit=limit)


@router.get("/hoarding.csv", response_class=Response)
def hoarding_csv(session: SessionDep, period: PeriodQuery = None) -> Response:
    h = hoarding_indicators(session, period=_period(period), limit=1_000_000)
    fields = ["manager_id", "manager", "team_size", "recommended", "released", "release_rate", "blocked",
              "median_decision_days", "flagged"]
    return csv_response("hoarding", [*fields, "reasons"],
                        [[*(getattr(m, f) for f in fields), "; ".join(m.reasons)] for m in h.managers])


# The bias audit records who read demographics: the portal's unit of work keeps that record.
@fairness_router.get("")
def fairness(session: PortalSessionDep, period: PeriodQuery = None,
             actor: Actor = Permit("fairness.audit")) -> BiasAudit:
    return audit_bias(session, period=_period(period), actor=f"user:{actor.user_id}",
                      hidden=hidden_application_ids(session, actor=actor))


@fairness_router.get(".csv", response_class=Response)
def fairness_csv(request: Request, session: PortalSessionDep, period: PeriodQuery = None,
                 actor: Actor = Permit("fairness.audit")) -> Response:
    audit = audit_bias(session, period=_period(period), actor=f"user:{actor.user_id}",
                       hidden=hidden_application_ids(session, actor=actor))
    min_group_size = request.app.state.settings.analytics_min_group_size
    return csv_response("bias_audit", AUDIT_COLUMNS, audit_rows(audit, min_group_size=min_group_size))

