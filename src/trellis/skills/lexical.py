"""Character n-gram TF-IDF over taxonomy labels (3- and 4-grams inside word boundaries, sublinear
tf, smoothed idf, unit rows): the lexical signal of the linker, which keeps typos and short forms
("py", "postgre") close to their labels.

Fitted once per label set and kept beside the label vector index (``<key>.ngrams2/``: the
vocabulary, the idf, the label matrix as CSR arrays and the same matrix gram by gram, an
inverted file), so a process that finds them maps them in milliseconds instead of fitting a
vectoriser. The search reads only the posting lists of a text's grams; before ``ngrams2`` every
search transposed the whole label matrix first (29 ms of a 52 ms one-sentence link on ESCO)."""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

NGRAMS = (3, 4)
FORMAT = "ngrams2"
_ARRAYS = ("data", "indices", "indptr", "idf", "gram_data", "gram_indices", "gram_indptr")
WORD_MEMO = 200_000  # distinct words whose grams a process remembers


def grams(text: str) -> Iterator[str]:
    """Character 3- and 4-grams of each lower-cased word padded with one space each side."""
    for word in text.lower().split():
        padded = f" {word} "
        for n in NGRAMS:
            if len(padded) < n:
                continue
            for i in range(len(padded) - n + 1):
                yield padded[i : i + n]


