from __future__ import annotations

import numpy as np

from trellis.core.linking import (
    Concept,
    LabelTable,
    best_two_per_group,
    candidate_spans,
    exact_hits,
    max_per_concept,
    most_specific,
    normalise,
    top_k,
)

CONCEPTS = [
    Concept("s1", "Python (computer programming)", ("Python", "python programming", "PYTHON")),
    Concept("s2", "manage budgets", ("budget management",), broader=("s3",)),
    Concept("s3", "financial management"),
]


def test_normalise_ignores_case_accents_and_punctuation() -> None:
    assert normalise("  Café-Management, C++ & C#! ") == "cafe management c++ c#"


def test_the_label_table_groups_labels_by_concept_preferred_first_without_duplicates() -> None:
    table = LabelTable.from_concepts(CONCEPTS)
    assert table.texts[:3] == ("Python (computer programming)", "Python", "python programming")
    assert table.starts.tolist() == [0, 3, 5]
    assert table.owner.tolist() == [0, 0, 0, 1, 1, 2]
    assert table.preferred.tolist() == [True, False, False, True, False, True]
    assert table.exact["python"] == (0,)


def test_a_concept_scores_the_best_of_its_labels() -> None:
    table = LabelTable.from_concepts(CONCEPTS)
    scores = np.array([[0.1, 0.9, 0.2, 0.3, 0.4, 0.5]], dtype=np.float32)
    assert max_per_concept(scores, table.starts).tolist() == [[np.float32(0.9), np.float32(0.4), np.float32(0.5)]]
    assert max_per_concept(scores[0], table.starts).shape == (3,)


def test_each_group_gives_its_best_and_second_best_value_and_a_single_value_is_both() -> None:
    values = np.array([0.2, 0.9, 0.5, 0.4, 0.7], dtype=np.float32)
    best, second = best_two_per_group(values, np.array([0, 3, 4]))
    assert best.tolist() == [np.float32(0.9), np.float32(0.4), np.float32(0.7)]
    assert second.tolist() == [np.float32(0.5), np.float32(0.4), np.float32(0.7)]


def test_candidate_spans_are_token_ngrams_with_their_offsets_that_do_not_start_or_end_with_a_function_word(
) -> None:
    text = "We need C++ and node.js, ideally SQL."
    spans = candidate_spans(text, max_tokens=3)
    pieces = [s.text for s in spans]
    assert pieces[:5] == ["need", "C++", "node.js", "ideally", "SQL"]
    assert "need C++" in pieces and "ideally SQL" in pieces and "C++ and node.js" in pieces
    assert "C++ and" not in pieces and "We need" not in pieces
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert len(candidate_spans(text, max_tokens=4, max_spans=3)) == 3


def test_a_span_equal_to_any_label_is_an_exact_match() -> None:
    table = LabelTable.from_concepts(CONCEPTS)
    assert exact_hits(table, ["Budget-Management", "java"]).tolist() == [1]


def test_top_k_returns_the_best_first_and_breaks_ties_by_position() -> None:
    scores = np.array([0.1, 0.5, 0.5, 0.9, 0.0], dtype=np.float32)
    assert top_k(scores, 3).tolist() == [3, 1, 2]
    assert top_k(scores, 10).tolist() == [3, 1, 2, 0, 4]
    assert top_k(scores, 0).tolist() == []


def test_a_concept_that_another_narrows_is_not_the_most_specific() -> None:
    assert most_specific(CONCEPTS).tolist() == [True, True, False]
