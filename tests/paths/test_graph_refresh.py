"""The career graph's periodic safety-net rebuild happens in the background: the cached graph
keeps answering meanwhile, so no /career request pays seconds for it."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from trellis.db import make_engine
from trellis.paths import service


def test_an_expired_graph_answers_while_its_replacement_is_built(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        with Session(engine) as s:
            first = service.cached_graph(s)
            for key, (_at, loaded) in list(service._CACHE.items()):
                if loaded is first:
                    service._CACHE[key] = (-service.CACHE_SECONDS, loaded)  # long expired
            assert service.cached_graph(s) is first
            for thread in threading.enumerate():
                if thread.name == "refresh-career-graph":
                    thread.join()
            assert service.cached_graph(s) is not first
    finally:
        engine.dispose()
