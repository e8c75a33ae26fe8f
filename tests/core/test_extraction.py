"""Finding skill mentions in text."""

from __future__ import annotations

from trellis.core.extraction import Label, LabelIndex, find_mentions, suggest_level, years_to_level


def index() -> LabelIndex:
    return LabelIndex([
        Label(1, "Python", True), Label(1, "py", False),
        Label(2, "machine learning", True), Label(2, "ML", False),
        Label(3, "learning", True),
        Label(4, "R", True),
        Label(5, "stakeholder management", True), Label(5, "managing stakeholders", False),
    ]).fit()


def test_the_longest_label_wins_and_mentions_do_not_overlap() -> None:
    found = find_mentions("Strong machine learning background.", index())
    assert [(m.skill_id, m.surface) for m in found] == [(2, "machine learning")]


def test_spans_point_at_the_words_in_the_text() -> None:
    text = "We use Python daily and enjoy managing stakeholders."
    found = find_mentions(text, index())
    assert [text[m.start : m.end] for m in found] == ["Python", "managing stakeholders"]
    assert [m.skill_id for m in found] == [1, 5]


def test_an_alternative_label_matches_with_lower_confidence_than_the_preferred_one() -> None:
    found = find_mentions("py and Python", index())
    assert [m.confidence for m in found] == [0.9, 1.0]


def test_very_short_labels_must_match_case_exactly() -> None:
    assert [m.skill_id for m in find_mentions("Statistics in R", index())] == [4]
    assert find_mentions("r and d", index()) == []


def test_years_of_experience_suggest_a_level() -> None:
    text = "Python developer with 6 years of experience"
    found = find_mentions(text, index(), with_levels=True)
    assert found[0].suggested_level == 4
    assert years_to_level(0) == 1 and years_to_level(10) == 5


def test_words_near_a_mention_suggest_a_level_and_silence_suggests_none() -> None:
    assert suggest_level("basic knowledge of Python", 19, 25) == 1
    assert suggest_level("expert in Python", 10, 16) == 5
    assert suggest_level("Python", 0, 6) is None


def test_the_level_evidence_stops_at_the_sentence_boundary() -> None:
    text = "Expert chef. Python used at work."
    assert suggest_level(text, 13, 19) is None


def test_a_text_is_cut_into_sentences_and_bullets_with_their_offsets() -> None:
    from trellis.core.extraction import sentence_spans

    text = "Built dashboards for sales. Led a team of 5!\n• Python\n• SQL;  Excel"
    pieces = [text[a:b] for a, b in sentence_spans(text)]
    assert pieces == ["Built dashboards for sales.", "Led a team of 5!", "Python", "SQL;", "Excel"]
    long = "word " * 200
    assert all(b - a <= 400 for a, b in sentence_spans(long))


def test_semantic_picks_keep_the_strong_ones_one_concept_per_span() -> None:
    from trellis.core.extraction import pick_semantic

    scores = [("a", 1.5, 0, 5), ("b", 1.4, 0, 5), ("c", 1.3, 6, 9), ("d", 0.9, 10, 12)]
    assert [c for c, *_ in pick_semantic(scores, threshold=1.0, per_sentence=3)] == ["a", "c"]
    assert [c for c, *_ in pick_semantic(scores, threshold=1.35, per_sentence=3)] == ["a"]
