"""Run calls in threads released at the same moment, for the concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def all_at_once(calls: list[Callable[[], T]], *, timeout: float = 120) -> list[T | Exception]:
    """Each call in its own thread, all started together behind a barrier; returns each call's
    result or the exception it raised (a call still running after ``timeout`` s: RuntimeError)."""
    barrier = threading.Barrier(len(calls))
    results: list[T | Exception] = [RuntimeError("no answer in time")] * len(calls)

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[i] = calls[i]()
        except Exception as err:  # the outcome under test
            results[i] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
