"""WCAG 2 A/AA audit of the main pages with axe-core in Chromium: labels, contrast, landmarks,
names of links and buttons. Any violation fails with the rule and the offending elements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builders import make_org_unit
from portal_world import PASSWORD, World
from trellis.db import make_engine, make_session_factory

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def audit(page: Any) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
    return list(result)


def signed_in(browser: Any, base: str, email: str) -> Any:
    page = browser.new_context(base_url=base, bypass_csp=True).new_page()  # bypass: axe is injected inline
    page.goto("/login")
    problems = audit(page)
    assert not problems, f"/login: {problems}"
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    return page


def add_teams(url: str) -> None:
    """A small org tree, so that the analytics filter shows its list, its matches and its message."""
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        root = make_org_unit(s, name="Acme")
        division = make_org_unit(s, name="Engineering", parent_id=root.id)
        department = make_org_unit(s, name="Platform", parent_id=division.id)
        for name in ("Platform: Kestrel", "Platform: Juniper"):
            make_org_unit(s, name=name, parent_id=department.id)
        s.commit()
    engine.dispose()


def test_the_main_pages_have_no_wcag_a_or_aa_violations(browser: Any, server: str, e2e_world: World) -> None:
    add_teams(e2e_world.url)
    pages = {
        "eve@example.com": ["/", "/profile", "/marketplace", f"/opportunities/{e2e_world.gig}", "/applications"],
        "hugo@example.com": ["/manage/opportunities", "/manage/opportunities/new",
                             f"/manage/opportunities/{e2e_world.gig}",
                             f"/manage/opportunities/{e2e_world.gig}/applicants"],
        "pat@example.com": ["/hr/approvals", "/hr/matching", "/hr/analytics", "/hr/analytics?unit=platform%3A",
                            "/hr/analytics?unit=Atlantis", "/hr/analytics?unit=kestrel"],
        "ada@example.com": ["/hr/audit", "/hr/architecture", "/admin/tokens", "/hr/matching"],
        "sam@example.com": ["/admin/users"],
    }
    found = []
    for email, paths in pages.items():
        page = signed_in(browser, server, email)
        for path in paths:
            page.goto(path)
            found += [f"{path}: {p}" for p in audit(page)]
        page.context.close()
    assert not found, "\n".join(found)
