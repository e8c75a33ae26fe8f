"""A hiring manager reads each applicant's match (in words about them), skills and the posting;
a private profile shows its skills to HR only, and nobody who switched off automated matching
gets a score. An approver reads the posting's content before approving it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from builders import make_application, make_employee, make_opportunity
from portal_world import World, app_for, login
from trellis.config import Settings
from trellis.db import make_engine, make_session_factory
from trellis.models import Opportunity, Preferences, Skill


def test_applicants_show_the_match_the_skills_and_the_posting_within_the_privacy_rules(
    as_role: Callable[[str], TestClient], world: World, portal_settings: Settings,
) -> None:
    eve = as_role("employee")
    assert eve.post(f"/api/v1/opportunities/{world.gig}/applications",
                    json={"note": "Pipelines are my job", "confidential": True}).status_code == 201
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        python = s.get(Skill, world.python)
        assert python is not None
        for name, prefs in (("Priya Private", {"visibility": "private"}), ("Otto Optout", {"ai_opt_out": True})):
            person = make_employee(s, name=name, work_email=f"{name.split()[0].lower()}@example.com",
                                   job_title="Analyst", skills={python: 4})
            s.add(Preferences(employee_id=person.id, **prefs))
            opp = s.get(Opportunity, world.gig)
            assert opp is not None
            make_application(s, person, opp, status="submitted")
        s.commit()
    engine.dispose()

    hugo = login(app_for(portal_settings), "hugo@example.com")
    html = hugo.get(f"/manage/opportunities/{world.gig}/applicants").text
    eve_part = html[html.index("Eve Employee"):html.index("Priya Private")]
    assert "/ 100 match" in eve_part and "they fully meet" in eve_part.lower()
    assert "Python: level 3" in eve_part and "Pipelines are my job" in eve_part
    priya = html[html.index("Priya Private"):html.index("Otto Optout")]
    assert "Their profile is private" in priya and "Python: level 4" not in priya and "/ 100 match" in priya
    otto = html[html.index("Otto Optout"):html.index("Internal candidates who fit")]
    assert "switched off automated matching" in otto and "/ 100 match" not in otto and "Python: level 4" in otto
    assert "Build pipelines" in html and "Kubernetes: level 2" in html  # the posting itself

    hr = as_role("hr_partner")
    hr_html = hr.get(f"/manage/opportunities/{world.gig}/applicants").text
    assert "Python: level 4" in hr_html[hr_html.index("Priya Private"):hr_html.index("Otto Optout")]


def test_an_approver_reads_the_postings_content(as_role: Callable[[str], TestClient], world: World) -> None:
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        python = s.get(Skill, world.python)
        assert python is not None
        make_opportunity(s, title="Stock dashboards", type="project", status="pending_approval",
                         hiring_manager_id=world.hugo, location_id=world.location, hours_per_week=10,
                         duration_weeks=12, description="Build the stock dashboards.", skills={python: 3})
        s.commit()
    engine.dispose()
    html = as_role("hr_partner").get("/hr/approvals").text
    part = html[html.index("Stock dashboards"):]
    for text in ("Build the stock dashboards.", "Python: level 3", "10 hours a week for 12 weeks", "London",
                 "Hugo Hiring", "project"):
        assert text in part, text
