"""Serves the built web UI: real files, else index.html so client-side routes load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Cityverse</title>
<p>The web UI has not been built. Run <code>make run</code> (or <code>make web</code>).</p>
<p>API docs: <a href="/api/docs">/api/docs</a></p>"""


class SpaFiles(StaticFiles):
    """`api_methods(path)` tells which methods the API has for a path, so a request that
    only got the method wrong is answered 405 rather than 404."""

    def __init__(self, directory: Path, api_methods: Callable[[str], set[str]]) -> None:
        super().__init__(directory=directory, check_dir=False)
        self.index = directory / "index.html"
        self.api_methods = api_methods

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.startswith("api/") or path == "api":
            methods = self.api_methods("/" + path)
            if methods:
                raise StarletteHTTPException(405, headers={"Allow": ", ".join(sorted(methods))})
            raise StarletteHTTPException(404)
        try:
            response = await super().get_response(path, scope)
        except StarletteHTTPException as exc:
            if exc.status_code != 404:
                raise
            response = self._index()
        if path.startswith("assets/"):
            # Vite fingerprints asset names, so they never change under the same URL.
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    def _index(self) -> Response:
        if not self.index.is_file():
            return HTMLResponse(NOT_BUILT)
        return FileResponse(self.index, headers={"Cache-Control": "no-cache"})