class CharNgrams:
    """``fit(labels)`` then ``similarity(pieces, label_rows)`` (dense pieces x rows) and
    ``search(texts, k)`` (the k best label rows per text)."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, matrix: sparse.csr_matrix,
                 by_gram: sparse.csr_matrix | None = None) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.matrix = matrix  # labels x grams, unit rows
        self.by_gram = matrix.T.tocsr() if by_gram is None else by_gram  # grams x labels: the inverted file
        self._words: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def fit(cls, labels: Sequence[str]) -> CharNgrams:
        counts = [Counter(grams(label)) for label in labels]
        frequency: Counter[str] = Counter()
        for row in counts:
            frequency.update(row.keys())
        vocabulary = {gram: i for i, gram in enumerate(sorted(frequency))}
        n = len(labels)
        idf = np.array([math.log((1 + n) / (1 + frequency[g])) + 1 for g in sorted(frequency)], dtype=np.float32)
        return cls(vocabulary, idf, cls._rows(counts, vocabulary, idf))

    @staticmethod
    def _rows(counts: Sequence[Counter[str]], vocabulary: dict[str, int], idf: np.ndarray) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        for row in counts:
            known = [(vocabulary[g], c) for g, c in row.items() if g in vocabulary]
            known.sort()
            ids = np.array([i for i, _ in known], dtype=np.int64)
            weights = np.array([1.0 + math.log(c) for _, c in known], dtype=np.float32) * idf[ids] if known else \
                np.zeros(0, np.float32)
            norm = float(np.linalg.norm(weights)) or 1.0
            indices.extend(ids.tolist())
            data.extend((weights / norm).tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
             np.asarray(indptr, dtype=np.int64)),
            shape=(len(counts), len(vocabulary)),
        )

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unit TF-IDF rows of the texts, the same as fitting rows would give. A text's gram counts
        are the sums of its words' (grams never cross a space), and each word's known grams are
        looked up once per process, so the many overlapping spans of a sentence cost little."""
        pieces, ids, counts = [], [], []
        for row, text in enumerate(texts):
            for word in text.lower().split():
                word_ids, word_counts = self._word(word)
                pieces.append(np.full(len(word_ids), row, dtype=np.int64))
                ids.append(word_ids)
                counts.append(word_counts)
        shape = (len(texts), len(self.vocabulary))
        if not ids:
            return sparse.csr_matrix(shape, dtype=np.float32)
        summed = sparse.csr_matrix((np.concatenate(counts), (np.concatenate(pieces), np.concatenate(ids))),
                                   shape=shape, dtype=np.float32)  # duplicates are summed
        summed.sort_indices()
        summed.data = (1.0 + np.log(summed.data)) * self.idf[summed.indices]
        norms = np.sqrt(np.asarray(summed.multiply(summed).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        lengths = np.diff(summed.indptr)
        summed.data = (summed.data / np.repeat(norms, lengths)).astype(np.float32)
        return summed

    def _word(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """The known grams of one lower-cased word and their counts (memoised)."""
        found = self._words.get(word)
        if found is None:
            counted = Counter(grams(word))
            known = sorted((self.vocabulary[g], c) for g, c in counted.items() if g in self.vocabulary)
            found = (np.array([i for i, _ in known], dtype=np.int64), np.array([c for _, c in known], dtype=np.float32))
            if len(self._words) < WORD_MEMO:
                self._words[word] = found
        return found

    def similarity(self, pieces: Sequence[str], label_rows: np.ndarray) -> np.ndarray:
        """Cosine of each piece with each of the given labels (pieces x labels, dense)."""
        product = self.transform(pieces) @ self.matrix[label_rows].T
        return np.asarray(product.todense(), dtype=np.float32).reshape(len(pieces), len(label_rows))

    def search(self, texts: Sequence[str], k: int) -> np.ndarray:
        """The ``k`` best label rows per text by n-gram cosine (-1 where fewer share a gram)."""
        product = self.transform(texts) @ self.by_gram
        out = np.full((len(texts), k), -1, dtype=np.int64)
        for row in range(len(texts)):
            lo, hi = product.indptr[row], product.indptr[row + 1]
            cols, vals = product.indices[lo:hi], product.data[lo:hi]
            if len(vals) > k:  # a sentence shares a gram with tens of thousands of labels: no full sort
                kth = np.partition(vals, len(vals) - k)[len(vals) - k]
                keep = np.flatnonzero(vals >= kth)  # every label tied with the k-th stays in the running
                cols, vals = cols[keep], vals[keep]
            best = np.lexsort((cols, -vals))[:k]  # best first, ties by label row
            out[row, : len(best)] = cols[best]
        return out

    # -- on disk -------------------------------------------------------------------------------
    @classmethod
    def cached(cls, labels: Sequence[str], *, cache_dir: Path | None, key: str) -> CharNgrams:
        """Loaded from ``cache_dir/key.ngrams1`` when there, else fitted and written there."""
        folder = None if cache_dir is None else Path(cache_dir) / f"{key}.{FORMAT}"
        if folder is not None and (folder / "indptr.npy").exists():
            loaded = cls._load(folder)
            if loaded.matrix.shape[0] == len(labels):
                return loaded
        fitted = cls.fit(labels)
        if folder is not None:
            fitted._save(folder)
        return fitted

    @classmethod
    def _load(cls, folder: Path) -> CharNgrams:
        words = (folder / "vocabulary.txt").read_text(encoding="utf-8").split("\n")
        vocabulary = {gram: i for i, gram in enumerate(words)}
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        labels = len(arrays["indptr"]) - 1
        matrix = sparse.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                   shape=(labels, len(vocabulary)))
        by_gram = sparse.csr_matrix((arrays["gram_data"], arrays["gram_indices"], arrays["gram_indptr"]),
                                    shape=(len(vocabulary), labels))
        return cls(vocabulary, np.asarray(arrays["idf"]), matrix, by_gram)

    def _save(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
        try:
            words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
            (scratch / "vocabulary.txt").write_text("\n".join(words), encoding="utf-8")
            for name, value in (("data", self.matrix.data), ("indices", self.matrix.indices),
                                ("indptr", self.matrix.indptr), ("idf", self.idf), ("gram_data", self.by_gram.data),
                                ("gram_indices", self.by_gram.indices), ("gram_indptr", self.by_gram.indptr)):
                np.save(scratch / f"{name}.npy", np.asarray(value))
            try:
                os.rename(scratch, folder)
            except OSError:
                if not (folder / "indptr.npy").exists():
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
