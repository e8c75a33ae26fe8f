"""The portal in a real browser: an employee signs in, edits skills through the autocomplete and
applies confidentially; a manager posts an opening, HR approves it, the manager sees the
applicant and advances them; the applicant's current manager cannot see the application."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from portal_world import PASSWORD, World

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("TRELLIS_SCREENSHOTS", "var/screenshots"))


def sign_in(browser: Any, base: str, email: str, **context: Any) -> Any:
    page = browser.new_context(base_url=base, **context).new_page()
    page.goto("/login")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    return page


def test_post_approve_apply_confidentially_and_advance(browser: Any, server: str, e2e_world: World) -> None:
    from playwright.sync_api import expect

    # the employee edits her skills: autocomplete suggests from the skills library as she types
    eve = sign_in(browser, server, "eve@example.com")
    eve.get_by_role("link", name="My profile").first.click()
    eve.get_by_label("Add a skill").press_sequentially("kub", delay=30)
    expect(eve.locator("#skill-options option[value='Kubernetes']")).to_have_count(1)
    eve.get_by_label("Add a skill").fill("Kubernetes")
    eve.get_by_label("Level").select_option("4")
    eve.get_by_role("button", name="Add skill").click()
    expect(eve.get_by_role("cell", name="Kubernetes", exact=True)).to_be_visible()

    # she sees recommendations with their reasons and what would raise each match
    eve.get_by_role("link", name="For you").click()
    expect(eve.get_by_role("link", name="Data pipeline gig")).to_be_visible()
    expect(eve.get_by_text("How the score is made up").first).to_be_visible()
    expect(eve.locator(".reasons li").first).to_be_visible()

    # a hiring manager posts an opening with skills and submits it; HR approves it
    hugo = sign_in(browser, server, "hugo@example.com")
    hugo.goto("/manage/opportunities/new")
    hugo.get_by_label("Title").fill("Platform reliability gig")
    hugo.get_by_label("Type").select_option("gig")
    hugo.get_by_label("Description").fill("Help us run Kubernetes well.")
    hugo.get_by_label("Hours/week").fill("6")
    hugo.get_by_label("Skill 1", exact=True).fill("Kubernetes")
    hugo.get_by_role("button", name="Save draft").click()
    hugo.get_by_role("button", name="Submit for HR approval").click()
    expect(hugo.get_by_role("cell", name="pending approval")).to_be_visible()

    pat = sign_in(browser, server, "pat@example.com")
    pat.goto("/hr/approvals")
    pat.get_by_role("button", name="Approve").first.click()
    expect(pat.get_by_text("Nothing waiting.")).to_be_visible()

    # the employee finds it in the marketplace and applies confidentially
    eve.goto("/marketplace")
    eve.get_by_role("searchbox", name="Search").fill("reliability")
    eve.get_by_role("button", name="Search", exact=True).click()
    eve.get_by_role("link", name="Platform reliability gig").click()
    eve.get_by_label("A note to the hiring manager (optional)").fill("I run our clusters today.")
    expect(eve.get_by_label("Keep this confidential")).to_be_checked()
    eve.get_by_role("button", name="Send application").click()
    expect(eve.get_by_role("status")).to_contain_text("Your application was sent")
    href = eve.get_by_role("link", name="Platform reliability gig").get_attribute("href")
    assert href

    # the hiring manager sees the applicant and advances them with a reason
    hugo.goto("/manage/opportunities")
    hugo.get_by_role("row", name=re.compile("Platform reliability gig")).get_by_role("link", name="Applicants").click()
    expect(hugo.get_by_role("heading", level=2, name=re.compile("Eve Employee"))).to_be_visible()
    hugo.get_by_label("Move to").select_option("interview")
    hugo.get_by_label("Reason").fill("Hands-on cluster experience")
    hugo.get_by_role("button", name="Move").click()
    expect(hugo.get_by_text("Last decision: Hands-on cluster experience")).to_be_visible()

    # her current manager can neither open the application nor is told about it
    mona = sign_in(browser, server, "mona@example.com")
    response = mona.goto(href)
    assert response is not None and response.status == 404
    expect(mona.get_by_role("heading", name="Not found")).to_be_visible()
    mona.goto("/")
    expect(mona.get_by_text("Eve Employee")).to_have_count(0)

    # screenshots of the main pages, on a desktop and a phone, for a look at the layout
    SHOTS.mkdir(parents=True, exist_ok=True)
    eve.goto("/marketplace")
    eve.screenshot(path=str(SHOTS / "marketplace-desktop.png"), full_page=True)
    hugo.screenshot(path=str(SHOTS / "applicants-desktop.png"), full_page=True)
    phone = sign_in(browser, server, "eve@example.com", viewport={"width": 390, "height": 844})
    phone.goto("/profile")
    phone.screenshot(path=str(SHOTS / "profile-phone.png"), full_page=True)


def test_the_keyboard_reaches_the_skip_link_first_and_focus_is_visible(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "eve@example.com")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
