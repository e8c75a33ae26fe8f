"""The page frame (templates/base.html) and the HR pages' small print (#15): a main menu that
folds behind a Menu button on narrow screens, the audit log naming people and spelling out its
details, and the governance page headed by each setting's label."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient


def test_the_main_menu_is_a_details_element_with_a_menu_button_and_every_link(
        as_role: Callable[[str], TestClient]) -> None:
    page = as_role("hr_admin").get("/").text
    menu = page[page.index("<details class=\"menu\""):page.index("</details>")]
    assert "<summary" in menu and ">Menu</summary>" in menu and 'aria-label="Main"' in menu
    for link in ("/hr/analytics", "/hr/fairness", "/hr/succession", "/hr/mentor-matches", "/plans"):
        assert f'href="{link}"' in menu
    assert "Sign out" in menu


def test_the_audit_log_names_the_person_and_renders_details_without_json_or_python_reprs(
        as_role: Callable[[str], TestClient]) -> None:
    ada = as_role("hr_admin")
    ada.get("/hr/fairness")  # records demographics.read and fairness.view with the period
    page = ada.get("/hr/audit", params={"action": "demographics"}).text
    assert "Hr Admin (ada@example.com)" in page
    assert "datetime.date(" not in page and "{&#34;period&#34;" not in page and '{"period"' not in page
    assert re.search(r"<dt>period</dt><dd>\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d</dd>", page)


def test_the_governance_page_is_headed_by_the_settings_label_not_its_key(
        as_role: Callable[[str], TestClient]) -> None:
    page = as_role("hr_admin").get("/hr/governance").text
    assert re.search(r"<h2 id=\"set-1\">Automated recommendations: (on|off)</h2>", page)
