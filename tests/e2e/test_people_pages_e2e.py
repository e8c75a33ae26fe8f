"""The employee- and manager-facing pages in a real browser, as each person meets them: "For
you" says which rules keep openings out and shows no weak matches; CV suggestions stay apart
until accepted; an edited opening keeps its location; a hiring manager reads each applicant's
match and skills and an approver the posting; explanations speak to the person; a typo in a
skill is answered beside the form. Screenshots of the pages at 1280 px and 390 px are kept."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_portal_e2e import sign_in

from builders import make_application, make_employee, make_opportunity, make_skill
from portal_world import World
from trellis.accounts.service import create_user
from trellis.db import make_engine, make_session_factory
from trellis.models import Employee, Location, Opportunity, Skill

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("TRELLIS_SCREENSHOTS", "var/screenshots"))
PHONE = {"viewport": {"width": 390, "height": 844}}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
IDS: dict[str, int] = {}


@pytest.fixture(scope="module")
def e2e_world(e2e_world: World) -> World:
    """The portal world and: Nina, three months in her role, with one unrelated skill; a job
    (which the 12-months rule keeps from her) and a weak gig; a Spanish skill; a draft in
    London; Eve's application to the gig; a posting waiting for approval; an opening in Eve's
    own team."""
    engine = make_engine(e2e_world.url)
    with make_session_factory(engine)() as s:
        python = s.get(Skill, e2e_world.python)
        assert python is not None
        tax = python.taxonomy_id
        procurement = make_skill(s, "Procurement", taxonomy_id=tax)
        seo = make_skill(s, "Search engine optimisation", taxonomy_id=tax)
        make_skill(s, "Spanish", taxonomy_id=tax)
        nina = make_employee(s, name="Nina Newcomer", work_email="nina@example.com", role_id=e2e_world.role,
                             hire_date=date.today() - timedelta(days=95), skills={procurement: 4})
        create_user(s, email="nina@example.com", role="employee", password="correct horse battery")
        kubernetes = s.get(Skill, e2e_world.kubernetes)
        assert kubernetes is not None
        make_opportunity(s, title="Senior data engineer", type="job", hiring_manager_id=e2e_world.hugo,
                         description="Own the data platform.", skills={python: 4, kubernetes: 3})
        make_opportunity(s, title="SEO audit gig", type="gig", hiring_manager_id=e2e_world.hugo, hours_per_week=4,
                         description="Audit the site for search engines.", skills={seo: 3})
        london = s.get(Location, e2e_world.location)
        assert london is not None
        IDS["draft"] = make_opportunity(s, title="London draft", type="project", status="draft",
                                        hiring_manager_id=e2e_world.hugo, location_id=london.id,
                                        description="A draft in London.").id
        IDS["pending"] = make_opportunity(
            s, title="Warehouse analytics project", type="project", status="pending_approval",
            hiring_manager_id=e2e_world.hugo, location_id=london.id, hours_per_week=10, duration_weeks=12,
            description="Build the stock dashboards with the warehouse team.", skills={python: 3}).id
        IDS["own_team"] = make_opportunity(s, title="Team tooling gig", type="gig", hiring_manager_id=e2e_world.mona,
                                           hours_per_week=4, description="Improve our build tooling.",
                                           skills={python: 3, kubernetes: 3}).id
        eve, gig = s.get(Employee, e2e_world.eve), s.get(Opportunity, e2e_world.gig)
        assert eve is not None and gig is not None
        make_application(s, eve, gig, status="submitted", confidential=True, note="I build pipelines every day.")
        IDS["nina"] = nina.id
        s.commit()
    engine.dispose()
    return e2e_world


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_for_you_says_which_rules_keep_jobs_out_and_shows_no_weak_matches(browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    nina = sign_in(browser, server, "nina@example.com", **DESKTOP)
    nina.get_by_role("link", name="For you").first.click()
    hidden = nina.get_by_role("region", name="Openings the company's rules keep out of your suggestions")
    expect(hidden).to_contain_text(re.compile(r"1 opening: jobs are suggested after 12 months in a role, and you "
                                              r"have been in yours for 3"))
    expect(nina.get_by_role("heading", name="Nothing good enough to suggest yet")).to_be_visible()
    expect(nina.get_by_role("link", name="SEO audit gig")).to_have_count(0)  # a weak match is not a suggestion
    expect(nina.get_by_role("heading", name="What would help")).to_be_visible()
    expect(nina.get_by_text("Add the skills you use at work to your profile")).to_be_visible()
    shot(nina, "for-you-nothing-yet-desktop")


def test_cv_suggestions_stay_apart_until_accepted_and_native_spanish_is_not_a_beginner(
        browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    nina = sign_in(browser, server, "nina@example.com", **DESKTOP)
    nina.goto("/profile")
    nina.get_by_label("Upload a CV (.pdf, .docx or .txt)").set_input_files(files=[{
        "name": "cv.txt", "mimeType": "text/plain",
        "buffer": b"Languages: Spanish (native).\nSkills: advanced Python and Kubernetes."}])
    nina.get_by_role("button", name="Find skills").click()
    suggestions = nina.get_by_role("list", name="Suggested skills, not on your profile yet")
    expect(suggestions.get_by_role("heading", name="Spanish")).to_be_visible()
    skills = nina.get_by_role("table", name="Your skills")
    for label in ("Spanish", "Python", "Kubernetes"):  # nothing is on the profile before it is accepted
        expect(skills.get_by_role("cell", name=label, exact=True)).to_have_count(0)
    spanish = nina.get_by_label("Your level in Spanish")
    assert spanish.input_value() in ("", "5")  # "native" maps to the top level or to none, never to 2
    expect(suggestions.get_by_text("Found in: “Languages: Spanish (native).”")).to_be_visible()
    nina.locator("#suggestions").scroll_into_view_if_needed()
    shot(nina, "profile-suggestions-desktop")
    spanish.select_option("5")
    nina.get_by_role("button", name="Accept Spanish").click()
    row = skills.get_by_role("row", name=re.compile("Spanish"))
    expect(row.get_by_role("cell", name="5", exact=True)).to_be_visible()
    nina.get_by_role("button", name="Reject Kubernetes").click()
    expect(skills.get_by_role("cell", name="Kubernetes", exact=True)).to_have_count(0)
    expect(nina.get_by_role("heading", name="Kubernetes")).to_have_count(0)


def test_editing_an_opening_shows_and_keeps_its_location(browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    hugo = sign_in(browser, server, "hugo@example.com", **DESKTOP)
    hugo.goto(f"/manage/opportunities/{IDS['draft']}")
    location = hugo.get_by_label("Location")
    expect(location.locator("option:checked")).to_have_text("London")
    hugo.get_by_label("Description").fill("A draft in London, edited.")
    hugo.get_by_role("button", name="Save changes").click()
    hugo.goto(f"/manage/opportunities/{IDS['draft']}")
    expect(hugo.get_by_label("Location").locator("option:checked")).to_have_text("London")
    expect(hugo.get_by_label("Description")).to_have_value("A draft in London, edited.")


def test_a_hiring_manager_sees_each_applicants_match_and_skills_and_an_approver_the_posting(
        browser: Any, server: str, e2e_world: World) -> None:
    from playwright.sync_api import expect

    hugo = sign_in(browser, server, "hugo@example.com", **DESKTOP)
    hugo.goto(f"/manage/opportunities/{e2e_world.gig}/applicants")
    applicant = hugo.locator(".applicant").filter(has=hugo.get_by_role("heading", name=re.compile("Eve Employee")))
    fit = applicant.get_by_role("region", name="How Eve Employee matches")
    expect(fit.locator(".score")).to_contain_text("/ 100 match")
    expect(fit).to_contain_text("They fully meet none of the 2 required skills, and 1 partly")
    expect(fit).to_contain_text("Python: their level counts as 2.4 of the 3 asked for")
    expect(applicant.get_by_role("region", name="Skills of Eve Employee")).to_contain_text("Python: level 3")
    hugo.locator("summary", has_text="The posting").click()
    expect(hugo.get_by_text("Build pipelines", exact=True)).to_be_visible()
    shot(hugo, "applicants-desktop")

    pat = sign_in(browser, server, "pat@example.com", **DESKTOP)
    pat.goto("/hr/approvals")
    posting = pat.locator(".posting").filter(has=pat.get_by_role("link", name="Warehouse analytics project"))
    expect(posting).to_contain_text("Build the stock dashboards with the warehouse team.")
    expect(posting).to_contain_text("Python: level 3")
    expect(posting).to_contain_text("10 hours a week for 12 weeks")
    shot(pat, "approvals-desktop")
    for who, path, name in ((hugo, f"/manage/opportunities/{e2e_world.gig}/applicants", "applicants"),
                            (pat, "/hr/approvals", "approvals")):
        phone = who.context.browser.new_context(base_url=server, storage_state=who.context.storage_state(), **PHONE)
        page = phone.new_page()
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width} px)"
        shot(page, f"{name}-phone")


def test_explanations_speak_to_the_person_and_an_excluded_opening_can_still_be_applied_to(
        browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    eve = sign_in(browser, server, "eve@example.com", **DESKTOP)
    eve.goto(f"/opportunities/{IDS['own_team']}")
    fit = eve.get_by_role("region", name="How you match")
    expect(fit).to_contain_text("Not suggested to you automatically, because it is in your own team. "
                                "You can still apply.")
    expect(eve.get_by_role("button", name="Send application")).to_be_visible()
    text = fit.inner_text()
    for engineering in ("Excluded:", "the person", "similarity 0.", "h/week", "(+"):
        assert engineering not in text, engineering
    # what would raise the match is said once, in its own list
    assert text.count("Add Kubernetes at level 3") == 1, text
    expect(fit.locator(".reasons")).to_contain_text("You fully meet none of the 2 required skills, and 1 partly")
    shot(eve, "opportunity-desktop")
    eve.goto("/for-you")
    expect(eve.get_by_role("link", name="Data pipeline gig")).to_be_visible()
    shot(eve, "for-you-desktop")
    phone = sign_in(browser, server, "eve@example.com", **PHONE)
    for path, name in ((f"/opportunities/{IDS['own_team']}", "opportunity"), ("/for-you", "for-you")):
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width} px)"
        shot(phone, f"{name}-phone")


def test_an_unknown_skill_is_answered_beside_the_form_not_with_an_error_page(browser: Any, server: str) -> None:
    from playwright.sync_api import expect

    eve = sign_in(browser, server, "eve@example.com", **DESKTOP)
    eve.goto("/profile")
    eve.get_by_label("Add a skill").fill("Kubernetez")
    eve.get_by_role("button", name="Add skill").click()
    expect(eve.get_by_role("heading", level=1, name="Eve Employee")).to_be_visible()
    error = eve.locator("#skill-error")
    expect(error).to_contain_text("no skill called “Kubernetez”")
    expect(error).to_contain_text("Did you mean Kubernetes?")
    expect(eve.get_by_label("Add a skill")).to_have_value("Kubernetez")
    expect(eve.get_by_role("button", name="Save preferences")).to_be_visible()
    eve.get_by_label("Add a skill").fill("Kubernetes")
    eve.get_by_role("button", name="Add skill").click()
    expect(eve.get_by_role("table", name="Your skills").get_by_role("cell", name="Kubernetes", exact=True)) \
        .to_be_visible()
