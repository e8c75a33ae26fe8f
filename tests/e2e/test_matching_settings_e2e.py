"""HR's matching settings in a real browser, under the real CSP: the share of the score follows
the weights as they are typed, and the form is saved with the keyboard alone."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from portal_world import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("TRELLIS_SCREENSHOTS", "var/screenshots"))


def test_an_hr_admin_sees_the_shares_follow_the_weights_and_saves_with_the_keyboard(browser: Any,
                                                                                    server: str) -> None:
    page = browser.new_context(base_url=server).new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/login")
    page.get_by_label("Work e-mail").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Matching settings").click()
    weights = page.locator("input[data-weight]")
    for i in range(weights.count()):
        weights.nth(i).fill("0")
    page.get_by_label("Required skills").fill("3")
    page.get_by_label("Level gap").fill("1")
    assert page.locator("#f-matching-weight_required_skills-s").text_content() == "75.0%"
    assert page.locator("#f-matching-weight_level-s").text_content() == "25.0%"
    page.get_by_label("Why (required; kept in the audit log)").fill("skills first")
    page.keyboard.press("Enter")  # submits with the first button: Save changes
    page.wait_for_url(re.compile(r".*/hr/matching\?changed=\d+$"))
    assert "Saved: 7 settings changed." in page.content()
    assert page.get_by_role("spinbutton", name="Required skills").input_value() == "3"
    assert page.get_by_role("checkbox", name="Reset Required skills to 0.4").is_visible()
    for i in range(weights.count()):  # the browser lets this through; the server refuses it
        page.locator("input[data-weight]").nth(i).fill("0")
    assert page.locator("#f-matching-weight_level-s").text_content() == "–"
    page.get_by_label("Why (required; kept in the audit log)").fill("a mistake")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_role("alert").filter(has_text="at least one weight must be above 0").is_visible()
    assert page.get_by_label("Why (required; kept in the audit log)").input_value() == "a mistake"
    page.screenshot(path=str(SHOTS / "hr-matching-error.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e]
    page.context.close()
