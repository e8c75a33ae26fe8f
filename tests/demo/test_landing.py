"""What `make demo` shows: the landing page and the counts API over a freshly built demo."""

from __future__ import annotations

from fastapi.testclient import TestClient

from trellis.config import Settings
from trellis.db import make_engine, make_session_factory, session_scope
from trellis.demo.service import build_demo
from trellis.web.app import create_app


def test_the_landing_page_lists_the_demo_organisations_counts(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    with session_scope(make_session_factory(engine)) as session:
        build_demo(session, employees=90, seed=2)
    engine.dispose()
    app = create_app(Settings(database_url=fresh_db_url, secret_key="test", match_warm_on_start=False,
                              analytics_warm_on_start=False))
    with TestClient(app) as client:
        page = client.get("/")
        counts = client.get("/api/v1/counts").json()
    app.state.engine.dispose()
    assert page.status_code == 200
    assert "employees: <strong>90</strong>" in page.text
    assert counts["employees"] == 90 and counts["roles"] == 281 and counts["skills"] >= 458
