"""Confidential applications, route × role × relationship: five people apply confidentially to
one gig, each the report of a current manager with a different role (employee, manager, HR
partner, HR admin, system admin). Every endpoint that can tell of an application — the
application itself, applicant lists, the shortlist's "applied" flag, notifications, the audit
trail (API and page), the analytics and fairness counts — is asked by each current manager, the
opening's owner, HR (partner and admin) and a system admin. Nobody learns of an application the
rules in docs/permissions.md keep from them, and everyone allowed sees it somewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from builders import make_employee, make_opportunity, make_role, make_skill, make_taxonomy
from portal_world import app_for, login, settings_for
from trellis.accounts.permissions import ROLES
from trellis.accounts.service import actor_for, create_user
from trellis.applications import service as applications
from trellis.applications.schemas import ApplyIn
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory

HR_ROLES = ("hr_partner", "hr_admin")
VIEWERS = ("owner", "hr_partner", "hr_admin", "sysadmin", *(f"manager_of_{r}" for r in ROLES))
PAGE_APPLICANT = re.compile(r"<h2>([^<]+) <span class=\"badge\">")
PAGE_APPLIED = re.compile(r"<h3>([^<]+) <span class=\"badge ok\">applied</span>")
PAGE_ENTITY = re.compile(r"<td>application (\d+)</td>")
PAGE_LISTED = re.compile(r"\"applications\": \[([\d, ]*)\]")


@dataclass
class Org:
    url: str
    gig: int
    owner: int
    emails: dict[str, str]  # viewer -> e-mail
    apps: dict[int, str]  # application id -> applicant's name
    applicant_of: dict[str, int]  # role of the current manager -> application id


def _build(url: str) -> Org:
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        python = make_skill(s, "Python", taxonomy_id=make_taxonomy(s, source="trellis", name="Starter").id)
        role = make_role(s, title="Software Engineer", skills={python: 3})
        owner = make_employee(s, name="Olga Owner", work_email="owner@example.com")
        owner_user = create_user(s, email="owner@example.com", role="manager", password="correct horse battery")
        emails = {"owner": "owner@example.com"}
        for key in ("hr_partner", "hr_admin", "sysadmin"):
            make_employee(s, name=f"Plain {key}", work_email=f"{key}@example.com")
            create_user(s, email=f"{key}@example.com", role=key, password="correct horse battery")
            emails[key] = f"{key}@example.com"
        gig = make_opportunity(s, title="Pipeline gig", type="gig", hiring_manager_id=owner.id, role_id=role.id,
                               remote="remote", hours_per_week=8, skills={python: 3})
        apps, applicant_of = {}, {}
        for r in ROLES:
            boss = make_employee(s, name=f"Boss {r}", work_email=f"boss-{r}@example.com")
            create_user(s, email=f"boss-{r}@example.com", role=r, password="correct horse battery")
            emails[f"manager_of_{r}"] = f"boss-{r}@example.com"
            person = make_employee(s, name=f"Report of {r}", work_email=f"report-{r}@example.com",
                                   manager_id=boss.id, role_id=role.id, skills={python: 3})
            user = create_user(s, email=f"report-{r}@example.com", role="employee")
            app = applications.apply(s, actor=actor_for(user), opportunity_id=gig.id,
                                     data=ApplyIn(confidential=True, note="keen"))
            apps[app.id], applicant_of[r] = person.name, app.id
        # the owner reads the applicant list and each application: audited reads on the trail
        applications.list_for_opportunity(s, actor=actor_for(owner_user), opportunity_id=gig.id)
        for app_id in apps:
            applications.get_application(s, actor=actor_for(owner_user), application_id=app_id)
        s.commit()
        org = Org(url=url, gig=gig.id, owner=owner.id, emails=emails, apps=apps, applicant_of=applicant_of)
    engine.dispose()
    return org


@pytest.fixture(scope="module")
def org(world_url: str) -> Org:
    return _build(world_url)


@pytest.fixture(scope="module")
def org_settings(org: Org, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return settings_for(org.url, tmp_path_factory.mktemp("confidential"), analytics_min_group_size=1)


@pytest.fixture(scope="module")
def client_of(org: Org, org_settings: Settings) -> Iterator[dict[str, TestClient]]:
    yield {viewer: login(app_for(org_settings), email) for viewer, email in org.emails.items()}


def expected(viewer: str, org: Org) -> set[str]:
    """docs/permissions.md: the owner and HR see every application; a current manager never sees
    their report's confidential application before the offer, whatever their role; a manager
    sees nobody else's; a system admin is nobody."""
    everyone = set(org.apps.values())
    if viewer in ("owner", *HR_ROLES):
        return everyone
    role = viewer.removeprefix("manager_of_")
    if viewer.startswith("manager_of_") and role in HR_ROLES:
        return everyone - {org.apps[org.applicant_of[role]]}
    return set()


def _json(client: TestClient, path: str, **params: object) -> object:
    response = client.get(path, params=params)
    assert response.status_code < 500, (path, response.status_code, response.text[:300])
    return response.json() if response.status_code == 200 else None


