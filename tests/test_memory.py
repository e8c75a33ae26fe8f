"""Handing freed memory back: both calls are safe to repeat and do nothing harmful where the C
library lacks them."""

from __future__ import annotations

import sys

from trellis import memory


def test_the_heap_thresholds_are_set_once_on_glibc_and_skipped_elsewhere() -> None:
    first = memory.keep_heap_small()
    assert memory.keep_heap_small() == first
    if sys.platform.startswith("linux") and memory._libc_function("mallopt") is not None:
        assert first


def test_free_pages_can_be_given_back_at_any_time() -> None:
    memory.give_back_free_memory()
    memory.give_back_free_memory()
