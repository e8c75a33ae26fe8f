"""Job titles as ads write them become the forms a title normaliser looks up."""

from __future__ import annotations

import pytest

from trellis.core.titles import clean_title, title_variants


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("KITCHEN ASSISTANT (Bangi)", "KITCHEN ASSISTANT"),
        ("Senior Accounts Payable - Korean Speaker ", "Accounts Payable"),
        ("Vacancy for Shop Assistant ", "Shop Assistant"),
        ("Production Operator 1", "Production Operator"),
        ("Internship - Junior Developer", "Developer"),
        ("Accounts Clerk (Fresh Graduate)", "Accounts Clerk"),
        ("Intern", "Intern"),
    ],
)
def test_seniority_contract_words_places_and_brackets_are_dropped(title: str, clean: str) -> None:
    assert clean_title(title) == clean


def test_each_alternative_a_title_lists_is_a_variant_with_the_words_it_shares() -> None:
    assert title_variants("Product Executive/Manager") == [
        "Product Executive/Manager", "Product Executive", "Product Manager"]
    assert title_variants("Sales & Marketing Executive") == [
        "Sales & Marketing Executive", "Sales Executive", "Marketing Executive"]
    assert title_variants("Account cum Admin Executive")[1:] == ["Account Executive", "Admin Executive"]
    assert title_variants("Software Engineer") == ["Software Engineer"]
