"""The inverted-file index over unit vectors: exact below its threshold, and close to exact above
it on clustered data, with the original rows and scores of the nearest vectors."""

from __future__ import annotations

import numpy as np

from trellis.core.vectors import IvfLayout, quantise_rows


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _clustered(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, 32))
    return _unit(centres[rng.integers(0, 50, n)] + 0.3 * rng.standard_normal((n, 32)))


def test_a_small_index_is_one_list_and_searches_exactly() -> None:
    vectors = _clustered(500)
    layout = IvfLayout.build(vectors)
    assert layout.clusters == 1
    rows, scores = layout.search(vectors[:20], 5)
    exact = np.argsort(-(vectors[:20] @ vectors.T), axis=1)[:, :5]
    assert np.array_equal(rows, exact)
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)


def test_a_large_index_finds_almost_every_true_neighbour_and_keeps_original_rows() -> None:
    vectors = _clustered(20_000)
    layout = IvfLayout.build(vectors, exact_below=1000)
    assert layout.clusters > 50
    queries = _unit(vectors[:200] + 0.05 * np.random.default_rng(1).standard_normal((200, 32)))
    rows, scores = layout.search(queries, 10, probes=12)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(r) & set(e)) / 10 for r, e in zip(rows, exact, strict=True)])
    assert recall > 0.9
    assert np.allclose(scores, np.take_along_axis(queries @ vectors.T, rows, axis=1), atol=1e-5)
    assert np.all(np.diff(scores, axis=1) <= 1e-6)  # best first
    assert np.allclose(layout.rows_of(np.array([7, 3])), vectors[[7, 3]])


def test_fewer_vectors_than_asked_pad_with_minus_one() -> None:
    layout = IvfLayout.build(_clustered(3))
    rows, scores = layout.search(_clustered(2, seed=5), 5)
    assert (rows[:, 3:] == -1).all() and np.isinf(scores[:, 3:]).all()
    assert layout.search(np.zeros((0, 32), np.float32), 5)[0].shape == (0, 5)


def test_an_index_quantised_to_int16_finds_the_same_neighbours_with_the_same_scores() -> None:
    vectors = _clustered(20_000)
    layout = IvfLayout.build(vectors, exact_below=1000)
    small = layout.quantised()
    assert small.vectors.dtype == np.int16 and small.scales is not None
    queries = _unit(vectors[:200] + 0.05 * np.random.default_rng(1).standard_normal((200, 32)))
    rows, scores = layout.search(queries, 10, probes=12)
    small_rows, small_scores = small.search(queries, 10, probes=12)
    assert np.mean(rows == small_rows) > 0.99
    assert np.allclose(small_scores, scores, atol=1e-4)
    assert np.allclose(small.rows_of(np.array([7, 3])), vectors[[7, 3]], atol=1e-4)


def test_a_zero_row_survives_quantising() -> None:
    rows, scales = quantise_rows(np.zeros((2, 4), dtype=np.float32))
    assert (rows == 0).all() and (scales == 1.0).all()
