from __future__ import annotations

import numpy as np

from trellis.core.linking import (
    Concept,
    LabelTable,
    candidate_spans,
    exact_matches,
    fit_alias_projection,
    max_per_concept,
    normalise,
    project,
    spread,
    structure_matrix,
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


def test_the_alias_projection_maps_alternative_labels_onto_preferred_ones() -> None:
    rng = np.random.default_rng(0)
    sources = rng.normal(size=(200, 8)).astype(np.float32)
    true_map = rng.normal(size=(8, 8)).astype(np.float32)
    weights = fit_alias_projection(sources, sources @ true_map, alpha=1e-6)
    assert np.allclose(weights, true_map, atol=1e-3)
    near_identity = fit_alias_projection(sources, sources @ true_map, alpha=1e9)
    assert np.allclose(near_identity, np.eye(8), atol=1e-3)


def test_projected_rows_are_unit_length() -> None:
    rng = np.random.default_rng(1)
    rows = project(rng.normal(size=(5, 4)).astype(np.float32), rng.normal(size=(4, 4)).astype(np.float32))
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert project(rows, None) is rows


def test_candidate_spans_are_token_ngrams_with_their_offsets() -> None:
    text = "We need C++ and node.js, ideally SQL."
    spans = candidate_spans(text, max_tokens=2)
    pieces = [s.text for s in spans]
    assert pieces[:6] == ["We", "need", "C++", "and", "node.js", "ideally"]
    assert "C++ and" in pieces and "ideally SQL" in pieces
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert len(candidate_spans(text, max_tokens=4, max_spans=3)) == 3


def test_a_span_equal_to_any_label_is_an_exact_match() -> None:
    table = LabelTable.from_concepts(CONCEPTS)
    assert exact_matches(table, ["Budget-Management", "java"]).tolist() == [0.0, 1.0, 0.0]


def test_a_concept_gains_a_share_of_its_best_neighbour() -> None:
    adjacency = structure_matrix(CONCEPTS)
    assert adjacency.toarray().tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0]]
    scores = np.array([0.9, 0.8, -0.2], dtype=np.float32)
    assert np.allclose(spread(scores, adjacency, 0.5), [0.9, 0.8, 0.2])
    assert spread(scores, adjacency, 0.0) is scores


def test_top_k_returns_the_best_first_and_breaks_ties_by_position() -> None:
    scores = np.array([0.1, 0.5, 0.5, 0.9, 0.0], dtype=np.float32)
    assert top_k(scores, 3).tolist() == [3, 1, 2]
    assert top_k(scores, 10).tolist() == [3, 1, 2, 0, 4]
    assert top_k(scores, 0).tolist() == []
