"""How big a request body may be: a file upload (multipart) up to ``max_upload_mb``, anything
else (JSON, forms) up to ``max_request_kb``. A declared length over the limit is refused at
once with 413; a body without one (chunked) is counted as it arrives and refused the moment it
passes the limit, so nothing reads a 30 MB JSON document into memory."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        upload = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.max_upload if upload else self.max_body
        message = f"the request body is over the {limit:,}-byte limit" + (" for uploads" if upload else "")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await JSONResponse({"detail": message, "errors": []}, status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            received = await receive()
            seen += len(received.get("body", b""))
            if seen > limit:
                raise HTTPException(413, message)
            return received

        await self.app(scope, counted, send)
