"""Fairness metrics against hand-worked examples and the published NYC DCWP examples.

Source of the published numbers: New York City Department of Consumer and Worker Protection,
Notice of Adoption of Final Rule on automated employment decision tools (April 2023), codified as
6 RCNY §5-300 and §5-301 (https://codelibrary.amlegal.com/codes/newyorkcity/latest/NYCrules/0-0-0-138530).
§5-301(b) gives a selection-rate example (resume screening) and §5-301(c) a scoring-rate example
("culture fit"), each by sex, race/ethnicity and their intersection; the rules print rates and
ratios rounded, which is what we compare against. The intersectional tables were read from a public
transcription of the notice of adoption (docs/fairness-audit.md says which, and how it was checked).
"""

from __future__ import annotations

import math

import pytest

from trellis.core.fairness import (
    UNKNOWN,
    GroupCount,
    counts_from_pairs,
    fisher_exact_p,
    impact_ratios,
    impact_table,
    intersection,
    normalise_category,
    scoring_counts,
    selection_rate,
    two_proportion_z,
)

# 6 RCNY §5-301(b) example: applicants and selected by sex, then by race/ethnicity.
NYC_SEX = [GroupCount("Male", 1390, 667), GroupCount("Female", 1181, 555)]
NYC_SEX_PUBLISHED = {"Male": (0.48, 1.00), "Female": (0.47, 0.979)}
NYC_RACE = [
    GroupCount("Hispanic or Latino", 408, 204),
    GroupCount("White (Not Hispanic or Latino)", 797, 412),
    GroupCount("Black or African American (Not Hispanic or Latino)", 390, 170),
    GroupCount("Native Hawaiian or Pacific Islander (Not Hispanic or Latino)", 119, 52),
    GroupCount("Asian (Not Hispanic or Latino)", 616, 302),
    GroupCount("Native American or Alaska Native (Not Hispanic or Latino)", 41, 18),
    GroupCount("Two or More Races (Not Hispanic or Latino)", 213, 96),
]
NYC_RACE_PUBLISHED_RATIOS = {
    "Hispanic or Latino": 0.97, "White (Not Hispanic or Latino)": 1.00,
    "Black or African American (Not Hispanic or Latino)": 0.84,
    "Native Hawaiian or Pacific Islander (Not Hispanic or Latino)": 0.85,
    "Asian (Not Hispanic or Latino)": 0.95,
    "Native American or Alaska Native (Not Hispanic or Latino)": 0.85,
    "Two or More Races (Not Hispanic or Latino)": 0.87,
}
# 6 RCNY §5-301(c) example: applicants and scoring rate (share above the sample median).
# The rules print the rates (54.3%, 44.7%, 64.2%, 37.5%, 50.0%, 62.5%, 41.7%); the counts above
# the median below are the whole numbers those rates come from.
NYC_SCORING_SEX = [GroupCount("Male", 92, 50), GroupCount("Female", 76, 34)]
NYC_SCORING_RACE = [
    GroupCount("Hispanic or Latino", 28, 18),
    GroupCount("White (Not Hispanic or Latino)", 40, 15),
    GroupCount("Black or African American (Not Hispanic or Latino)", 32, 16),
    GroupCount("Native Hawaiian or Pacific Islander (Not Hispanic or Latino)", 8, 5),
    GroupCount("Asian (Not Hispanic or Latino)", 24, 10),
]
NYC_SCORING_PUBLISHED = {
    "Male": (0.543, 1.00), "Female": (0.447, 0.82), "Hispanic or Latino": (0.642, 1.00),
    "White (Not Hispanic or Latino)": (0.375, 0.58),
    "Black or African American (Not Hispanic or Latino)": (0.500, 0.78),
    "Native Hawaiian or Pacific Islander (Not Hispanic or Latino)": (0.625, 0.97),
    "Asian (Not Hispanic or Latino)": (0.417, 0.65),
}


def by_group(table):  # type: ignore[no-untyped-def]
    return {g.group: g for g in table.groups}


def test_the_nyc_selection_rate_example_by_sex_is_reproduced() -> None:
    table = impact_table(NYC_SEX, dimension="sex", min_share=0)
    rows = by_group(table)
    assert table.reference_group == "Male"
    for group, (rate, ratio) in NYC_SEX_PUBLISHED.items():
        assert round(rows[group].rate, 2) == rate
        assert round(rows[group].impact_ratio, 3) == ratio


