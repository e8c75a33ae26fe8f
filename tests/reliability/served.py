"""The app under uvicorn on a loopback port, for the tests that need real concurrent clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from portal_world import settings_for


@contextmanager
def serving(url: str, data: Path) -> Iterator[str]:
    """The app under uvicorn on a free loopback port; leaving the block waits for in-flight
    requests and their background tasks (the event logs) to finish."""
    import uvicorn

    from trellis.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings_for(url, data))
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert uv.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=60)
        app.state.engine.dispose()