def revealed(client: TestClient, org: Org) -> dict[str, set[str]]:
    """For each endpoint, the applicants whose application it tells this client of."""
    name_of_id = {str(i): n for i, n in org.apps.items()}
    out: dict[str, set[str]] = {}
    out["GET /api/v1/applications/{id}"] = {n for i, n in org.apps.items()
                                             if client.get(f"/api/v1/applications/{i}").status_code == 200}
    out["GET /applications/{id}"] = {n for i, n in org.apps.items()
                                     if client.get(f"/applications/{i}").status_code == 200}
    listed = _json(client, f"/api/v1/opportunities/{org.gig}/applications")
    out["GET /api/v1/opportunities/{id}/applications"] = {a["applicant"] for a in listed or []}  # type: ignore[attr-defined]
    page = client.get(f"/manage/opportunities/{org.gig}/applicants")
    out["GET /manage/opportunities/{id}/applicants"] = (set(PAGE_APPLICANT.findall(page.text))
                                                        | set(PAGE_APPLIED.findall(page.text))
                                                        if page.status_code == 200 else set())
    shortlist = _json(client, f"/api/v1/opportunities/{org.gig}/shortlist")
    out["GET /api/v1/opportunities/{id}/shortlist (applied)"] = {
        e["match"]["employee_name"] for e in shortlist or [] if e["applied"]}  # type: ignore[attr-defined]
    notes = _json(client, "/api/v1/notifications") or []
    out["GET /api/v1/notifications"] = {n for n in org.apps.values()
                                        for note in notes if n in str(note)}  # type: ignore[attr-defined]
    trail: set[str] = set()
    for app_id, name in org.apps.items():
        if (_json(client, "/api/v1/audit", entity=f"application:{app_id}") or {"items": []})["items"]:  # type: ignore[index]
            trail.add(name)
    for entity in (f"opportunity:{org.gig}", None):
        page_of = _json(client, "/api/v1/audit", per_page=100, **({"entity": entity} if entity else {}))
        for event in (page_of or {"items": []})["items"]:  # type: ignore[index]
            trail |= {name_of_id[str(i)] for i in event["data"].get("applications", []) if str(i) in name_of_id}
            if event["entity_type"] == "application":
                trail.add(name_of_id.get(event["entity_id"], "?"))
    out["GET /api/v1/audit"] = trail
    audit_page = client.get("/hr/audit")
    ids = set(PAGE_ENTITY.findall(audit_page.text)) | {
        i.strip() for listed_ids in PAGE_LISTED.findall(audit_page.text) for i in listed_ids.split(",") if i.strip()}
    out["GET /hr/audit"] = {name_of_id[i] for i in ids if i in name_of_id} if audit_page.status_code == 200 else set()
    return out


def counted(client: TestClient) -> dict[str, int | None]:
    """How many applications the analytics and fairness figures count (None: not allowed)."""
    mobility = _json(client, "/api/v1/analytics/mobility")
    fairness = _json(client, "/api/v1/analytics/fairness")
    csv = client.get("/api/v1/analytics/fairness.csv")
    return {
        "application funnel": mobility["application_funnel"][0]["count"] if mobility else None,  # type: ignore[index]
        "recommendation funnel (applied)": next(s["count"] for s in mobility["recommendation_funnel"]  # type: ignore[index]
                                                if s["stage"] == "applied") if mobility else None,
        "fairness": next(o["assessed"] for o in fairness["outcomes"]  # type: ignore[index]
                         if o["name"] == "applications: applied → selected") if fairness else None,
        "fairness.csv": sum(int(line.split(",")[4]) for line in csv.text.splitlines()
                            if line.startswith("applications: applied → selected,selection,sex,"))
        if csv.status_code == 200 else None,
    }


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_endpoint_tells_anyone_of_an_application_the_rules_keep_from_them(
    viewer: str, org: Org, client_of: dict[str, TestClient],
) -> None:
    allowed = expected(viewer, org)
    seen = revealed(client_of[viewer], org)
    leaks = {endpoint: names - allowed for endpoint, names in seen.items() if names - allowed}
    assert not leaks, f"{viewer} learns of hidden applications: {leaks}"
    assert set().union(*seen.values()) == allowed  # and whoever may see one does, somewhere


@pytest.mark.parametrize("viewer", VIEWERS)
def test_analytics_and_fairness_counts_leave_out_the_applications_hidden_from_the_viewer(
    viewer: str, org: Org, client_of: dict[str, TestClient],
) -> None:
    figures = counted(client_of[viewer])
    for figure, count in figures.items():
        assert count is None or count == len(expected(viewer, org)), (viewer, figure, count)
    assert (figures["application funnel"] is not None) is (viewer in HR_ROLES or viewer.endswith(HR_ROLES))


def test_the_owner_and_hr_see_each_applicant_flagged_applied_on_the_shortlist(
    org: Org, client_of: dict[str, TestClient],
) -> None:
    for viewer in ("owner", *HR_ROLES, "manager_of_hr_admin"):
        assert revealed(client_of[viewer], org)["GET /api/v1/opportunities/{id}/shortlist (applied)"] == \
            expected(viewer, org), viewer


def test_at_the_offer_the_hr_current_manager_learns_of_their_report_everywhere(
    org: Org, client_of: dict[str, TestClient],
) -> None:
    app_id = org.applicant_of["hr_admin"]
    owner = client_of["owner"]
    version = owner.get(f"/api/v1/applications/{app_id}").json()["version"]
    moved = owner.post(f"/api/v1/applications/{app_id}/move",
                       json={"to": "offer", "reason": "Strong pipeline work", "version": version})
    assert moved.status_code == 200, moved.text
    seen = revealed(client_of["manager_of_hr_admin"], org)
    name = org.apps[app_id]
    for endpoint in ("GET /api/v1/applications/{id}", "GET /api/v1/opportunities/{id}/applications",
                     "GET /api/v1/audit", "GET /api/v1/notifications"):
        assert name in seen[endpoint], endpoint
    assert counted(client_of["manager_of_hr_admin"])["application funnel"] == len(org.apps)
