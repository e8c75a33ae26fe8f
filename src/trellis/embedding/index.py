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
_FILES = ("vectors", "scales", "centroids", "starts", "rows")
# ivf3: vectors stored as int16 with a scale per row (`IvfLayout.quantised`: float16's size, five
# times faster to read as float32, closer to it). ivf2 (float16) folders are converted without
# encoding again.
FORMAT = "ivf3"
OLD_FORMAT = "ivf2"
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
    names = [name for name in _FILES if (folder / f"{name}.npy").exists()]  # ivf2 has no scales
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in names}
    rows = np.asarray(arrays["rows"], dtype=np.int64)
    scales = np.asarray(arrays["scales"]) if "scales" in arrays else None
    return IvfLayout(arrays["vectors"], np.asarray(arrays["centroids"]), np.asarray(arrays["starts"]), rows,
                     inverse(rows), scales)


def _write(layout: IvfLayout, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for name in _FILES:
            np.save(scratch / f"{name}.npy", np.asarray(getattr(layout, name)))
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
    """The index of ``texts`` under ``cache_dir/key.ivf3``: opened memory-mapped when there,
    else converted from an older ``key.ivf2`` or encoded (with ``progress``), built and written.
    ``cache_dir=None``: in memory only."""
    folder = None if cache_dir is None else Path(cache_dir) / f"{key}.{FORMAT}"
    if folder is not None and (folder / "rows.npy").exists():
        layout = _open(folder)
        if len(layout.rows) == len(texts):
            return layout
        shutil.rmtree(folder, ignore_errors=True)  # a different label count under the same key: rebuild
    old = None if folder is None else folder.with_suffix(f".{OLD_FORMAT}")
    if old is not None and folder is not None and (old / "rows.npy").exists():
        converted = _open(old)  # left in place: an older Trellis sharing the folder still reads it
        if len(converted.rows) == len(texts):
            _write(converted.quantised(), folder)
            return _open(folder)
    layout = IvfLayout.build(encode_with_progress(encoder, texts, progress)).quantised()
    if folder is None:
        return layout
    _write(layout, folder)
    return _open(folder)
