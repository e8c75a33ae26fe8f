"""Batch recompute of every person's top-k, in-process or on a Dask cluster. The blocks and
the scoring function are the core's; Dask only decides where each block runs."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.core.batch import OpportunitySide, PeopleBlock, score_block
from trellis.core.types import BatchResult
from trellis.errors import Conflict
from trellis.governance import service as governance
from trellis.matching.service import get_index


def dask_mapper(address: str) -> Any:
    """A block mapper that ships the opportunity side once to every worker and maps the blocks.
    ``address`` is a scheduler address (tcp://host:8786) or a ``distributed.LocalCluster``."""
    from distributed import Client

    def run(blocks: list[PeopleBlock], side: OpportunitySide, k: int) -> list[tuple[Any, Any]]:
        with Client(address) as client:  # type: ignore[no-untyped-call]
            side_future = client.scatter(side, broadcast=True)
            futures = client.map(score_block, blocks, side=side_future, k=k, pure=False)
            return list(client.gather(futures))

    return run


def run_batch(session: Session, *, settings: Settings, k: int = 20, cluster: str | None = None,
              block_size: int = 2048) -> tuple[BatchResult, float]:
    """Every active person's top k open opportunities; (result, seconds). Refused while automated
    recommendations are switched off company-wide."""
    status = governance.company_ai_status(session)
    if not status.allowed:
        raise Conflict(status.reason or "automated recommendations are switched off")
    index = get_index(session, settings=settings)
    start = time.perf_counter()
    result = index.matcher.batch(k, block_size=block_size, mapper=dask_mapper(cluster) if cluster else None)
    return result, time.perf_counter() - start


Rows = list[tuple[str, list[tuple[str, float]]]]


def external_rows(session: Session, *, settings: Settings, result: BatchResult) -> Rows:
    """The batch result with external ids: (employee, [(opportunity, score), ...])."""
    snap = get_index(session, settings=settings).snapshot
    rows = []
    for pid, ids, scores in zip(result.person_ids.tolist(), result.ids.tolist(), result.scores.tolist(), strict=True):
        rows.append((snap.employee_ext[pid], [(snap.opportunity_ext[o], round(float(s), 2))
                                              for o, s in zip(ids, scores, strict=True) if o >= 0]))
    return rows
