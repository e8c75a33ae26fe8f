"""The JSON API for career paths, plans, mentoring and succession."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from builders import make_employee, make_history, make_resource, make_role, make_skill
from portal_world import hr_bearer
from trellis.config import Settings
from trellis.db import make_engine
from trellis.web.api.paths import current_actor
from trellis.web.app import create_app


@pytest.fixture
def released(engine: Engine) -> None:
    """PostgreSQL cannot copy the template database while the shared test engine holds a pooled
    connection to it (``fresh_db_url``); close the pool first (it reconnects when next used)."""
    engine.dispose()


def _seed(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with Session(engine) as s:
        py = make_skill(s, "Python")
        dev = make_role(s, title="Developer", level=2, skills={py: 3})
        lead = make_role(s, title="Tech Lead", level=3, is_critical=True, skills={py: 4})
        boss = make_employee(s, role_id=lead.id, level=3, skills={py: 5})
        make_history(s, boss, dev, date(2019, 1, 1))
        make_history(s, boss, lead, date(2021, 1, 1), "promotion")
        person = make_employee(s, role_id=dev.id, level=2, manager_id=boss.id, skills={py: 3})
        other = make_employee(s)
        course = make_resource(s, skills={py: 4}, hours=5)
        ids = {"person": person.external_id, "boss": boss.external_id, "other": other.external_id,
               "dev": dev.external_id, "lead": lead.external_id, "course": course.external_id,
               "person_id": str(person.id), "boss_id": str(boss.id), "other_id": str(other.id)}
        s.commit()
    engine.dispose()
    return ids


@pytest.fixture
def app(released: None, settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    yield app
    app.state.engine.dispose()  # close pooled connections (psycopg warns when they are collected open)


def test_paths_gap_and_succession_answer_in_json(app: FastAPI, settings: Settings) -> None:
    ids = _seed(settings.database_url)
    with TestClient(app, headers=hr_bearer(settings.database_url)) as client:
        r = client.get(f"/api/v1/paths/{ids['person']}/to/{ids['lead']}", params={"k": 2})
        assert r.status_code == 200 and r.json()["paths"][0]["steps"][0]["people"] == 1
        assert client.get(f"/api/v1/paths/{ids['person']}/next").json()["moves"][0]["target"]["title"] == "Tech Lead"
        gap = client.get(f"/api/v1/paths/{ids['person']}/gap", params={"role": ids["lead"]}).json()
        assert gap["learning_plan"]["hours"] == 5
        assert client.get("/api/v1/succession").json()[0]["title"] == "Tech Lead"
        assert client.get("/api/v1/paths/E-nobody/next").status_code == 404
        assert client.get(f"/api/v1/paths/{ids['person']}/gap").status_code == 422


def test_plans_obey_owner_and_manager_permissions(app: FastAPI, settings: Settings) -> None:
    ids = _seed(settings.database_url)
    from trellis.models import Employee

    actor: dict[str, Employee | None] = {"who": None}
    app.dependency_overrides[current_actor] = lambda: actor["who"]
    engine = make_engine(settings.database_url)
    with TestClient(app, headers=hr_bearer(settings.database_url)) as client, Session(engine) as s:
        people = {k: s.get(Employee, int(ids[f"{k}_id"])) for k in ("person", "boss", "other")}
        actor["who"] = people["person"]
        r = client.post(f"/api/v1/employees/{ids['person']}/plans", json={"title": "Lead", "target_role": ids["lead"]})
        assert r.status_code == 201
        plan_id = r.json()["id"]
        r = client.post(f"/api/v1/plans/{plan_id}/items", json={"kind": "course", "resource": ids["course"]})
        item_id = r.json()["items"][0]["id"]
        actor["who"] = people["boss"]
        assert client.get(f"/api/v1/plans/{plan_id}").status_code == 200
        assert client.post(f"/api/v1/plan-items/{item_id}/complete").status_code == 403
        actor["who"] = people["other"]
        assert client.get(f"/api/v1/plans/{plan_id}").status_code == 403
        actor["who"] = people["person"]
        done = client.post(f"/api/v1/plan-items/{item_id}/complete").json()
        # the person already lists Python (3): their own entry is kept, never overwritten by an inference
        assert done["skills_added"] == [] and done["skills_already_held"] == ["Python"]
    engine.dispose()


def test_mentoring_routes_save_profiles_and_assign(app: FastAPI, settings: Settings) -> None:
    ids = _seed(settings.database_url)
    with TestClient(app, headers=hr_bearer(settings.database_url)) as client:
        r = client.put(f"/api/v1/mentoring/mentors/{ids['boss']}", json={"skills": {"Python": 5}, "capacity": 1})
        assert r.status_code == 204
        r = client.post(f"/api/v1/mentoring/requests/{ids['person']}", json={"goals": {"Python": 1}})
        assert r.status_code == 201
        out = client.post("/api/v1/mentoring/assign", params={"dry_run": True}).json()
        assert out["assigned"] == 1 and out["pairs"][0]["mentor"] == ids["boss"]
        r = client.post("/api/v1/mentoring/constraints",
                        params={"mentor": ids["boss"], "mentee": ids["person"], "kind": "forbid"})
        assert r.status_code == 200
        assert client.post("/api/v1/mentoring/assign").json()["assigned"] == 0
        r = client.post("/api/v1/mentoring/constraints",
                        params={"mentor": ids["boss"], "mentee": ids["person"], "kind": "nonsense"})
        assert r.status_code == 422
