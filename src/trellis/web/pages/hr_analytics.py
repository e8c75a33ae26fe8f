"""HR analytics pages: mobility, flows, skills supply/demand, hoarding (``analytics.view``) and
the bias audit (``fairness.audit``). Thin: call the analytics services, render their SVG charts
(no style attributes, no scripts: fine under the CSP) and link the API's CSV downloads."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from trellis.accounts.permissions import Actor
from trellis.analytics import cache, charts
from trellis.analytics.dashboard import dashboard
from trellis.analytics.fairness import audit_bias, headline, summary
from trellis.analytics.org import find_units, unit_choices
from trellis.analytics.schemas import Period
from trellis.applications.service import hidden_application_ids
from trellis.models import AuditEvent
from trellis.web.deps import Permit, SessionDep, SettingsDep
from trellis.web.templating import render

router = APIRouter(prefix="/hr")
API = "/api/v1/analytics"


def _period(text: str | None) -> Period:
    return Period.parse(text) if text else Period.last_year()


def _query(**params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


@router.get("/analytics")
def analytics(request: Request, session: SessionDep, settings: SettingsDep,
              period: Annotated[str | None, Query()] = None, org_unit_id: Annotated[int | None, Query()] = None,
              unit: Annotated[str | None, Query(max_length=200)] = None,
              actor: Actor = Permit("analytics.view")) -> Response:
    cache.enable(session, settings.analytics_cache_seconds)
    found = find_units(session, text=unit) if unit and unit.strip() else None  # the text box, if used
    if found is not None and found.total <= 1:  # one unit named: filter by it; none: the whole organisation
        org_unit_id = found.units[0].id if found.units else None
    d = dashboard(session, period=_period(period), org_unit_id=org_unit_id,
                  hidden=hidden_application_ids(session, actor=actor))
    trend, flows, heat = d.trend, d.flows, d.heatmap
    months = [t.month for t in trend]
    q_period = _query(period=period, org_unit_id=org_unit_id)
    chart_list = [
        {"title": "Internal moves per month", "csv": f"{API}/mobility/trend.csv{q_period}",
         "svg": Markup(charts.line_chart(months, {
             "promotions": [t.promotions for t in trend], "lateral moves": [t.laterals for t in trend],
             "demotions": [t.demotions for t in trend]}, title="Internal moves per month"))},
        {"title": "Talent flows between departments", "csv": f"{API}/flows.csv{_query(period=period)}",
         "svg": Markup(charts.sankey(flows.labels, flows.matrix, title="Moves between departments"))},
        {"title": "Flow matrix (rows: from, columns: to)", "csv": f"{API}/flows.csv{_query(period=period)}",
         "svg": Markup(charts.flow_matrix(flows.labels, flows.matrix, title="Flow matrix"))},
        {"title": "Skills supply vs demand by department (coverage = supply / demand)",
         "csv": f"{API}/skills/heatmap.csv{_query(org_unit_id=org_unit_id)}",
         "svg": Markup(charts.heatmap(heat.rows, heat.columns, heat.coverage, title="Skills coverage heatmap"))},
    ]
    units = unit_choices(session, selected=org_unit_id)
    return render(request, "hr_analytics.html", {
        "m": d.metrics, "charts": chart_list, "sd": d.supply_demand, "gaps": d.gaps, "hoarding": d.hoarding,
        "period": period or "", "period_label": d.metrics.period, "org_unit_id": org_unit_id, "units": units,
        "found": found,
        "sd_csv": f"{API}/skills/supply-demand.csv{_query(org_unit_id=org_unit_id)}",
        "hoarding_csv": f"{API}/hoarding.csv{_query(period=period)}"})


@router.get("/fairness")
def fairness(request: Request, session: SessionDep, settings: SettingsDep,
             period: Annotated[str | None, Query()] = None, actor: Actor = Permit("fairness.audit")) -> Response:
    cache.enable(session, settings.analytics_cache_seconds)
    audit = audit_bias(session, period=_period(period), actor=f"user:{actor.user_id}",
                       hidden=hidden_application_ids(session, actor=actor))
    # viewing outcomes by demographic group is itself audited: who, when, which period
    session.add(AuditEvent(actor=f"user:{actor.user_id}", action="fairness.view", entity_type="bias_audit",
                           reason="HR admin viewed demographic outcomes (bias audit page)",
                           data={"period": audit.period}))
    session.flush()
    return render(request, "hr_fairness.html", {
        "audit": audit, "period": period or "", "csv": f"{API}/fairness.csv{_query(period=period)}",
        "summary": summary(audit), "lead": headline(audit), "chart": _fairness_chart(headline(audit))})


def _fairness_chart(outcome: Any) -> Markup | None:
    """Impact ratios by sex and by race/ethnicity for the headline outcome, with the 0.8 line;
    groups too small to judge are grey."""
    if outcome is None:
        return None
    svgs = [charts.bar_chart([g.group for g in t.groups], [g.impact_ratio for g in t.groups], threshold=0.8,
                             unjudged=[g.note is not None for g in t.groups],
                             title=f"Impact ratios by {t.dimension.replace('_', '/')}, {outcome.name}")
            for t in outcome.tables[:2]]
    return Markup("".join(f"<h3>By {t.dimension.replace('_', '/')}</h3>{svg}"
                          for t, svg in zip(outcome.tables, svgs, strict=False)))
