"""The label vector index on disk: one folder per key under ``<data_dir>/embeddings/``, holding
the unit vectors sorted by cluster and the inverted-file layout (`trellis.core.vectors`), as
plain ``.npy`` files opened memory-mapped and read-only. Every CLI call and web worker that uses
the same taxonomy, labels and model maps the same files, so the operating system keeps one copy
in memory for all of them.

The key names the taxonomy (source, version), a hash of the exact label texts and the model
(`cache_key`), so a new release, an edited library or another encoder never reuses old vectors.
A folder is written under a temporary name and renamed into place: a crash never leaves half an
index, and two processes building the same one at once both end with a whole one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from trellis.core.vectors import IvfLayout, inverse
from trellis.embedding.cache import TextEncoder

Progress = Callable[[int, int], None]
_FILES = ("vectors", "centroids", "starts", "rows")
FORMAT = "ivf2"  # ivf2: vectors stored as float16 (half the memory; scores within 1e-3)
STORED = np.float16
ENCODE_CHUNK = 4096


def encode_with_progress(encoder: TextEncoder, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
    """Vectors of ``texts`` in chunks, reporting ``(done, total)`` after each. The texts go in
    order of length, so each chunk's batches pad little (a text's vector does not depend on the
    texts encoded with it)."""
    total = len(texts)
    order = np.argsort([len(text) for text in texts], kind="stable")
    parts = []
    if progress:
        progress(0, total)
    for first in range(0, total, ENCODE_CHUNK):
        chunk = [texts[i] for i in order[first : first + ENCODE_CHUNK]]
        parts.append(np.asarray(encoder.encode(chunk), dtype=np.float32))
        if progress:
            progress(min(first + ENCODE_CHUNK, total), total)
    if not parts:
        return np.zeros((0, getattr(encoder, "dim", 0)), dtype=np.float32)
    ordered = np.concatenate(parts)
    out = np.empty_like(ordered)
    out[order] = ordered
    return out


def _open(folder: Path) -> IvfLayout:
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _FILES}
    rows = np.asarray(arrays["rows"], dtype=np.int64)
    return IvfLayout(arrays["vectors"], np.asarray(arrays["centroids"]), np.asarray(arrays["starts"]), rows,
                     inverse(rows))


def _write(layout: IvfLayout, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for name in _FILES:
            value = np.asarray(getattr(layout, name))
            np.save(scratch / f"{name}.npy", value.astype(STORED) if name == "vectors" else value)
        try:
            os.rename(scratch, folder)
        except OSError:  # another process finished first: keep theirs
            if not (folder / "rows.npy").exists():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def label_index(
    encoder: TextEncoder,
    texts: Sequence[str],
    *,
    cache_dir: Path | None,
    key: str,
    progress: Progress | None = None,
) -> IvfLayout:
    """The index of ``texts`` under ``cache_dir/key.ivf2``: opened memory-mapped when there,
    else encoded (with ``progress``), built and written. ``cache_dir=None``: in memory only."""
    folder = None if cache_dir is None else Path(cache_dir) / f"{key}.{FORMAT}"
    if folder is not None and (folder / "rows.npy").exists():
        layout = _open(folder)
        if len(layout.rows) == len(texts):
            return layout
        shutil.rmtree(folder, ignore_errors=True)  # a different label count under the same key: rebuild
    vectors = encode_with_progress(encoder, texts, progress)
    layout = IvfLayout.build(vectors)
    if folder is None:
        return layout
    _write(layout, folder)
    return _open(folder)
