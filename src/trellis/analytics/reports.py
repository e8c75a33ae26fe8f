"""Reports: the bias audit as HTML, CSV or JSON, and the self-contained mobility report (inline
CSS, inline SVG charts, each chart's data as a CSV download through a ``data:`` URI)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from trellis.analytics import charts
from trellis.analytics.flows import hoarding_indicators, talent_flows
from trellis.analytics.schemas import BiasAudit, Period
from trellis.analytics.service import mobility_metrics, mobility_trend
from trellis.analytics.skills import emerging_skills, skill_gaps_by_unit, skills_heatmap, skills_supply_demand
from trellis.errors import Invalid

FORMATS = ("html", "csv", "json")
AUDIT_COLUMNS = ("outcome", "kind", "dimension", "group", "assessed", "selected", "rate", "impact_ratio",
                 "below_four_fifths", "excluded", "exclusion_reason", "fisher_p", "z", "z_p", "note")

CSS = """body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1040px;padding:1.5rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #eee;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}th,td{padding:.25rem .6rem;text-align:right;
border-bottom:1px solid #e5e5e5}th:first-child,td:first-child{text-align:left}th{background:#f6f6f6}
.flag{color:#b00020;font-weight:600}.muted{color:#555}.kpis{display:flex;flex-wrap:wrap;gap:.8rem}
.kpi{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:9rem}.kpi b{display:block;font-size:1.4rem}
figure{margin:1rem 0}figcaption{font-size:.85rem;color:#444}a.csv{font-size:.85rem}
@media print{a.csv{display:none}}"""

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_env.filters["pct"] = lambda v: "–" if v is None else f"{v:.1%}"
_env.filters["num"] = lambda v, d=2: "–" if v is None else f"{v:,.{d}f}"
_env.filters["p"] = lambda v: "–" if v is None else ("<0.001" if v < 0.001 else f"{v:.3f}")

AUDIT_HTML = _env.from_string("""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ a.title }} {{ a.period }}</title>
<style>{{ css }}</style></head><body><h1>{{ a.title }}</h1>
<p><b>Period:</b> {{ a.period }} &nbsp; <b>Generated:</b> {{ a.generated_at.strftime('%Y-%m-%d %H:%M UTC') }}</p>
<p><b>Data source:</b> {{ a.data_source }}</p>
<h2>Method</h2><ul>{% for m in a.method %}<li>{{ m }}</li>{% endfor %}</ul>
{% for n in a.notes %}<p class="muted">Note: {{ n }}</p>{% endfor %}
{% for o in a.outcomes %}<h2>{{ o.name }}</h2><p>{{ o.description }} Assessed {{ o.assessed }}, selected
{{ o.selected }}.</p>{% for t in o.tables %}<h3>{{ t.dimension|replace('_', ' ') }}</h3>
<table><thead><tr><th>Category</th><th>Assessed</th><th>{{ 'Above median' if o.kind == 'scoring' else 'Selected' }}</th>
<th>{{ 'Scoring rate' if o.kind == 'scoring' else 'Selection rate' }}</th><th>Impact ratio</th><th>Fisher p</th>
<th>z</th><th>z-test p</th><th>Note</th></tr></thead><tbody>{% for g in t.groups %}
<tr><td>{{ g.group }}{% if g.group == t.reference_group %} (reference){% endif %}</td><td>{{ g.total }}</td>
<td>{{ g.selected }}</td><td>{{ g.rate|pct }}</td>
<td{% if g.below_four_fifths %} class="flag"{% endif %}>{{ g.impact_ratio|num(3) }}{% if g.below_four_fifths %}
 &lt; 0.8{% endif %}</td><td>{{ g.fisher_p|p }}</td><td>{{ g.z|num }}</td><td>{{ g.z_p|p }}</td>