def test_the_nyc_selection_rate_example_by_race_and_ethnicity_is_reproduced() -> None:
    table = impact_table(NYC_RACE, dimension="race_ethnicity", min_share=0)
    rows = by_group(table)
    assert table.reference_group == "White (Not Hispanic or Latino)"
    for group, ratio in NYC_RACE_PUBLISHED_RATIOS.items():
        assert round(rows[group].impact_ratio, 2) == ratio
    assert not table.flagged  # every published ratio is at or above 0.8


def test_the_nyc_scoring_rate_example_is_reproduced() -> None:
    for counts in (NYC_SCORING_SEX, NYC_SCORING_RACE):
        rows = by_group(impact_table(counts, dimension="x", min_share=0))
        for group, row in rows.items():
            rate, ratio = NYC_SCORING_PUBLISHED[group]
            assert abs(row.rate - rate) < 0.001  # printed to 0.1% (64.29% appears as 64.2%)
            assert round(row.impact_ratio, 2) == ratio
    assert {g.group for g in impact_table(NYC_SCORING_RACE, dimension="r").flagged} == {
        "White (Not Hispanic or Latino)", "Black or African American (Not Hispanic or Latino)",
        "Asian (Not Hispanic or Latino)"}


def test_scoring_counts_count_only_scores_strictly_above_the_whole_sample_median() -> None:
    scores = [10, 20, 30, 40, 50, 60, 30]  # median 30
    groups = ["a", "a", "a", "b", "b", "b", "b"]
    counts = {c.group: c for c in scoring_counts(scores, groups)}
    assert counts["a"] == GroupCount("a", 3, 0)
    assert counts["b"] == GroupCount("b", 4, 3)


def test_a_small_group_is_reported_but_excluded_from_impact_ratios_with_the_reason() -> None:
    counts = [GroupCount("A", 600, 300), GroupCount("B", 390, 150), GroupCount("C", 10, 9)]
    rows = by_group(impact_table(counts, dimension="x"))
    assert rows["C"].excluded and "under 2%" in (rows["C"].exclusion_reason or "")
    assert rows["C"].rate == 0.9 and rows["C"].impact_ratio is None
    assert rows["A"].impact_ratio == 1.0  # C (the highest rate) does not become the reference
    assert rows["B"].impact_ratio == pytest.approx((150 / 390) / 0.5)


def test_the_unknown_group_is_reported_and_never_the_reference() -> None:
    counts = [GroupCount("A", 100, 40), GroupCount(UNKNOWN, 100, 90), GroupCount("B", 100, 30)]
    table = impact_table(counts, dimension="x")
    rows = by_group(table)
    assert table.reference_group == "A"
    assert rows[UNKNOWN].excluded and rows[UNKNOWN].rate == 0.9
    assert rows["B"].impact_ratio == pytest.approx(0.75) and rows["B"].below_four_fifths
    assert table.groups[-1].group == UNKNOWN


def test_fisher_and_z_tests_agree_with_hand_computation() -> None:
    # 2x2 table [[3, 1], [1, 3]]: the classic tea-tasting table, two-sided p = 34/70.
    assert fisher_exact_p(3, 4, 1, 4) == pytest.approx(34 / 70)
    z, p = two_proportion_z(60, 100, 40, 100)  # pooled 0.5, se = sqrt(0.25 * 0.02)
    assert z == pytest.approx(0.2 / math.sqrt(0.005))
    assert p == pytest.approx(0.004677734981047, rel=1e-6)


@pytest.mark.parametrize("table", [(0, 5, 5, 5), (12, 40, 30, 45), (667, 1390, 555, 1181), (1, 1, 0, 9),
                                   (300, 1000, 10, 12)])
def test_fisher_exact_p_equals_scipys_fisher_exact(table: tuple[int, int, int, int]) -> None:
    from scipy.stats import fisher_exact

    sa, na, sb, nb = table
    expected = fisher_exact([[sa, na - sa], [sb, nb - sb]]).pvalue
    assert fisher_exact_p(*table) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_the_reference_group_has_no_test_and_others_do() -> None:
    rows = by_group(impact_table(NYC_SEX, dimension="sex"))
    assert rows["Male"].fisher_p is None and rows["Male"].z is None
    assert rows["Female"].fisher_p is not None and 0 < rows["Female"].fisher_p <= 1


