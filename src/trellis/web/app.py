"""`create_app(settings)`: the FastAPI application — server-rendered portal pages, the JSON API
under /api/v1, local static assets (no CDN, API docs included), one domain-error handler."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import DataError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from trellis import __version__
from trellis.architecture.service import organisation_counts
from trellis.config import DEFAULT_SECRET_KEY, Settings, get_settings
from trellis.db import is_connection_error, is_too_big, make_engine
from trellis.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    TrellisError,
    Unauthenticated,
    Unavailable,
)
from trellis.web.api import analytics as analytics_api
from trellis.web.api import matching as matching_api
from trellis.web.api import paths as paths_api
from trellis.web.deps import SessionDep, permit
from trellis.web.docs import mount_docs
from trellis.web.headers import SecurityHeadersMiddleware
from trellis.web.limits import BodyLimitMiddleware
from trellis.web.security import serving_settings
from trellis.web.startup import lifespan_for
from trellis.web.templating import render
from trellis.web.writes import set_up as set_up_writes

STATUS_FOR: dict[type[TrellisError], int] = {
    Unauthenticated: 401, RateLimited: 429, NotFound: 404, Conflict: 409, Invalid: 422, Forbidden: 403,
    Unavailable: 503,
}
HERE = Path(__file__).parent
log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
UPLOAD_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields of an upload form
DATABASE_DOWN = "the database is not reachable right now; please try again in a few seconds"


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
        409: "Conflict with the current state (duplicate, stale version)", 413: "Request body too large",
        422: "Invalid input",
        429: "Too many requests", 503: "The database is unreachable; retry after the Retry-After seconds",
    }.items()}


class TrellisApp(FastAPI):
    """FastAPI with the security headers outside everything, the server-error handler included:
    middleware added with ``add_middleware`` sits inside Starlette's ServerErrorMiddleware, so a
    500 it answers would go out without them."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack())


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/health")) or "application/json" in request.headers.get("accept", "")


def create_app(settings: Settings) -> FastAPI:
    if settings.secret_key == DEFAULT_SECRET_KEY:
        log.warning("THE SECRET KEY IS THE PUBLIC DEFAULT: anyone can forge sessions and CSRF tokens. "
                    "Set TRELLIS_SECRET_KEY (trellis serve refuses to start without it outside --demo).")
    engine = make_engine(settings.database_url, echo=settings.echo_sql)

    app = TrellisApp(title="Trellis", version=__version__, description="Internal talent marketplace API. "
                  "Authenticate with `Authorization: Bearer <token>` (tokens: /admin/tokens).",
                  docs_url=None, redoc_url=None, responses=ERROR_RESPONSES, lifespan=lifespan_for(settings))
    app.state.settings = settings
    app.state.engine = engine
    set_up_writes(app.state, engine)  # reader and writer sessions, the write gate (web/writes.py)
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_request_kb * 1024,
                       max_upload=settings.max_upload_mb * 1024 * 1024 + UPLOAD_OVERHEAD)
    mount_docs(app)  # before /static, which would otherwise shadow /static/swagger
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    async def domain_error(request: Request, exc: Exception) -> Response:
        err = _as_domain_error(exc)
        status = next((code for cls, code in STATUS_FOR.items() if isinstance(err, cls)), 400)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else {}
        if _wants_json(request):
            return JSONResponse({"detail": err.message, "errors": err.details}, status_code=status, headers=headers)
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        response = render(request, "error.html", {"status": status, "message": err.message, "details": err.details},
                          status_code=status)
        response.headers.update(headers)
        return response

    # The one error handler: domain errors; database connection failures as 503 + Retry-After
    # (the pool's pre-ping reconnects once the database is back); out-of-range values as 422.
    for error_class in (TrellisError, SQLAlchemyError, OverflowError):
        app.add_exception_handler(error_class, domain_error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError) -> Response:
        details = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in err.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": "invalid request", "errors": details}, status_code=422)
        return render(request, "error.html", {"status": 422, "message": "Please check the form.",
                                              "details": details}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": err.detail}, status_code=err.status_code)
        return render(request, "error.html", {"status": err.status_code, "message": str(err.detail),
                                              "details": []}, status_code=err.status_code)

    @app.get("/health", tags=["system"])
    def health(session: SessionDep) -> dict[str, str]:
        session.execute(select(1))
        return {"status": "ok", "version": __version__}

    @app.get("/api/v1/counts", tags=["system"])
    def counts(session: SessionDep) -> dict[str, int]:
        return organisation_counts(session)

    from trellis.web.api import router as api_router
    from trellis.web.pages import router as pages_router

    app.include_router(api_router, prefix="/api/v1")
    # the matching and career-path APIs address any employee by external id: HR and integrations only
    app.include_router(paths_api.router, dependencies=[Depends(permit("paths.api"))])
    app.include_router(matching_api.router, dependencies=[Depends(permit("matching.api"))])
    app.include_router(analytics_api.router, dependencies=[Depends(permit("analytics.view"))])
    app.include_router(analytics_api.fairness_router, prefix=analytics_api.router.prefix,
                       dependencies=[Depends(permit("fairness.audit"))])
    app.include_router(pages_router)
    return app


def _as_domain_error(exc: Exception) -> TrellisError:
    if isinstance(exc, TrellisError):
        return exc
    if is_connection_error(exc):
        return Unavailable(DATABASE_DOWN)
    if isinstance(exc, OverflowError | DataError) or is_too_big(exc):  # an id beyond 64 bits, a text too long
        return Invalid("a value is out of range or too long for its field")
    raise exc  # anything else from the database is a bug: a 500, logged by the server


def app_from_env() -> FastAPI:
    """Factory for multi-worker servers: each worker reads the settings from the environment
    (the default secret key is refused: see ``serving_settings``)."""
    return create_app(serving_settings(get_settings()))