<td class="muted">{{ g.exclusion_reason or g.note or '' }}</td></tr>{% endfor %}</tbody></table>
{% if t.groups %}<figure>{{ bars[loop.index0 ~ '-' ~ o.name] }}</figure>{% endif %}
{% endfor %}{% endfor %}</body></html>""")

MOBILITY_HTML = _env.from_string("""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Mobility report {{ m.period }}</title>
<style>{{ css }}</style></head><body><h1>Internal mobility report</h1>
<p><b>Period:</b> {{ m.period }} &nbsp; <b>Org unit:</b> {{ m.org_unit }} &nbsp; <b>Generated:</b> {{ generated }}</p>
<p class="muted">Source: the Trellis database (job history, opportunities, applications, recommendation events,
skills). Self-contained: no scripts, no network; each chart offers its data as CSV.</p>
<div class="kpis">
<div class="kpi"><b>{{ m.mobility_rate|pct }}</b>internal mobility rate</div>
<div class="kpi"><b>{{ m.internal_fill_rate|pct }}</b>internal fill rate</div>
<div class="kpi"><b>{{ m.promotions }} / {{ m.laterals }}</b>promotions / laterals</div>
<div class="kpi"><b>{{ m.time_to_fill_days.median|num(0) }} d</b>median time to fill</div>
<div class="kpi"><b>{{ m.retention.movers_retained|pct }} vs {{ m.retention.stayers_retained|pct }}</b>
12-month retention, movers vs comparable stayers</div>
<div class="kpi"><b>{{ m.gig_participation_rate|pct }}</b>gig participation</div></div>
{% for n in m.notes %}<p class="muted">Note: {{ n }}</p>{% endfor %}
<p class="muted">Headcount {{ m.headcount_start }} → {{ m.headcount_end }}; {{ m.movers }} people made
{{ m.internal_moves }} internal moves. Retention method: {{ m.retention.method }}</p>
{% for c in charts %}<h2>{{ c.title }}</h2>{% if c.text %}<p class="muted">{{ c.text }}</p>{% endif %}
<figure>{{ c.svg }}<figcaption><a class="csv" download="{{ c.file }}" href="{{ c.uri }}">Download the data
(CSV)</a></figcaption></figure>{% if c.table %}{{ c.table }}{% endif %}{% endfor %}
<h2>Funnels</h2><table><thead><tr><th>Stage</th><th>Count</th><th>Conversion</th><th>From first stage</th></tr>
</thead><tbody>{% for s in m.recommendation_funnel + m.application_funnel %}<tr><td>{{ s.stage }}</td>
<td>{{ s.count }}</td><td>{{ s.conversion|pct }}</td><td>{{ s.cumulative|pct }}</td></tr>{% endfor %}</tbody></table>
<h2>Talent hoarding indicators</h2><p class="muted">{{ h.method }}</p>
<p>{{ h.flagged_total }} of {{ h.managers_total }} managers flagged; organisation release rate
{{ h.baseline_release_rate|pct }}.</p><table><thead><tr><th>Manager</th><th>Team</th><th>Recommended</th>
<th>Released</th><th>Blocked</th><th>Median decision days</th><th>Why flagged</th></tr></thead><tbody>
{% for x in h.managers if x.flagged %}<tr><td>{{ x.manager }}</td><td>{{ x.team_size }}</td><td>{{ x.recommended }}</td>
<td>{{ x.released }}</td><td>{{ x.blocked }}</td><td>{{ x.median_decision_days|num(0) }}</td>
<td>{{ x.reasons|join('; ') }}</td></tr>{% endfor %}</tbody></table></body></html>""")


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Invalid(f'format "{fmt}": expected one of {", ".join(FORMATS)}')


def audit_rows(audit: BiasAudit, *, min_group_size: int = 1) -> list[list[Any]]:
    """One CSV row per outcome × dimension × group. A group of fewer than ``min_group_size``
    people (but some) keeps its row without figures: in a file that leaves the system, one
    person's outcome would otherwise be theirs for anyone to read."""
    rows: list[list[Any]] = []
    for o in audit.outcomes:
        for t in o.tables:
            for g in t.groups:
                if 0 < g.total < min_group_size:
                    rows.append([o.name, o.kind, t.dimension, g.group, None, None, None, None, None, True,
                                 f"fewer than {min_group_size} people: figures withheld", None, None, None, None])
                    continue
                rows.append([o.name, o.kind, t.dimension, g.group, g.total, g.selected, g.rate, g.impact_ratio,
                             g.below_four_fifths, g.excluded, g.exclusion_reason, g.fisher_p, g.z, g.z_p, g.note])
    return rows


def render_audit(audit: BiasAudit, fmt: str, *, min_group_size: int = 1) -> str:
    """The audit as ``html`` (with impact-ratio charts), ``csv`` (one row per category, the
    source, period and method as leading ``#`` lines) or ``json``."""
    _check(fmt)
    if fmt == "json":
        return audit.model_dump_json(indent=2)
    if fmt == "csv":
        head = [f"# {audit.title}", f"# period: {audit.period}", f"# data source: {audit.data_source}",
                *[f"# method: {m}" for m in audit.method], *[f"# note: {n}" for n in audit.notes]]
        return "\n".join(head) + "\n" + charts.to_csv(AUDIT_COLUMNS, audit_rows(audit, min_group_size=min_group_size))
    bars = {f"{i}-{o.name}": Markup(charts.bar_chart([g.group for g in t.groups], [g.impact_ratio for g in t.groups],
                                                      title=f"Impact ratios: {o.name}, {t.dimension}", threshold=0.8))
            for o in audit.outcomes for i, t in enumerate(o.tables)}
    return AUDIT_HTML.render(a=audit, css=CSS, bars=bars)


