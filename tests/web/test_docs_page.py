"""/docs reads an OpenAPI 3.0 copy of the schema that the bundled Swagger UI understands, while
/openapi.json stays 3.1 for clients (web/docs.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from trellis.web.docs import openapi_30


def test_the_docs_page_reads_an_openapi_30_document_without_31_constructs(
        as_role: Callable[[str], TestClient], anonymous: TestClient) -> None:
    assert 'data-openapi-url="/openapi-3.0.json"' in anonymous.get("/docs").text
    doc = anonymous.get("/openapi-3.0.json").json()
    original = anonymous.get("/openapi.json").json()
    assert doc["openapi"] == "3.0.3" and original["openapi"].startswith("3.1")
    assert set(doc["paths"]) == set(original["paths"])
    text = json.dumps(doc)
    assert '"type": "null"' not in text and '"const"' not in text and '"nullable": true' in text
    assert '"examples": [' not in text


def test_nullable_references_constants_and_exclusive_bounds_are_written_the_30_way() -> None:
    doc = openapi_30({"openapi": "3.1.0", "info": {"title": "t", "version": "1", "summary": "s"}, "paths": {
        "/x": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {
            "anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}], "title": "Q"}}]}}},
        "components": {"schemas": {"A": {"properties": {
            "b": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
            "k": {"const": "fixed", "examples": ["fixed"]},
            "t": {"type": ["string", "null"]}}}}}})
    param = doc["paths"]["/x"]["get"]["parameters"][0]["schema"]
    assert param == {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "title": "Q", "nullable": True}
    props = doc["components"]["schemas"]["A"]["properties"]
    assert props["b"] == {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": True}
    assert props["k"] == {"enum": ["fixed"], "example": "fixed"}
    assert props["t"] == {"type": "string", "nullable": True}
    assert "summary" not in doc["info"]
