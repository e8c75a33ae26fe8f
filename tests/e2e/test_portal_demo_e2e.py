"""The portal on a generated demo organisation (1,000 people, as of today) in Chromium, walked as
HR, a manager and an employee: analytics and hoarding flags that mean something, a fairness audit
that counts people and leads with a summary and a chart, the pages for plans, mentoring, mentor
matches and succession, re-applying after a withdrawal, the API docs, the audit log, the
governance page and a menu that folds on a phone. Screenshots of analytics and fairness at
1280 px and 390 px go to $TRELLIS_SCREENSHOTS (docs/screenshots keeps reviewed copies)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from test_portal_e2e import sign_in as sign_in_as

from portal_world import PASSWORD
from trellis.accounts.service import ensure_demo_accounts
from trellis.db import make_engine, make_session_factory
from trellis.demo.service import build_demo
from trellis.migrations import upgrade
from trellis.models import Employee, Opportunity, RecommendationEvent

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("TRELLIS_SCREENSHOTS", "var/screenshots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Demo:
    url: str
    emails: dict[str, str]  # role -> sign-in e-mail
    busy: list[int]  # the three employees recommended twenty openings each


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        build_demo(s, employees=1000, seed=7)
        emails = {role: user.email for role, user, _emp in ensure_demo_accounts(s, password=PASSWORD)}
        busy = list(s.scalars(select(Employee.id).where(Employee.status == "active").order_by(Employee.id)
                              .offset(100).limit(3)))
        openings = list(s.scalars(select(Opportunity.id).where(Opportunity.status == "open").limit(20)))
        at = datetime.now(UTC) - timedelta(days=10)
        s.add_all(RecommendationEvent(employee_id=e, opportunity_id=o, kind=kind, source="recommend", at=at,
                                      score=0.5 if kind == "shown" else None)
                  for e in busy for k, o in enumerate(openings) for kind in ("shown", "opened")[: 1 + k % 2])
        s.commit()
    engine.dispose()
    return Demo(url, emails, busy)


@pytest.fixture(scope="module")
def site(demo: Demo, tmp_path_factory: pytest.TempPathFactory,
         serving: Callable[[str, Path], Iterator[str]]) -> Iterator[str]:
    yield from serving(demo.url, tmp_path_factory.mktemp("demo-data"))


def sign_in(browser: Any, base: str, email: str, viewport: dict[str, int] = DESKTOP) -> Any:
    return sign_in_as(browser, base, email, viewport=viewport)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_hoarding_flags_few_managers_decisions_take_days_and_moves_reach_the_latest_months(
        browser: Any, site: str, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, site, demo.emails["hr_admin"])
    page.goto("/hr/analytics")
    expect(page.get_by_role("heading", name="Hoarding flags")).to_be_visible()
    found = re.search(r"(\d+) of (\d+) managers flagged", page.locator("main").inner_text())
    assert found, "the hoarding summary says how many managers are flagged"
    flagged, total = int(found[1]), int(found[2])
    assert total > 20 and flagged <= total // 10, found[0]  # was 193 of 194
    delays = [float(t) for t in page.locator("td[data-label='Median decision (days)']").all_inner_texts()
              if t.strip() not in ("", "—")]
    assert delays and max(delays) < 60
    assert all(int(t) >= 5 for t in page.locator("td[data-label='Team']").all_inner_texts())  # named: teams of 5+
    retention = page.get_by_role("row", name=re.compile("Retention after 12 months")).inner_text()
    assert "— vs —" not in retention and re.search(r"\d+\.\d% vs \d+\.\d%", retention), retention
    trend = page.request.get("/api/v1/analytics/mobility/trend").json()
    latest = {t["month"]: t["promotions"] + t["laterals"] + t["demotions"] for t in trend}
    months = [(date.today().replace(day=1) - timedelta(days=31 * k)).strftime("%Y-%m") for k in (1, 2, 3)]
    assert all(latest[m] > 0 for m in months), latest
    shot(page, "analytics-1280")
    page.locator("#hoarding-summary").scroll_into_view_if_needed()
    shot(page, "analytics-hoarding-1280")
    phone = sign_in(browser, site, demo.emails["hr_admin"], viewport=PHONE)
    phone.goto("/hr/analytics")
    chart = phone.locator("section.chart svg").first.bounding_box()
    assert chart and chart["width"] >= 600  # scrolls sideways at a readable size instead of shrinking to 6 px text
    shot(phone, "analytics-390")
    phone.locator("section.chart").first.scroll_into_view_if_needed()
    shot(phone, "analytics-chart-390")


def test_the_fairness_audit_counts_people_flags_nothing_without_evidence_and_leads_with_a_summary_and_chart(
        browser: Any, site: str, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, site, demo.emails["hr_admin"])
    page.goto("/hr/fairness")
    summary = page.locator("#fairness-summary")
    expect(summary).to_be_visible()
    assert "people applied" in summary.inner_text()
    assert page.locator("section.chart svg").count() == 2  # by sex, by race/ethnicity
    first_table = page.locator("table").first.bounding_box()
    assert summary.bounding_box()["y"] < page.locator("section.chart svg").first.bounding_box()["y"]
    assert first_table is None or first_table["y"] > summary.bounding_box()["y"]
    opened = page.locator("details.outcome summary", has_text="recommendation funnel: shown → opened")
    expect(opened).to_contain_text("3 people assessed")  # 3 people, not their 60 person × opening pairs
    rows = page.evaluate("""() => [...document.querySelectorAll('tbody tr')].map(
        r => [...r.cells].map(c => c.textContent.trim()))""")
    assert rows and not [r for r in rows if r[4] == "0.00" and r[5] == "yes"]  # nobody selected: no flag
    assert page.evaluate("document.body.scrollHeight") < 5000
    shot(page, "fairness-1280")
    page.locator("#chart-h").evaluate("e => e.scrollIntoView()")
    shot(page, "fairness-chart-1280")
    phone = sign_in(browser, site, demo.emails["hr_admin"], viewport=PHONE)
    phone.goto("/hr/fairness")
    expect(phone.locator("#fairness-summary")).to_be_visible()
    shot(phone, "fairness-390")


def test_an_employee_keeps_a_development_plan_and_offers_to_mentor(browser: Any, site: str, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, site, demo.emails["employee"])
    page.goto("/plans")
    page.get_by_label("Title").fill("Grow into team lead")
    page.get_by_label("What you want to reach (optional)").fill("Lead a project end to end.")
    page.get_by_role("button", name="Start plan").click()
    plan = page.locator("section.result", has_text="Grow into team lead")
    plan.get_by_label("A new goal").fill("Run a design review")
    plan.get_by_role("button", name="Add goal").click()
    plan = page.locator("section.result", has_text="Grow into team lead")
    expect(plan).to_contain_text("0 of 1 done")
    plan.get_by_role("button", name="Mark “Run a design review” done").click()
    expect(page.locator("section.result", has_text="Grow into team lead")).to_contain_text("1 of 1 done")
    shot(page, "plans-1280")

    page.goto("/mentoring")
    page.get_by_label("Skills you can teach").fill("Python 4, SQL")
    page.get_by_label("How many mentees at once").fill("3")
    page.get_by_role("button", name="Offer to mentor").click()
    profile = page.locator("#mentor-profile")
    expect(profile.get_by_role("heading", name="Your mentor profile")).to_be_visible()
    expect(profile).to_contain_text("Python (level 4)")
    expect(profile).to_contain_text("capacity 3")
    shot(page, "mentoring-1280")


def test_hr_previews_and_proposes_mentor_matches_and_reads_the_succession_bench(
        browser: Any, site: str, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, site, demo.emails["hr_partner"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentor matches").click()
    expect(page.locator("#matches tbody tr").first).to_be_visible()
    assert page.locator("#matches tbody tr td[data-label='Fit']").count() > 0
    shot(page, "mentor-matches-1280")
    page.get_by_role("button", name=re.compile(r"Propose these \d+ pairs")).click()
    expect(page.get_by_role("status")).to_contain_text("Pairs proposed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Succession").click()
    expect(page.get_by_role("heading", name="Succession and bench strength")).to_be_visible()
    assert page.locator("#bench tbody tr").count() > 0
    expect(page.locator("ol.list li").first).to_contain_text("% match")
    shot(page, "succession-1280")


def test_an_employee_can_apply_again_after_withdrawing(browser: Any, site: str, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, site, demo.emails["employee"])
    page.goto("/marketplace")
    for link in page.locator("h2 a[href^='/opportunities/']").all():
        href = link.get_attribute("href")
        page.goto(href)
        if page.get_by_role("button", name="Send application").count():
            break
        page.goto("/marketplace")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("status")).to_contain_text("Your application was sent")
    page.goto(href)
    page.locator(".notice a").click()
    page.get_by_role("button", name="Withdraw application").click()
    page.goto(href)
    expect(page.get_by_role("heading", name="Apply again")).to_be_visible()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("status")).to_contain_text("Your application was sent")


def test_api_docs_audit_log_governance_posting_texts_and_a_menu_that_folds_on_a_phone(
        browser: Any, site: str, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, site, demo.emails["hr_admin"])
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)

    page.goto("/hr/fairness")
    page.goto("/hr/audit?action=demographics")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("(" + demo.emails["hr_admin"] + ")")  # the person's name and e-mail
    content = page.content()
    assert "datetime.date(" not in content and '{"period"' not in content
    expect(row.locator("dl.kv dt", has_text="period")).to_be_visible()

    page.goto("/hr/governance")
    expect(page.get_by_role("heading", name="Automated recommendations: on")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics")).to_be_visible()

    employee = sign_in(browser, site, demo.emails["employee"])
    employee.goto("/marketplace?type=job")
    texts = []
    for href in [a.get_attribute("href") for a in employee.locator("h2 a[href^='/opportunities/']").all()[:8]]:
        employee.goto(href)
        if employee.locator(".prose").count():
            texts.append(employee.locator(".prose").inner_text())
    assert len(texts) >= 4 and sum("is looking for" in t for t in texts) < len(texts) / 2, texts

    phone = sign_in(browser, site, demo.emails["hr_admin"], viewport=PHONE)
    menu = phone.locator("summary", has_text="Menu")
    expect(menu).to_be_visible()
    analytics = phone.locator("nav[aria-label='Main'] a[href='/hr/analytics']")
    expect(analytics).to_be_hidden()
    assert phone.locator("header.top").bounding_box()["height"] < 100  # one line, not three
    menu.click()
    expect(analytics).to_be_visible()
    analytics.click()
    expect(phone.get_by_role("heading", name="Mobility analytics")).to_be_visible()


def test_an_employee_saves_a_search_sees_its_matches_and_runs_it_again(browser: Any, site: str, demo: Demo) -> None:
    from playwright.sync_api import expect

    page = sign_in(browser, site, demo.emails["employee"])
    page.goto("/marketplace")
    page.get_by_role("searchbox", name="Search").fill("engineer")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_label("Save this search as").fill("Engineering roles")
    page.get_by_role("button", name="Save search").click()
    expect(page.get_by_role("status")).to_contain_text("Search saved")
    saved = page.locator("li.result", has_text="Engineering roles")
    expect(saved).to_contain_text(re.compile(r"\d+ open opening"))
    expect(saved).to_contain_text("alerts on")
    saved.get_by_role("link", name="Engineering roles").click()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Saved searches").click()
    page.get_by_role("button", name="Delete “Engineering roles”").click()
    expect(page.get_by_text("No saved searches yet.")).to_be_visible()
