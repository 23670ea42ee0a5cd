"""Pure-ASGI middleware on the hot path: request ids + access log, and the body size limit."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cityverse.core.context import client_ip_var, request_id_var
from cityverse.core.errors import error_response

access_log = logging.getLogger("cityverse.access")


class RequestContextMiddleware:
    """Assigns a request id (or keeps a sane incoming X-Request-ID) and logs each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isprintable() else ""
        request_id = request_id or str(uuid.uuid4())
        client = scope.get("client")
        token_id = request_id_var.set(request_id)
        token_ip = client_ip_var.set(client[0] if client else None)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"], (b"x-request-id", request_id.encode())
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["path"].startswith("/api/"):
                access_log.info(
                    "request",
                    extra={
                        "method": scope["method"], "path": scope["path"], "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(token_id)
            client_ip_var.reset(token_ip)


# Room for the multipart framing and form fields around an uploaded file.
MULTIPART_OVERHEAD = 64 * 1024


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit (413) by header or while streaming, before parsing.

    File uploads (multipart bodies) get their own, larger limit; the route then checks the file
    itself against the upload limit and says which limit it broke. `larger` names exact paths
    that may take more than either, with their own limit.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_max_bytes: int = 0,
        larger: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = max(upload_max_bytes + MULTIPART_OVERHEAD, max_bytes)
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        is_upload = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.larger.get(
            scope["path"], self.upload_max_bytes if is_upload else self.max_bytes
        )
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(scope, send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException survives FastAPI's body parsing and reaches the handler.
                    raise StarletteHTTPException(413)
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        response = error_response(Request(scope), 413, "payload_too_large", limit=limit)
        await response(scope, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
