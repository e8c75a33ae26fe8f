"""The character n-gram signal: typos and short forms stay close to their labels, and a fitted
set is kept on disk and read back instead of fitted again."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from trellis.skills.lexical import CharNgrams

LABELS = ["PostgreSQL", "Python (computer programming)", "manage budgets", "JavaScript"]


def test_a_typo_is_closest_to_its_label() -> None:
    ngrams = CharNgrams.fit(LABELS)
    similarity = ngrams.similarity(["postgre sql", "pyhton"], np.arange(len(LABELS)))
    assert similarity.shape == (2, 4)
    assert similarity[0].argmax() == 0 and similarity[1].argmax() == 1
    assert ngrams.search(["javascrpt"], 2)[0][0] == 3


def test_a_fitted_set_is_read_back_from_disk(tmp_path: Path) -> None:
    first = CharNgrams.cached(LABELS, cache_dir=tmp_path, key="k")
    again = CharNgrams.cached(LABELS, cache_dir=tmp_path, key="k")
    assert (tmp_path / "k.ngrams2" / "vocabulary.txt").exists()
    assert again.vocabulary == first.vocabulary
    assert np.allclose(again.matrix.toarray(), first.matrix.toarray())
    assert np.allclose(again.by_gram.toarray(), first.matrix.toarray().T)  # the inverted file, mapped too
    assert again.search(["javascrpt"], 2)[0][0] == 3


def test_labels_tied_at_the_cut_are_kept_by_their_order_whatever_k() -> None:
    ngrams = CharNgrams.fit(["data analysis"] * 10 + ["data"])
    assert ngrams.search(["data analysis"], 3)[0].tolist() == [0, 1, 2]
    assert ngrams.search(["data analysis"], 10)[0].tolist() == list(range(10))