def test_intersectional_categories_combine_sex_and_race_and_unknown_dominates() -> None:
    assert intersection("Female", "Asian") == "Asian · Female"
    assert intersection("Female", None) == UNKNOWN
    assert normalise_category(" prefer not to say ") == UNKNOWN


def test_rates_and_ratios_handle_edge_cases() -> None:
    assert selection_rate(0, 0) is None
    with pytest.raises(ValueError):
        selection_rate(5, 4)
    assert impact_ratios({"a": 0.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}
    assert impact_table([], dimension="x").reference_group is None


# Intersectional categories (6 RCNY §5-301(b)(3)(iii): sex × ethnicity × race). The published
# tables are reproduced below (test_the_nyc_intersectional_…); this hand-worked example adds the
# edge cases they do not show: ratios at exactly 0.80 (not flagged), a category under 2% with the
# highest rate (left out and not made the reference), and people missing one answer (Unknown).
W, B, H, A = ("White (Not Hispanic or Latino)", "Black or African American (Not Hispanic or Latino)",
              "Hispanic or Latino", "Asian (Not Hispanic or Latino)")
HAND_CELLS = [  # (sex, race/ethnicity, assessed, selected)
    ("Male", H, 100, 40), ("Female", H, 80, 36), ("Male", W, 200, 100), ("Female", W, 150, 60),
    ("Male", B, 60, 21), ("Female", B, 50, 24), ("Female", A, 8, 6), (None, None, 30, 3),
]


def _people(cells):  # type: ignore[no-untyped-def]
    """One (sex, race, selected) record per person, as an audit reads them."""
    return [(sex, race, i < selected) for sex, race, n, selected in cells for i in range(n)]


def test_a_hand_worked_intersectional_audit_gives_the_rates_and_ratios_worked_on_paper() -> None:
    people = _people(HAND_CELLS)
    labels = [intersection(sex, race) for sex, race, _ in people]
    table = impact_table(counts_from_pairs(labels, [s for _, _, s in people]), dimension="intersectional")
    rows = by_group(table)
    assert table.total == 678 and table.reference_group == f"{W} · Male"  # 100 / 200 = 0.50
    worked = {  # label: (assessed, selected, rate, impact ratio = rate / 0.50)
        f"{H} · Male": (100, 40, 0.40, 0.80), f"{H} · Female": (80, 36, 0.45, 0.90),
        f"{W} · Male": (200, 100, 0.50, 1.00), f"{W} · Female": (150, 60, 0.40, 0.80),
        f"{B} · Male": (60, 21, 0.35, 0.70), f"{B} · Female": (50, 24, 0.48, 0.96),
    }
    for group, (total, selected, rate, ratio) in worked.items():
        row = rows[group]
        assert (row.total, row.selected) == (total, selected)
        assert row.rate == pytest.approx(rate) and row.impact_ratio == pytest.approx(ratio)
        assert not row.excluded
    # 0.80 is not below four-fifths; 0.70 is: only Black male candidates are flagged.
    assert {g.group for g in table.flagged} == {f"{B} · Male"}
    # Asian female candidates: 8 of 678 (1.18%) — the highest rate (0.75), but under 2% of the
    # data, so reported with count and rate, left out of the ratios, and not the reference.
    small = rows[f"{A} · Female"]
    assert small.excluded and small.rate == 0.75 and small.impact_ratio is None
    assert "8 of 678" in (small.exclusion_reason or "")
    # People missing sex or race/ethnicity are one Unknown category: counted, never compared.
    assert rows[UNKNOWN].total == 30 and rows[UNKNOWN].excluded and rows[UNKNOWN].impact_ratio is None


def test_the_same_people_show_no_adverse_impact_by_sex_alone() -> None:
    """Why the rules ask for the intersection: by sex alone the gap above disappears."""
    people = [(sex, race, s) for sex, race, s in _people(HAND_CELLS) if sex is not None]
    rows = by_group(impact_table(counts_from_pairs([normalise_category(s) for s, _, _ in people],
                                                   [s for _, _, s in people]), dimension="sex"))
    assert (rows["Male"].total, rows["Male"].selected) == (360, 161)
    assert (rows["Female"].total, rows["Female"].selected) == (288, 126)
    assert rows["Female"].impact_ratio == pytest.approx((126 * 360) / (288 * 161))  # 0.978
    assert not rows["Female"].below_four_fifths


# 6 RCNY §5-301(b) example, intersectional table: (ethnicity/race, sex, assessed, selected) and the
# published rate (to 0.1%) and impact ratio (to 0.001). 250 more people had an unknown sex or
# race/ethnicity and are left out of the calculations. The rules' race/ethnicity table gives
# Hispanic or Latino 408 assessed, 204 selected, while this table's Hispanic rows add up to 395 and
# 172; every other race row is the sum of its two rows here. Each table is checked on its own.
NA = "Native American or Alaska Native (Not Hispanic or Latino)"
PI = "Native Hawaiian or Pacific Islander (Not Hispanic or Latino)"
TWO = "Two or More Races (Not Hispanic or Latino)"
NYC_INTERSECTIONAL = [  # (race/ethnicity, sex, assessed, selected, published rate, published ratio)
    (H, "Male", 205, 90, 0.439, 0.841), (H, "Female", 190, 82, 0.432, 0.827),
    (W, "Male", 412, 215, 0.522, 1.000), (B, "Male", 226, 95, 0.420, 0.806),
    (PI, "Male", 87, 37, 0.425, 0.815), (A, "Male", 321, 167, 0.520, 0.997),
    (NA, "Male", 24, 11, 0.458, 0.878), (TWO, "Male", 115, 52, 0.452, 0.866),
    (W, "Female", 385, 197, 0.512, 0.981), (B, "Female", 164, 75, 0.457, 0.876),
    (PI, "Female", 32, 15, 0.469, 0.898), (A, "Female", 295, 135, 0.458, 0.877),
    (NA, "Female", 17, 7, 0.412, 0.789), (TWO, "Female", 98, 44, 0.449, 0.860),
]
NYC_INTERSECTIONAL_UNKNOWN = 250


def _nyc_intersectional_people() -> tuple[list[str], list[bool]]:
    cells = [(sex, race, n, k) for race, sex, n, k, _, _ in NYC_INTERSECTIONAL]
    cells.append((None, None, NYC_INTERSECTIONAL_UNKNOWN, 0))
    people = _people(cells)
    return [intersection(sex, race) for sex, race, _ in people], [s for _, _, s in people]


def test_the_nyc_intersectional_selection_rate_example_is_reproduced() -> None:
    labels, selected = _nyc_intersectional_people()
    table = impact_table(counts_from_pairs(labels, selected), dimension="intersectional", min_share=0)
    rows = by_group(table)
    assert table.reference_group == f"{W} · Male"
    for race, sex, n, k, rate, ratio in NYC_INTERSECTIONAL:
        row = rows[f"{race} · {sex}"]
        assert (row.total, row.selected) == (n, k)
        assert round(row.rate, 3) == rate and round(row.impact_ratio, 3) == ratio
    # The one published ratio under 0.8: Native American or Alaska Native women, 0.789.
    assert [g.group for g in table.flagged] == [f"{NA} · Female"]
    # The 250 people of unknown sex or race/ethnicity are reported, not compared.
    assert rows[UNKNOWN].total == NYC_INTERSECTIONAL_UNKNOWN and rows[UNKNOWN].impact_ratio is None


def test_the_nyc_intersectional_example_with_the_two_percent_exclusion_names_what_it_left_out() -> None:
    """§5-301(d) lets the auditor leave out categories under 2% of the data, with the reason."""
    labels, selected = _nyc_intersectional_people()
    rows = by_group(impact_table(counts_from_pairs(labels, selected), dimension="intersectional"))
    small = {f"{NA} · Male", f"{NA} · Female", f"{PI} · Female"}  # 24, 17 and 32 of 2,821
    assert {g for g, row in rows.items() if row.excluded} == small | {UNKNOWN}
    for group in small:
        assert rows[group].rate is not None and rows[group].impact_ratio is None
        assert "of 2821" in (rows[group].exclusion_reason or "")
    assert not any(row.below_four_fifths for row in rows.values())
    assert round(rows[f"{B} · Male"].impact_ratio, 3) == 0.806  # the others are unchanged


# 6 RCNY §5-301(c) example ("culture fit" scores), intersectional table: (ethnicity/race, sex,
# assessed, published scoring rate, published ratio). The rules print rates only; the number above
# the median is the whole number each rate comes from. These rows add up exactly to the example's
# sex and race/ethnicity tables (Male 92 at 54.3%, …), so one scored sample reproduces all three.
NYC_SCORING_INTERSECTIONAL = [
    (H, "Male", 16, 0.75, 1.00), (H, "Female", 12, 0.50, 0.67),
    (W, "Male", 20, 0.35, 0.47), (B, "Male", 20, 0.50, 0.67), (PI, "Male", 4, 0.75, 1.00),
    (A, "Male", 12, 0.583, 0.78), (NA, "Male", 8, 0.625, 0.83), (TWO, "Male", 12, 0.50, 0.67),
    (W, "Female", 20, 0.40, 0.53), (B, "Female", 12, 0.50, 0.67), (PI, "Female", 4, 0.50, 0.67),
    (A, "Female", 12, 0.25, 0.33), (NA, "Female", 8, 0.625, 0.83), (TWO, "Female", 8, 0.50, 0.67),
]


def test_the_nyc_scoring_example_is_reproduced_from_scores_against_the_sample_median() -> None:
    people = [(race, sex, 1.0 if i < round(n * rate) else 0.0)
              for race, sex, n, rate, _ in NYC_SCORING_INTERSECTIONAL for i in range(n)]
    scores = [score for _, _, score in people]
    assert sum(scores) == 84 and len(scores) == 168  # half above: the sample median lies between
    cross = by_group(impact_table(scoring_counts(scores, [intersection(s, r) for r, s, _ in people]),
                                  dimension="intersectional"))
    for race, sex, n, rate, ratio in NYC_SCORING_INTERSECTIONAL:
        row = cross[f"{race} · {sex}"]
        assert row.total == n and abs(row.rate - rate) < 0.001 and round(row.impact_ratio, 2) == ratio
    by_sex = by_group(impact_table(scoring_counts(scores, [s for _, s, _ in people]), dimension="sex"))
    by_race = by_group(impact_table(scoring_counts(scores, [r for r, _, _ in people]), dimension="race"))
    for group, (rate, ratio) in NYC_SCORING_PUBLISHED.items():
        row = (by_sex | by_race)[group]
        assert abs(row.rate - rate) < 0.001 and round(row.impact_ratio, 2) == ratio
    for group in (NA, TWO):  # the two race rows the module-level table above leaves out
        assert (by_race[group].rate, round(by_race[group].impact_ratio, 2)) == (
            {NA: 0.625, TWO: 0.5}[group], {NA: 0.97, TWO: 0.78}[group])


def test_nobody_selected_gives_no_ratio_no_reference_and_no_flag() -> None:
    table = impact_table([GroupCount("A", 40, 0), GroupCount("B", 30, 0)], dimension="x")
    assert table.reference_group is None and not table.flagged
    assert all(g.impact_ratio is None and g.note == "nobody compared was selected: no ratio" for g in table.groups)


def test_a_low_ratio_is_flagged_only_with_enough_selections_and_people() -> None:
    counts = [GroupCount("A", 10, 2), GroupCount("B", 10, 1), GroupCount("C", 3, 0)]
    few = impact_table(counts, dimension="x", min_share=0, min_selected=5, min_group=10)
    assert not few.flagged and all("too few" in (g.note or "") for g in few.groups)
    many = [GroupCount("A", 100, 40), GroupCount("B", 100, 20), GroupCount("C", 8, 1)]
    table = impact_table(many, dimension="x", min_share=0, min_selected=5, min_group=10)
    assert [g.group for g in table.flagged] == ["B"]
    c = next(g for g in table.groups if g.group == "C")
    assert c.impact_ratio is not None and c.impact_ratio < 0.8 and not c.below_four_fifths
    assert c.note == "only 8 assessed (under 10): too few to judge"
