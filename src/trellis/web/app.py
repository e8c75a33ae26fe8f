"""`create_app(settings)`: the FastAPI application — server-rendered portal pages, the JSON API
under /api/v1, local static assets (no CDN, API docs included), one domain-error handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from trellis import __version__
from trellis.architecture.service import organisation_counts
from trellis.config import Settings, get_settings
from trellis.db import make_engine, make_session_factory
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
from trellis.web.templating import render

STATUS_FOR: dict[type[TrellisError], int] = {
    Unauthenticated: 401, RateLimited: 429, NotFound: 404, Conflict: 409, Invalid: 422, Forbidden: 403,
    Unavailable: 503,
}
HERE = Path(__file__).parent
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/health")) or "application/json" in request.headers.get("accept", "")


def create_app(settings: Settings) -> FastAPI:
    engine = make_engine(settings.database_url, echo=settings.echo_sql)
    app = FastAPI(title="Trellis", version=__version__, description="Internal talent marketplace API. "
                  "Authenticate with `Authorization: Bearer <token>` (tokens: /admin/tokens).",
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    _mount_docs(app)  # before /static, which would otherwise shadow /static/swagger
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        docs = request.url.path.startswith("/docs")
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(TrellisError)
    async def domain_error(request: Request, err: TrellisError) -> Response:
        status = next((code for cls, code in STATUS_FOR.items() if isinstance(err, cls)), 400)
        if _wants_json(request):
            return JSONResponse({"detail": err.message, "errors": err.details}, status_code=status)
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return render(request, "error.html", {"status": status, "message": err.message, "details": err.details},
                      status_code=status)

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


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from the swagger-ui-bundle package, served locally."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - the web extra installs it
        return
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Trellis API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")


def app_from_env() -> FastAPI:
    """Factory for multi-worker servers: each worker reads the settings from the environment."""
    return create_app(get_settings())
