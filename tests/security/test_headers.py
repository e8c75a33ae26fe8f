"""Security headers on every response: a strict CSP (no 'unsafe-inline', no framing), nosniff,
a referrer policy, no caching of personal data, and HSTS only over HTTPS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from trellis.config import Settings
from trellis.web.app import create_app

WEB = Path(__file__).resolve().parents[2] / "src" / "trellis" / "web"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def csp_directives(value: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in value.split(";")) if d}


@pytest.mark.parametrize("path", ["/", "/health", "/api/v1/counts", "/openapi.json", "/no-such-page"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_only_over_https(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app, base_url="https://trellis.example") as client:
        assert client.get("/health").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    app.state.engine.dispose()


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "on...= event handler"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def inline_code(html: str) -> list[str]:
    return [what for pattern, what in INLINE if pattern.search(html)]


def test_no_template_or_page_needs_unsafe_inline(client: TestClient) -> None:
    """The CSP forbids inline code, so none may exist: templates and Python-built pages alike."""
    offenders = {str(p.relative_to(WEB)): found for p in WEB.rglob("*.html") if (found := inline_code(p.read_text()))}
    offenders |= {path: found for path in ("/", "/docs") if (found := inline_code(client.get(path).text))}
    assert offenders == {}


def test_the_api_docs_load_from_this_server_only(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "//cdn" not in page.text and "https://" not in page.text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert "Cache-Control" not in response.headers or response.headers["Cache-Control"] != "no-store"
