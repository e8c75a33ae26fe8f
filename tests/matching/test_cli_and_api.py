from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from builders import make_marketplace
from portal_world import hr_bearer
from trellis.cli import app
from trellis.config import Settings
from trellis.core.matching import Matcher
from trellis.db import make_engine, make_session_factory, session_scope
from trellis.matching.batch import dask_mapper
from trellis.matching.synthetic import synthetic_org
from trellis.models import RecommendationEvent
from trellis.web.app import create_app


@pytest.fixture
def filled(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("TRELLIS_MATCH_TEXT_ENCODER", "hashing")
    engine = make_engine(settings.database_url)
    with session_scope(make_session_factory(engine)) as session:
        org = make_marketplace(session)
        ids = {k: v.external_id for k, v in org.items() if hasattr(v, "external_id")}
    engine.dispose()
    return ids


def _events(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = int(conn.scalar(select(func.count()).select_from(RecommendationEvent)) or 0)
    engine.dispose()
    return n


def test_the_cli_recommends_explains_and_logs_what_it_showed(settings: Settings, filled: dict[str, Any]) -> None:
    runner = CliRunner()
    db = ["--db", settings.database_url]
    res = runner.invoke(app, ["match", "recommend", filled["alice"], "--k", "5", *db])
    assert res.exit_code == 0, res.output
    assert filled["job"] in res.output
    assert _events(settings.database_url) >= 1
    res = runner.invoke(app, ["match", "explain", filled["alice"], filled["own"], *db])
    assert res.exit_code == 0 and "own_team" in res.output
    res = runner.invoke(app, ["match", "candidates", filled["job"], *db])
    assert res.exit_code == 0 and filled["alice"] in res.output


def test_the_cli_batch_writes_every_persons_top_k(settings: Settings, filled: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "top.jsonl"
    res = CliRunner().invoke(app, ["match", "batch", "--k", "3", "--out", str(out), "--db", settings.database_url])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    alice = next(r for r in rows if r["employee"] == filled["alice"])
    assert filled["job"] in [o for o, _s in alice["results"]] and filled["own"] not in [o for o, _ in alice["results"]]


def test_the_api_serves_recommendations_candidates_and_explanations(settings: Settings,
                                                                   filled: dict[str, Any]) -> None:
    app = create_app(settings.model_copy(update={"match_text_encoder": "hashing"}))
    client = TestClient(app, headers=hr_bearer(settings.database_url))
    rec = client.get(f"/api/v1/employees/{filled['alice']}/recommendations", params={"k": 3})
    assert rec.status_code == 200
    first = rec.json()["results"][0]
    assert abs(sum(c["points"] for c in first["components"]) - first["score"]) < 0.05
    cand = client.get(f"/api/v1/opportunities/{filled['job']}/candidates")
    assert cand.status_code == 200 and cand.json()["results"][0]["employee"] == filled["alice"]
    why = client.get("/api/v1/match/explain", params={"employee": filled["alice"], "opportunity": filled["own"]})
    assert why.status_code == 200 and why.json()["excluded_by"][0]["rule"] == "own_team"
    assert client.get("/api/v1/employees/NOPE/recommendations").status_code == 404
    app.state.engine.dispose()  # close pooled connections (psycopg warns when they are collected open)


def test_the_batch_on_a_dask_cluster_equals_the_in_process_batch() -> None:
    from distributed import LocalCluster

    org = synthetic_org(600, 120, seed=3, dim=32, n_skills=120, n_families=6)
    m = Matcher(block_size=128).fit(org.opportunities, org.people, skills=org.skills, skill_links=org.links,
                                    skill_vectors=org.skill_vectors[:, :32], transitions=org.transitions)
    local = m.batch(k=10)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = m.batch(k=10, mapper=dask_mapper(cluster.scheduler_address))
    assert np.array_equal(local.person_ids, remote.person_ids)
    assert np.array_equal(local.ids, remote.ids)
    assert np.allclose(local.scores, remote.scores, equal_nan=True)
