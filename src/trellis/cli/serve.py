"""`trellis serve`: run the web portal."""

from __future__ import annotations

import typer

from trellis.cli.common import DbOption, settings_for


def serve(
    db: DbOption = None,
    host: str | None = typer.Option(None, help="Bind address (default: TRELLIS_HOST)."),
    port: int | None = typer.Option(None, help="Port (default: TRELLIS_PORT)."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Start the web portal (API docs at /docs)."""
    import uvicorn

    from trellis.web.app import create_app

    settings = settings_for(db)
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    if workers > 1:
        uvicorn.run("trellis.web.app:app_from_env", factory=True, host=settings.host, port=settings.port,
                    workers=workers)
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
