"""`create_app(settings)`: the FastAPI application.

No ``from __future__ import annotations`` here: FastAPI resolves string annotations in the
module's globals, where the route-local ``SessionDep`` does not exist, and would then read the
session as a required query parameter (every page answered 422)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.orm import Session

from trellis import __version__
from trellis.config import Settings, get_settings
from trellis.db import is_connection_error, make_engine, make_session_factory
from trellis.errors import Conflict, Forbidden, Invalid, NotFound, TrellisError, Unavailable
from trellis.models import Employee, Opportunity, OrgUnit, Role, Skill
from trellis.web.api import analytics as analytics_api
from trellis.web.api import matching as matching_api
from trellis.web.api import paths as paths_api
from trellis.web.docs import mount_docs
from trellis.web.headers import SecurityHeadersMiddleware

STATUS_FOR = {NotFound: 404, Conflict: 409, Invalid: 422, Forbidden: 403, Unavailable: 503}
RETRY_AFTER_SECONDS = 5

class ErrorOut(BaseModel):
    """Every error answer of the API: a message a person can act on, and details (fields, lines)."""

    detail: str | list[dict[str, Any]]
    errors: list[str] = []


# Documented on every operation: the one error handler may answer any route with these.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    # JSON even on routes whose success answer is HTML or CSV: the one error handler answers JSON there
    code: {"model": ErrorOut, "description": text,
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for code, text in {
        400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
        409: "Conflict with the current state (duplicate, stale version)", 422: "Invalid input",
        429: "Too many requests", 503: "The database is unreachable; retry after the Retry-After seconds",
    }.items()}
DATABASE_DOWN = "the database is not reachable right now; please try again in a few seconds"


def create_app(settings: Settings) -> FastAPI:
    engine = make_engine(settings.database_url, echo=settings.echo_sql)
    factory = make_session_factory(engine)
    app = FastAPI(title="Trellis", version=__version__, description="Internal talent marketplace API.",
                  docs_url=None, redoc_url=None, responses=ERROR_RESPONSES)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = factory
    app.add_middleware(SecurityHeadersMiddleware)
    mount_docs(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
        err = _as_domain_error(exc)
        status = next((code for cls, code in STATUS_FOR.items() if isinstance(err, cls)), 400)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
        return JSONResponse({"detail": err.message, "errors": err.details}, status_code=status, headers=headers)

    # The one error handler: domain errors, and database connection failures as 503 (the pool's
    # pre-ping reconnects once the database is back).
    for error_class in (TrellisError, SQLAlchemyError, OverflowError):
        app.add_exception_handler(error_class, domain_error)

    def get_session() -> Iterator[Session]:
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    SessionDep = Annotated[Session, Depends(get_session)]
    app.include_router(analytics_api.router)

    @app.get("/health", tags=["system"])
    def health(session: SessionDep) -> dict[str, str]:
        session.execute(select(1))
        return {"status": "ok", "version": __version__}

    @app.get("/api/v1/counts", tags=["system"])
    def counts(session: SessionDep) -> dict[str, int]:
        return _counts(session)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def landing(session: SessionDep) -> str:
        rows = "".join(f"<li>{name}: <strong>{n:,}</strong></li>" for name, n in _counts(session).items())
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Trellis</title>"
            "<meta name=viewport content='width=device-width, initial-scale=1'></head>"
            f"<body><h1>Trellis</h1><p>Internal talent marketplace.</p><ul>{rows}</ul>"
            "<p><a href='/docs'>API documentation</a></p></body></html>"
        )

    app.include_router(paths_api.router)  # career paths, plans, mentoring, succession
    app.include_router(matching_api.router)
    return app


def _as_domain_error(exc: Exception) -> TrellisError:
    if isinstance(exc, TrellisError):
        return exc
    if is_connection_error(exc):
        return Unavailable(DATABASE_DOWN)
    if isinstance(exc, OverflowError | DataError):  # an id beyond 64 bits, a text longer than its column
        return Invalid("a value is out of range or too long for its field")
    raise exc  # anything else from the database is a bug: a 500, logged by the server


def _counts(session: Session) -> dict[str, int]:
    models = {"employees": Employee, "org_units": OrgUnit, "roles": Role, "skills": Skill,
              "opportunities": Opportunity}
    return {name: session.scalar(select(func.count()).select_from(m)) or 0 for name, m in models.items()}


def app_from_env() -> FastAPI:
    """Factory for multi-worker servers: each worker reads the settings from the environment."""
    return create_app(get_settings())
