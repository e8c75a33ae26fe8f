"""What a web worker does before it serves (the app's lifespan): start building the matching
index in the background, compute the default HR dashboard, and build the routes."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from trellis.analytics.warm import START_WAIT_SECONDS, keep_warm
from trellis.config import Settings
from trellis.matching import service as matching

log = logging.getLogger(__name__)


def warm_matching_index(factory: sessionmaker[Session], settings: Settings) -> None:
    """Build this worker's matching index now (in a background thread at start-up) rather than on
    the first request that needs it; requests that need it meanwhile wait for this build."""
    started = time.perf_counter()
    try:
        with factory() as session:
            matching.warm(session, settings=settings)
    except Exception:  # the first request that needs the index tries again and shows the error
        log.exception("warming the matching index failed")
        return
    log.info("matching index and text model ready %.1f s after the worker started", time.perf_counter() - started)


async def build_routes(app: FastAPI) -> None:
    """FastAPI builds the routes of each included router on the first request that reaches it
    (about 0.5 s of CPU for this app, paid by someone's first page); a request that matches no
    route makes it build them all now. It goes straight to the router: no middleware, no log."""
    scope: dict[str, Any] = {"type": "http", "http_version": "1.1", "method": "GET", "scheme": "http",
                             "path": "/.trellis-start", "raw_path": b"/.trellis-start", "root_path": "",
                             "query_string": b"", "headers": [], "server": ("127.0.0.1", 80),
                             "client": ("127.0.0.1", 0)}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        pass

    await app.router(scope, receive, send)


def lifespan_for(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.match_warm_on_start:
            threading.Thread(target=warm_matching_index, args=(app.state.session_factory, settings),
                             name="warm-matching-index", daemon=True).start()
        stop, warmed = threading.Event(), threading.Event()
        if settings.analytics_warm_on_start:
            threading.Thread(target=keep_warm, args=(app.state.session_factory,), kwargs={
                "max_age": settings.analytics_cache_seconds, "every": settings.analytics_refresh_seconds,
                "keep_warm_for": settings.analytics_keep_warm_seconds, "stop": stop, "warmed": warmed},
                name="warm-analytics", daemon=True).start()
        await build_routes(app)
        if settings.analytics_warm_on_start:
            # serve once the HR dashboard is computed (seconds at 100,000 people), not before
            await asyncio.to_thread(warmed.wait, START_WAIT_SECONDS)
        yield
        stop.set()

    return lifespan
