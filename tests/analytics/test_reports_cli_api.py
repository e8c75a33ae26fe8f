"""The bias audit and mobility report through the CLI, and the analytics API, on a committed
copy of the small organisation."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from portal_world import hr_bearer
from trellis.analytics.reports import render_audit
from trellis.analytics.schemas import BiasAudit
from trellis.cli import app as cli
from trellis.config import Settings
from trellis.errors import Invalid
from trellis.web.app import create_app


def test_audit_bias_writes_json_csv_and_html_that_state_source_period_and_method(org_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "audit.json"
    result = runner.invoke(cli, ["audit", "bias", "--period", "2025-01-01..2025-12-31", "--format", "json",
                                 "--out", str(out), "--db", org_db])
    assert result.exit_code == 0, result.output
    audit = BiasAudit.model_validate(json.loads(out.read_text()))
    assert audit.period == "2025-01-01..2025-12-31" and audit.outcomes
    result = runner.invoke(cli, ["audit", "bias", "--period", "2025", "--format", "csv", "--db", org_db])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "# period: 2025-01-01..2025-12-31" and any(x.startswith("# data source:") for x in lines)
    rows = list(csv.DictReader(io.StringIO("\n".join(x for x in lines if not x.startswith("#")))))
    assert {"Female", "Male", "Unknown"} <= {r["group"] for r in rows}
    html = render_audit(audit, "html")
    assert "Data source" in html and "Method" in html and "<svg" in html and "too few to judge" in html
    with pytest.raises(Invalid):
        render_audit(audit, "pdf")


def test_a_bad_period_exits_with_a_message(org_db: str) -> None:
    result = CliRunner().invoke(cli, ["audit", "bias", "--period", "yesterday", "--db", org_db])
    assert result.exit_code != 0


def test_the_mobility_report_is_self_contained_with_charts_and_csv_downloads(org_db: str, tmp_path: Path) -> None:
    out = tmp_path / "mobility.html"
    result = CliRunner().invoke(cli, ["report", "mobility", "--period", "2025", "--format", "html", "--out", str(out),
                                      "--db", org_db])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count("<svg") >= 6 and "<script" not in html
    assert not re.search(r"(src|href)=['\"]?https?://", html)  # nothing fetched from the network
    assert html.count('href="data:text/csv;charset=utf-8;base64,') >= 6
    assert "Internal mobility report" in html and "Engineering" in html


def test_the_api_answers_json_and_csv(org_db: str, tmp_path: Path) -> None:
    app = create_app(Settings(database_url=org_db, data_dir=tmp_path, secret_key="x"))
    try:
        check_api(TestClient(app, headers=hr_bearer(org_db)))
    finally:
        app.state.engine.dispose()


def test_the_fairness_audit_is_for_hr_admins_only_and_analytics_for_hr(org_db: str, tmp_path: Path) -> None:
    app = create_app(Settings(database_url=org_db, data_dir=tmp_path, secret_key="x"))
    try:
        partner = TestClient(app, headers=hr_bearer(org_db, role="hr_partner"))
        assert partner.get("/api/v1/analytics/mobility", params={"period": "2025"}).status_code == 200
        assert partner.get("/api/v1/analytics/fairness", params={"period": "2025"}).status_code == 403
        employee = TestClient(app, headers=hr_bearer(org_db, role="employee"))
        assert employee.get("/api/v1/analytics/mobility", params={"period": "2025"}).status_code == 403
        assert TestClient(app).get("/api/v1/analytics/fairness").status_code == 401
    finally:
        app.state.engine.dispose()


def check_api(client: TestClient) -> None:
    m = client.get("/api/v1/analytics/mobility", params={"period": "2025"})
    assert m.status_code == 200 and m.json()["movers"] == 2
    assert client.get("/api/v1/analytics/mobility", params={"period": "nope"}).status_code == 422
    flows = client.get("/api/v1/analytics/flows", params={"period": "2025", "by": "family"}).json()
    assert flows["total_moves"] == 2
    assert client.get("/api/v1/analytics/skills/supply-demand").json()["skills"][0]["skill"] == "Python"
    hoarding = client.get("/api/v1/analytics/hoarding", params={"period": "2025"}).json()
    assert hoarding["flagged_total"] == 0 and hoarding["not_named"] == hoarding["managers_total"]  # one decision
    audit = client.get("/api/v1/analytics/fairness", params={"period": "2025"})
    assert audit.status_code == 200 and audit.json()["outcomes"]
    for path in ("mobility/trend.csv", "skills/supply-demand.csv", "skills/heatmap.csv", "skills/emerging.csv",
                 "flows.csv", "hoarding.csv", "fairness.csv"):
        r = client.get(f"/api/v1/analytics/{path}", params={"period": "2025"} if "skills/s" not in path else {})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), path
    assert client.get("/api/v1/analytics/mobility/report.html", params={"period": "2025"}).text.startswith(
        "<!doctype html>")


def test_the_fairness_csv_withholds_the_figures_of_groups_smaller_than_the_minimum(org_db: str,
                                                                                  tmp_path: Path) -> None:
    import csv
    import io

    def rows(min_group_size: int) -> list[dict[str, str]]:
        app = create_app(Settings(database_url=org_db, data_dir=tmp_path, secret_key="x",
                                  analytics_min_group_size=min_group_size))
        try:
            text = TestClient(app, headers=hr_bearer(org_db)).get("/api/v1/analytics/fairness.csv",
                                                                  params={"period": "2025"}).text
        finally:
            app.state.engine.dispose()
        return list(csv.DictReader(io.StringIO("\n".join(x for x in text.splitlines() if not x.startswith("#")))))

    exact = rows(1)
    small = [r for r in exact if 0 < int(r["assessed"]) < 5]
    assert small  # the scenario has groups of one to four people
    withheld = {(r["outcome"], r["dimension"], r["group"]): r for r in rows(5)}
    for r in small:
        row = withheld[(r["outcome"], r["dimension"], r["group"])]
        assert row["assessed"] == row["selected"] == row["rate"] == "" and "withheld" in row["exclusion_reason"]
