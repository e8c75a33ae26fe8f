"""The org units the analytics filter offers: the top three levels of the tree (and a deeper
selected unit under its nearest listed ancestor), and units found by name or external id."""

from __future__ import annotations

import pytest
from org_scenario import Org
from sqlalchemy.orm import Session

from builders import make_org_unit
from trellis.analytics.org import find_units, unit_choices
from trellis.errors import NotFound


def test_the_choices_are_the_top_three_levels_in_tree_order_with_their_depth(session: Session, org: Org) -> None:
    make_org_unit(session, name="Kestrel squad", parent_id=org.platform.id)  # a fourth level
    choices = unit_choices(session)
    assert [(c.name, c.depth) for c in choices] == [
        ("Company", 0), ("Engineering", 1), ("Platform", 2), ("Sales", 1)]


def test_a_deeper_selected_unit_is_listed_under_its_nearest_listed_ancestor(session: Session, org: Org) -> None:
    squad = make_org_unit(session, name="Kestrel squad", parent_id=org.platform.id)
    pair = make_org_unit(session, name="Kestrel pair", parent_id=squad.id)
    choices = unit_choices(session, selected=pair.id)
    assert [(c.name, c.depth) for c in choices] == [
        ("Company", 0), ("Engineering", 1), ("Platform", 2), ("Kestrel pair", 3), ("Sales", 1)]
    assert unit_choices(session, selected=org.sales.id) == unit_choices(session)  # already listed


def test_an_unknown_selected_unit_is_not_found(session: Session, org: Org) -> None:
    with pytest.raises(NotFound, match="org unit 999999"):
        unit_choices(session, selected=999999)


def test_a_level_that_would_make_the_list_too_long_is_left_out(session: Session, org: Org) -> None:
    assert [c.name for c in unit_choices(session, limit=3)] == ["Company", "Engineering", "Sales"]
    assert [c.name for c in unit_choices(session, levels=1)] == ["Company"]


def test_the_exact_external_id_finds_that_unit_alone(session: Session, org: Org) -> None:
    make_org_unit(session, name="Platform tools", external_id="OU-TOOLS", parent_id=org.platform.id)
    found = find_units(session, text=f"  {org.platform.external_id} ")
    assert (found.total, [u.name for u in found.units]) == (1, ["Platform"])
    assert found.units[0].parent == "Engineering" and found.units[0].external_id == org.platform.external_id
    assert find_units(session, text=org.platform.external_id.lower()).total == 0  # the id is exact


def test_part_of_a_name_finds_units_ignoring_case_and_says_how_many_in_all(session: Session, org: Org) -> None:
    for n in range(3):
        make_org_unit(session, name=f"Sales squad {n}", parent_id=org.sales.id)
    found = find_units(session, text="SQUAD", limit=2)
    assert found.total == 3 and [u.name for u in found.units] == ["Sales squad 0", "Sales squad 1"]
    assert found.units[0].parent == "Sales"


def test_a_unit_named_exactly_wins_over_units_whose_names_contain_the_text(session: Session, org: Org) -> None:
    make_org_unit(session, name="Sales operations", parent_id=org.sales.id)
    assert [u.name for u in find_units(session, text="sales").units] == ["Sales"]
    assert [u.name for u in find_units(session, text="sale").units] == ["Sales", "Sales operations"]


def test_percent_and_underscore_in_the_text_are_plain_characters(session: Session, org: Org) -> None:
    make_org_unit(session, name="100% Club", parent_id=org.sales.id)
    assert [u.name for u in find_units(session, text="%").units] == ["100% Club"]
    assert find_units(session, text="_").total == 0
    assert find_units(session, text="s%s").total == 0


def test_nothing_matching_or_blank_text_finds_nothing(session: Session, org: Org) -> None:
    assert find_units(session, text="Nowhere").model_dump() == {"text": "Nowhere", "total": 0, "units": []}
    assert find_units(session, text="   ").total == 0
