"""The interactive API documentation (Swagger UI) served from the swagger-ui-bundle package
and a local start-up script, so /docs needs no CDN and no inline code (the CSP forbids both).

The newest swagger-ui-bundle on the package index (1.1.0) bundles a Swagger UI that reads
OpenAPI 3.0 only, while FastAPI writes 3.1 (``/openapi.json``, which clients and the fuzz tests
use). /docs therefore reads ``/openapi-3.0.json``: the same document with the few 3.1-only
constructs FastAPI emits written the 3.0 way (``nullable`` instead of a ``null`` type, ``enum``
instead of ``const``, one ``example`` instead of a list of ``examples``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).parent
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trellis API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<link rel="icon" type="image/png" href="/static/swagger/favicon-32x32.png"></head>
<body><div id="swagger-ui" data-openapi-url="/openapi-3.0.json"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script></body></html>
"""


OPENAPI_30 = "/openapi-3.0.json"
_NULL = {"type": "null"}


def _schema_30(node: Any) -> Any:
    """One JSON Schema (and everything under it) written the OpenAPI 3.0 way."""
    if isinstance(node, list):
        return [_schema_30(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = dict(node)
    for key in ("anyOf", "oneOf"):  # before the children are converted: a {"type": "null"} option
        options = out.get(key)
        if isinstance(options, list) and _NULL in options:
            rest = [o for o in options if o != _NULL]
            del out[key]
            if len(rest) == 1:
                inner = rest[0]
                out = {**inner, **out} if "$ref" not in inner else {"allOf": [inner], **out}
            elif rest:
                out[key] = rest
            out["nullable"] = True
    out = {k: _schema_30(v) for k, v in out.items()}
    kind = out.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        out["type"] = kinds[0] if kinds else "string"
        if "null" in kind:
            out["nullable"] = True
    if out.get("type") == "null":
        out.pop("type")
        out["nullable"] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if isinstance(out.get("examples"), list):
        examples = out.pop("examples")
        if examples:
            out.setdefault("example", examples[0])
    for bound, flag in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), (int, float)) and not isinstance(out.get(bound), bool):
            out[flag] = out[bound]
            out[bound] = True
    if "contentMediaType" in out and out.get("type") == "string":
        out.pop("contentMediaType")
        out["format"] = "binary"
    return out


def openapi_30(document: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.1 document as FastAPI writes it, converted to OpenAPI 3.0.3."""
    doc = {k: v for k, v in document.items() if k not in ("webhooks", "jsonSchemaDialect")}
    doc["openapi"] = "3.0.3"
    info = dict(doc.get("info", {}))
    info.pop("summary", None)
    if isinstance(info.get("license"), dict):
        info["license"] = {k: v for k, v in info["license"].items() if k != "identifier"}
    doc["info"] = info
    components = dict(doc.get("components", {}))
    if "schemas" in components:
        components["schemas"] = {name: _schema_30(s) for name, s in components["schemas"].items()}
    doc["components"] = components
    doc["paths"] = _paths_30(doc.get("paths", {}))
    return doc


def _paths_30(paths: Any) -> Any:
    """Schemas inside the paths (parameters, bodies, responses) converted; the rest kept."""
    if isinstance(paths, list):
        return [_paths_30(x) for x in paths]
    if not isinstance(paths, dict):
        return paths
    return {k: _schema_30(v) if k == "schema" else _paths_30(v) for k, v in paths.items()}


def mount_docs(app: FastAPI) -> None:
    """/docs and its assets under /static/swagger (mount before /static, which would shadow it)."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - the web extra installs it
        return
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.get(OPENAPI_30, include_in_schema=False)
    def openapi_for_docs() -> JSONResponse:
        return JSONResponse(openapi_30(app.openapi()))
