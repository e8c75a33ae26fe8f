"""The org unit filter of the HR analytics page: a short list (the top three levels of the tree,
and the unit in use) and a text box that finds any unit by name or external id, without scripts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from builders import make_org_unit
from portal_world import World
from trellis.db import make_engine, make_session_factory

INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle\s*=|<style|\son[a-z]+\s*=", re.IGNORECASE)
OPTION = re.compile(r'<option value="(\d*)"( selected)?>([^<]*)</option>')


@dataclass
class Tree:
    root: int
    platform: int
    kestrel: int
    sales_kestrel: int
    club: int


@pytest.fixture(scope="module")
def tree(world: World) -> Tree:
    """Acme > Engineering > Platform > Platform: Kestrel, and Acme > Sales > Field sales > Sales:
    Kestrel, 100% Club and 21 squads."""
    engine = make_engine(world.url)
    with make_session_factory(engine)() as s:
        root = make_org_unit(s, name="Acme", external_id="OU-ACME")
        eng = make_org_unit(s, name="Engineering", parent_id=root.id)
        platform = make_org_unit(s, name="Platform", parent_id=eng.id)
        kestrel = make_org_unit(s, name="Platform: Kestrel", external_id="OU-PK", parent_id=platform.id)
        sales = make_org_unit(s, name="Sales", parent_id=root.id)
        field = make_org_unit(s, name="Field sales", parent_id=sales.id)
        sales_kestrel = make_org_unit(s, name="Sales: Kestrel", parent_id=field.id)
        club = make_org_unit(s, name="100% Club", parent_id=field.id)
        for n in range(21):
            make_org_unit(s, name=f"Squad {n:02d}", parent_id=field.id)
        out = Tree(root.id, platform.id, kestrel.id, sales_kestrel.id, club.id)
        s.commit()
    engine.dispose()
    return out


def options(html: str) -> list[tuple[str, bool, str]]:
    select = html[html.index('<select id="org_unit_id"'):html.index("</select>")]
    return [(value, bool(selected), text) for value, selected, text in OPTION.findall(select)]


def selected(html: str) -> list[str]:
    return [text for _value, is_selected, text in options(html) if is_selected]


@pytest.fixture
def hr(as_role: Callable[[str], TestClient], tree: Tree) -> TestClient:
    return as_role("hr_partner")


def test_the_org_unit_list_shows_only_the_top_three_levels_indented(hr: TestClient, tree: Tree) -> None:
    html = hr.get("/hr/analytics").text
    assert [(value != "", text) for value, _sel, text in options(html)] == [
        (False, "Whole organisation"), (True, "Acme"), (True, "— Engineering"), (True, "— — Platform"),
        (True, "— Sales"), (True, "— — Field sales")]
    assert selected(html) == []  # the whole organisation: the first option


def test_a_deeper_unit_in_use_is_shown_selected_in_the_list(hr: TestClient, tree: Tree) -> None:
    html = hr.get(f"/hr/analytics?org_unit_id={tree.kestrel}").text
    assert selected(html) == ["— — — Platform: Kestrel"]
    names = [text for _v, _s, text in options(html)]
    assert names.index("— — — Platform: Kestrel") == names.index("— — Platform") + 1
    assert "· Platform: Kestrel (default" in html


def test_a_name_or_external_id_naming_one_unit_filters_by_it(hr: TestClient, tree: Tree) -> None:
    for text in ("platform: KESTREL", "OU-PK", "  Platform: Kest  "):
        html = hr.get("/hr/analytics", params={"unit": text, "period": "2025"}).text
        assert selected(html) == ["— — — Platform: Kestrel"], text
        assert "· Platform: Kestrel (default" in html
        assert f"heatmap.csv?org_unit_id={tree.kestrel}" in html
        assert f"trend.csv?period=2025&amp;org_unit_id={tree.kestrel}" in html
        assert 'name="unit" value=""' in html  # the list shows the unit now; the box is free again
        assert 'role="alert"' not in html


def test_a_text_naming_several_units_lists_them_as_links_that_keep_the_period(hr: TestClient, tree: Tree) -> None:
    html = hr.get("/hr/analytics", params={"unit": "kestrel", "period": "2025", "org_unit_id": tree.root}).text
    assert "2 org units match “kestrel”" in html
    section = html[html.index('<section aria-labelledby="unit-matches">'):]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', section[:section.index("</ul>")])
    assert links == [(f"/hr/analytics?period=2025&amp;org_unit_id={tree.kestrel}", "Platform: Kestrel"),
                     (f"/hr/analytics?period=2025&amp;org_unit_id={tree.sales_kestrel}", "Sales: Kestrel")]
    assert selected(html) == ["Acme"] and 'name="unit" value="kestrel"' in html  # still for the unit chosen
    assert hr.get(links[1][0].replace("&amp;", "&")).status_code == 200


def test_at_most_twenty_matches_are_listed_with_how_many_there_are(hr: TestClient, tree: Tree) -> None:
    html = hr.get("/hr/analytics", params={"unit": "squad"}).text
    assert "21 org units match “squad”" in html and "The first 20 by name" in html
    assert "Squad 19" in html and "Squad 20" not in html


def test_a_text_matching_no_unit_says_so_and_shows_the_whole_organisation(hr: TestClient, tree: Tree) -> None:
    page = hr.get("/hr/analytics", params={"unit": "Atlantis <b>", "org_unit_id": tree.platform})
    assert page.status_code == 200
    html = page.text
    alert = re.search(r'<div class="alert" role="alert" id="unit-error">([^<]*)</div>', html)
    assert alert and "No org unit matches “Atlantis &lt;b&gt;”" in alert.group(1)
    assert 'aria-describedby="unit-help unit-error" aria-invalid="true"' in html
    assert selected(html) == [] and "· Whole organisation (default" in html
    assert not INLINE.search(html)


def test_percent_in_the_text_is_a_character_not_a_wildcard(hr: TestClient, tree: Tree) -> None:
    assert selected(hr.get("/hr/analytics", params={"unit": "%"}).text) == ["— — — 100% Club"]
    assert 'role="alert"' in hr.get("/hr/analytics", params={"unit": "_"}).text


def test_an_unknown_org_unit_id_is_still_not_found(hr: TestClient, tree: Tree) -> None:
    page = hr.get("/hr/analytics?org_unit_id=999999")
    assert page.status_code == 404 and "org unit 999999 does not exist" in page.text


def test_an_hr_admin_still_sees_every_part_of_the_page(as_role: Callable[[str], TestClient], tree: Tree) -> None:
    html = as_role("hr_admin").get("/hr/analytics", params={"period": "2025"}).text
    for text in ("Mobility analytics", "Headline metrics", "Internal fill rate", "<svg", "Internal moves per month",
                 "Talent flows between departments", "Flow matrix", "Skills supply vs demand by department",
                 "Largest skill gaps", "Hoarding flags", "/api/v1/analytics/mobility/trend.csv?period=2025",
                 "/api/v1/analytics/flows.csv?period=2025", "/api/v1/analytics/skills/heatmap.csv",
                 "/api/v1/analytics/skills/supply-demand.csv", "/api/v1/analytics/hoarding.csv?period=2025",
                 'href="/hr/fairness"', '<label for="period">', '<label for="org_unit_id">', '<label for="unit">'):
        assert text in html, text
