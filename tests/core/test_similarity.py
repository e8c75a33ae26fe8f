from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from trellis.core import similarity as sim


def test_tokens_drop_stop_words_and_add_bigrams() -> None:
    assert sim.tokens("Design and test the C++ software") == ["design", "test", "c++", "software"]
    assert sim.tokens("data science lead", bigrams=True)[-2:] == ["data science", "science lead"]


def test_bag_of_words_counts_terms_per_text() -> None:
    counts = sim.bag_of_words(["python python sql", "sql"]).toarray()
    assert counts.tolist() == [[2.0, 1.0], [0.0, 1.0]]  # columns: python, sql


def test_idf_weighs_rare_terms_up() -> None:
    counts = sp.csr_matrix(np.array([[1, 1], [0, 1], [0, 1]], dtype=np.float32))
    weights = sim.idf(counts)
    assert weights[0] == pytest.approx(np.log(4 / 2) + 1)
    assert weights[1] == pytest.approx(1.0)


def test_tfidf_and_bm25_keep_the_sparsity_pattern() -> None:
    counts = sp.csr_matrix(np.array([[3, 0, 1], [0, 2, 1]], dtype=np.float32))
    for weighted in (sim.tfidf(counts), sim.bm25(counts)):
        assert (weighted.toarray() > 0).tolist() == (counts.toarray() > 0).tolist()
    # sublinear tf: 1 + ln 3 for the count of 3
    assert sim.tfidf(counts)[0, 0] == pytest.approx((1 + np.log(3)) * (np.log(3 / 2) + 1))


def test_cosine_of_rows_dense_and_sparse_agree() -> None:
    x = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], dtype=np.float32)
    dense = sim.cosine(x)
    assert dense[0, 1] == pytest.approx(1 / np.sqrt(2))
    assert dense[2].tolist() == [0.0, 0.0, 0.0]  # an empty role is similar to nothing
    assert np.allclose(sim.cosine(sp.csr_matrix(x)), dense)


def test_centring_removes_what_every_rated_role_shares() -> None:
    x = np.array([[5.0, 1.0], [5.0, 3.0], [0.0, 0.0]], dtype=np.float32)
    centred = sim.center_columns(x)
    assert centred.tolist() == [[0.0, -1.0], [0.0, 1.0], [0.0, 0.0]]


def test_hierarchy_proximity_is_the_shared_depth_over_the_deeper_path() -> None:
    paths = [["15", "15-1", "15-12"], ["15", "15-1", "15-13"], ["29", "29-1"], []]
    prox = sim.hierarchy_proximity(paths)
    assert prox[0, 1] == pytest.approx(2 / 3)
    assert prox[0, 2] == 0.0 and prox[0, 0] == 1.0 and prox[3, 3] == 0.0


def test_ordinal_proximity_of_job_zones() -> None:
    prox = sim.ordinal_proximity([1, 5, 3, None], span=4)
    assert prox[0, 1] == 0.0 and prox[0, 2] == 0.5 and prox[0, 3] == 0.5 and prox[2, 2] == 1.0


def test_standardised_rows_have_zero_mean_off_the_diagonal() -> None:
    rng = np.random.default_rng(0)
    s = rng.random((5, 5)).astype(np.float32)
    z = sim.standardise_rows(s)
    off = z[~np.eye(5, dtype=bool)].reshape(5, 4)
    assert np.allclose(off.mean(axis=1), 0, atol=1e-5) and np.allclose(off.std(axis=1), 1, atol=1e-4)
    assert np.all(sim.standardise_rows(np.ones((3, 3), dtype=np.float32)) == 0)


def test_role_similarity_blends_facets_and_ranks_without_the_role_itself() -> None:
    a = np.array([[1, 0.9, 0.1], [0.9, 1, 0.2], [0.1, 0.2, 1]], dtype=np.float32)
    b = np.array([[1, 0.1, 0.8], [0.1, 1, 0.3], [0.8, 0.3, 1]], dtype=np.float32)
    raw = sim.RoleSimilarity(weights={"a": 3, "b": 1}, standardise=False).fit({"a": a, "b": b})
    assert raw.similarity_[0, 1] == pytest.approx((3 * 0.9 + 0.1) / 4)
    assert [j for j, _ in raw.related(0, 5)] == [1, 2]
    only_b = sim.RoleSimilarity(weights={"b": 1, "missing": 2}).fit({"a": a, "b": b})
    assert only_b.used_weights_ == {"b": 1}
    assert [j for j, _ in only_b.related(0, 1)] == [2]


def test_role_similarity_needs_a_weighted_facet() -> None:
    with pytest.raises(ValueError, match="positive weight"):
        sim.RoleSimilarity(weights={"x": 1}).fit({"a": np.eye(2, dtype=np.float32)})


def test_top_k_of_a_single_role_is_empty() -> None:
    model = sim.RoleSimilarity(weights={"a": 1}).fit({"a": np.ones((1, 1), dtype=np.float32)})
    assert model.top_k(5) == [[]]