def _chart(title: str, svg: str, file: str, header: list[str], rows: list[list[Any]], text: str = "") -> dict[str, Any]:
    return {"title": title, "svg": Markup(svg), "file": file, "text": text,
            "uri": charts.csv_data_uri(charts.to_csv(header, rows)), "table": None}


def mobility_report(session: Session, *, period: Period, org_unit_id: int | None = None,
                    hidden: frozenset[int] = frozenset()) -> str:
    """The self-contained HTML mobility report: KPIs, trend lines, the flow diagram and matrix,
    the skills supply/demand heatmap, gaps, emerging skills, funnels and hoarding flags."""
    m = mobility_metrics(session, period=period, org_unit_id=org_unit_id, hidden=hidden)
    trend = mobility_trend(session, period=period, org_unit_id=org_unit_id)
    flows = talent_flows(session, period=period)
    heat = skills_heatmap(session, org_unit_id=org_unit_id)
    sd = skills_supply_demand(session, org_unit_id=org_unit_id, limit=25)
    gaps = skill_gaps_by_unit(session, org_unit_id=org_unit_id, limit=3)
    emerging = emerging_skills(session, period=period, limit=15)
    hoarding = hoarding_indicators(session, period=period, limit=50)
    months = [p.month for p in trend]
    flow_rows = [[a, b, v] for a, row in zip(flows.labels, flows.matrix, strict=True)
                 for b, v in zip(flows.labels, row, strict=True) if v]
    out = [
        _chart("Internal moves per month", charts.line_chart(months, {
            "promotions": [p.promotions for p in trend], "lateral moves": [p.laterals for p in trend],
            "demotions": [p.demotions for p in trend]}, title="Internal moves per month"), "moves_per_month.csv",
            ["month", "promotions", "laterals", "demotions"],
            [[p.month, p.promotions, p.laterals, p.demotions] for p in trend]),
        _chart("Internal fill rate per month", charts.line_chart(months, {
            "internal fill rate": [p.internal_fill_rate for p in trend]}, title="Internal fill rate", percent=True),
            "internal_fill_rate.csv", ["month", "filled", "filled_internally", "internal_fill_rate"],
            [[p.month, p.filled, p.filled_internally, p.internal_fill_rate] for p in trend]),
        _chart("Talent flows between departments", charts.sankey(flows.labels, flows.matrix,
               title="Moves between departments"), "flows.csv", ["from", "to", "moves"], flow_rows,
               f"{flows.total_moves} internal moves, of which "
               f"{flows.total_moves - sum(flows.matrix[i][i] for i in range(len(flows.labels)))} between departments "
               "(drawn here; moves inside a department are in the matrix below). Net importers: "
               + (", ".join(f"{u.unit} (+{u.net})" for u in flows.units if u.net > 0) or "none")),
        _chart("Flow matrix (rows: from, columns: to)", charts.flow_matrix(flows.labels, flows.matrix,
               title="Flow matrix"), "flow_matrix.csv", ["from", *flows.labels],
               [[a, *row] for a, row in zip(flows.labels, flows.matrix, strict=True)]),
        _chart("Skills supply vs demand by department (coverage = supply / demand)",
               charts.heatmap(heat.rows, heat.columns, heat.coverage, title="Skills coverage heatmap"),
               "skills_heatmap.csv", ["skill", "org_unit", "demand", "coverage"],
               [[s, c, heat.demand[i][j], heat.coverage[i][j]] for i, s in enumerate(heat.rows)
                for j, c in enumerate(heat.columns)], sd.method),
        _chart("Largest skill gaps", charts.bar_chart([r.skill for r in sd.skills[:15]],
               [r.coverage for r in sd.skills[:15]], title="Coverage of the largest gaps", threshold=1.0),
               "skill_gaps.csv", ["skill", "group", "needed_level", "demand", "supply", "gap", "coverage"],
               [[r.skill, r.group, r.needed_level, r.demand, r.supply, r.gap, r.coverage] for r in sd.skills],
               "Bars: coverage (supply / demand) of the skills with the largest shortage; the dashed line is full "
               "coverage. Largest gaps by department — "
               + "; ".join(f"{u.org_unit}: " + ", ".join(g.skill for g in u.gaps) for u in gaps[:8])),
        _chart("Emerging skills (demand growth in postings vs the previous period)",
               charts.bar_chart([e.skill for e in emerging], [e.growth for e in emerging], title="Emerging skills"),
               "emerging_skills.csv", ["skill", "group", "previous", "current", "growth"],
               [[e.skill, e.group, e.previous, e.current, e.growth] for e in emerging]),
    ]
    return MOBILITY_HTML.render(m=m, h=hoarding, charts=out, css=CSS,
                                generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
