"""A small organisation for the portal tests: one person per role, a current manager (Mona)
with a report (Eve), a hiring manager (Hugo) with an open gig and a draft, HR people, skills."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from builders import make_employee, make_family, make_opportunity, make_role, make_skill, make_taxonomy
from trellis.accounts import service as accounts_service
from trellis.accounts.service import create_user
from trellis.config import Settings
from trellis.db import is_sqlite, make_engine, make_session_factory, normalise_url
from trellis.models import Location
from trellis.web.app import create_app

# Cheap argon2 parameters for the tests (the real defaults cost ~0.5 s a hash on a busy CI box).
accounts_service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
ROLE_EMAILS = {
    "employee": "eve@example.com", "manager": "mona@example.com", "hr_partner": "pat@example.com",
    "hr_admin": "ada@example.com", "sysadmin": "sam@example.com",
}


@dataclass
class World:
    url: str
    eve: int
    mona: int
    hugo: int
    gig: int
    draft: int
    python: int
    kubernetes: int
    role: int
    family: int
    location: int


def copy_database(template_url: str, tmp: Path) -> Iterator[str]:
    """A committed-to copy of the migrated template database (SQLite file copy or PG template)."""
    if is_sqlite(template_url):
        dst = tmp / f"portal-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(make_url(template_url).database or "", dst)
        yield f"sqlite:///{dst}"
        return
    name = f"trellis_p_{uuid.uuid4().hex[:12]}"
    base = make_url(normalise_url(template_url))
    admin = make_engine(str(base.set(database="postgres").render_as_string(hide_password=False)))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{base.database}"'))
    yield str(base.set(database=name).render_as_string(hide_password=False))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def build_world(url: str) -> World:
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        world = _populate(s, url)
        s.commit()
    engine.dispose()
    return world


def _populate(s: Session, url: str) -> World:
    tax = make_taxonomy(s, source="trellis", name="Starter")
    python = make_skill(s, "Python", taxonomy_id=tax.id, alt_labels=["py"])
    make_skill(s, "PostgreSQL", taxonomy_id=tax.id, alt_labels=["postgres"])
    k8s = make_skill(s, "Kubernetes", taxonomy_id=tax.id, alt_labels=["k8s"])
    fam = make_family(s, name="Engineering")
    role = make_role(s, title="Software Engineer", family_id=fam.id, skills={python: 3})
    loc = Location(external_id="L-LON", name="London", country="GB")
    s.add(loc)
    s.flush()
    mona = make_employee(s, name="Mona Manager", work_email=ROLE_EMAILS["manager"])
    eve = make_employee(s, name="Eve Employee", work_email=ROLE_EMAILS["employee"], manager_id=mona.id,
                        role_id=role.id, skills={python: 3})
    hugo = make_employee(s, name="Hugo Hiring", work_email="hugo@example.com")
    for key in ("hr_partner", "hr_admin", "sysadmin"):
        make_employee(s, name=key.replace("_", " ").title(), work_email=ROLE_EMAILS[key])
    for role_name, email in ROLE_EMAILS.items():
        create_user(s, email=email, role=role_name, password=PASSWORD)
    create_user(s, email="hugo@example.com", role="manager", password=PASSWORD)
    gig = make_opportunity(s, title="Data pipeline gig", type="gig", hiring_manager_id=hugo.id, role_id=role.id,
                           location_id=loc.id, remote="remote", hours_per_week=8, description="Build pipelines",
                           skills={python: 3, k8s: 2})
    draft = make_opportunity(s, title="Draft project", type="project", status="draft", hiring_manager_id=hugo.id)
    return World(url=url, eve=eve.id, mona=mona.id, hugo=hugo.id, gig=gig.id, draft=draft.id, python=python.id,
                 kubernetes=k8s.id, role=role.id, family=fam.id, location=loc.id)


def settings_for(url: str, tmp: Path, **kw: object) -> Settings:
    # no sentence model to load in the portal tests, and no index built behind their back
    kw = {"match_text_encoder": "hashing", "match_warm_on_start": False, "analytics_warm_on_start": False, **kw}
    return Settings(database_url=url, data_dir=tmp / "data", secret_key="portal-test-secret", **kw)  # type: ignore[arg-type]


CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(client: TestClient, path: str = "/") -> str:
    match = CSRF_RE.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client, "/login")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    client.headers["x-csrf-token"] = csrf_of(client, "/")
    return client


_apps: list[TestClient] = []


def app_for(settings: Settings) -> TestClient:
    client = TestClient(create_app(settings))
    _apps.append(client)
    return client


def dispose_apps() -> None:
    """Close every app's database pool (PostgreSQL connections must not outlive the module)."""
    while _apps:
        client = _apps.pop()
        client.close()
        client.app.state.engine.dispose()  # type: ignore[attr-defined]


def hr_bearer(url: str, *, role: str = "hr_admin") -> dict[str, str]:
    """Headers for an integration calling the API as HR (a fresh account with a read/write token),
    for tests of JSON routes that sit behind the permission table."""
    from trellis.accounts.service import create_api_token

    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        user = create_user(s, email=f"api-{uuid.uuid4().hex[:8]}@example.com", role=role)
        raw, _token = create_api_token(s, user=user, name="tests", scopes=["read", "write"])
        s.commit()
    engine.dispose()
    return {"Authorization": f"Bearer {raw}"}
