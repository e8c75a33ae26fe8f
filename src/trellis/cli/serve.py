"""`trellis serve`: run the web portal."""

from __future__ import annotations

import copy
import os
import socket
from typing import TYPE_CHECKING, Any

import typer

from trellis.cli.common import DbOption, err_console, settings_for

if TYPE_CHECKING:
    from trellis.config import Settings

# uvicorn's supervisor kills a worker that does not answer its ping within this many seconds
# (default 5). A worker building its matching index (100,000 people) on a busy machine can hold
# the interpreter longer than that, and was killed and restarted in a loop; a minute is enough.
WORKER_HEALTHCHECK_SECONDS = 60


def serve(
    db: DbOption = None,
    host: str | None = typer.Option(None, help="Bind address (default: TRELLIS_HOST)."),
    port: int | None = typer.Option(None, help="Port (default: TRELLIS_PORT)."),
    workers: int = typer.Option(1, help="Worker processes (each builds its own matching index)."),
    demo: bool = typer.Option(False, "--demo", help="Demo mode: without TRELLIS_SECRET_KEY, sign sessions with a "
                              "random key generated once and kept in <data_dir>/secret_key (never in production)."),
) -> None:
    """Start the web portal (API docs at /docs). Refuses the default secret key outside --demo."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from trellis.web.app import create_app
    from trellis.web.security import serving_settings

    # uvicorn's own logging, plus Trellis's INFO lines (matching index builds) on the same handler
    log_config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    log_config["loggers"]["trellis"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    settings = settings_for(db)
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    configured = settings.model_copy(update=updates)
    settings = serving_settings(configured, demo=demo)
    if settings.secret_key != configured.secret_key:
        err_console.print(f"[bold red]WARNING: demo mode.[/] Sessions are signed with the key generated in "
                          f"{settings.data_dir / 'secret_key'}; never serve real people's data like this: "
                          "set TRELLIS_SECRET_KEY.", highlight=False)
    if workers > 1:
        # each worker is a fresh process that reads its settings from the environment
        # (app_from_env): hand the --db choice and the key down the same way
        os.environ["TRELLIS_DATABASE_URL"] = settings.database_url
        os.environ["TRELLIS_SECRET_KEY"] = settings.secret_key
        run_workers(uvicorn.Config("trellis.web.app:app_from_env", factory=True, host=settings.host,
                                   port=settings.port, workers=workers, log_config=log_config,
                                   timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                                   **proxy_options(settings)))
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=log_config,
                    **proxy_options(settings))


def proxy_options(settings: Settings) -> dict[str, Any]:
    """Whose X-Forwarded-For / X-Forwarded-Proto to believe: only the configured proxies
    (``forwarded_allow_ips``). uvicorn's own default believes 127.0.0.1, so anyone on the machine
    could pick their client address and step round the sign-in lock-out per address."""
    proxies = settings.forwarded_allow_ips.strip()
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None}


def run_workers(config: Any) -> None:
    """What ``uvicorn.run`` does for several workers, with one fix: the shared listening socket
    is marked as TCP. uvicorn binds it with protocol 0, so asyncio never sets TCP_NODELAY on the
    accepted connections, and every keep-alive request after the first waited ~40 ms for the
    client's delayed ACK (uvicorn issue #3149; one worker is not affected)."""
    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
        sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()  # stops on SIGINT/SIGTERM
