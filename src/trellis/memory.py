"""Give freed memory back to the operating system (glibc's ``mallopt`` and ``malloc_trim``;
on other C libraries and platforms both do nothing).

`keep_heap_small`: ONNX Runtime shrinks its memory arena after every run (`trellis.embedding.encoder`),
so its activation tensors are ``malloc``-ed and freed run after run. glibc serves large
blocks with ``mmap`` and returns them on ``free``, but after the first such free it raises its
"mmap threshold" (up to 32 MB), so later tensors come from the heap and stay in the process: a
`trellis skills link` over 1,000 sentences grew from 250 to 800 MB. Fixing the threshold (which
also stops it from moving) and the trim threshold keeps the resident size flat.

`give_back_free_memory`: after a large build (the matching index), hand the pages its temporary
rows left free back at once (70-110 MB per web worker at 100,000 people)."""

from __future__ import annotations

import ctypes
import functools
import sys
from typing import Any

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
BLOCK = 256 * 1024


@functools.cache
def _libc() -> Any:
    """The process's own symbols, where glibc's are found on Linux (None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def _libc_function(name: str) -> Any:
    return getattr(_libc(), name, None)  # musl and others lack mallopt's options or malloc_trim


@functools.cache
def keep_heap_small() -> bool:
    """Set glibc's mmap and trim thresholds, once per process; False where that does not apply."""
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, BLOCK)) and bool(mallopt(M_TRIM_THRESHOLD, BLOCK))


def give_back_free_memory() -> None:
    """``malloc_trim(0)``: the heap's free pages go back to the system now."""
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)
