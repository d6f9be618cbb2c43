"""The preview's web server (Starlette on uvicorn): the preview folder as static files, each
HTML page with the reload script and, after a failed rebuild, the error banner added as it is
sent. The files on disk are never changed, so nothing of the preview reaches a draft or a
release.

The reload script listens to ``/__statgen__/events`` (server-sent events): each event carries
the builder's version; when it differs from the version the page was served with, the page
reloads itself.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from statgen.outputs.assets import TEMPLATES
from statgen.preview.builder import Builder

PREFIX = "/__statgen__"
SCRIPT = TEMPLATES / "preview" / "reload.js"
STYLE = TEMPLATES / "preview" / "banner.css"
BANNER_ID = "statgen-preview-error"
_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
_EMPTY = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Preview</title>'
_EMPTY += "</head><body><main><p>No page yet: fix the error above.</p></main></body></html>"


def inject(page: str, version: int, error: str | None, last_good: bool = True) -> str:
    """The page with the reload script (and the error banner, if any) added; ``last_good``
    is false when no build has succeeded yet (the page is a stand-in).

    The error text is escaped: it may quote commentary or data.
    """
    tags = (
        f'<link rel="stylesheet" href="{PREFIX}/banner.css">'
        f'<script defer src="{PREFIX}/reload.js" data-version="{version}"></script>'
    )
    banner = ""
    if error:
        banner = (
            f'<div id="{BANNER_ID}" class="statgen-preview-error" role="alert">'
            '<p class="statgen-preview-error__title">'
            + (
                "The preview could not be rebuilt; the last good page is shown below."
                if last_good
                else "The preview could not be built."
            )
            + "</p>"
            f'<pre class="statgen-preview-error__message">{html.escape(error)}</pre></div>'
        )
    head_end = page.lower().find("</head>")
    page = page[:head_end] + tags + page[head_end:] if head_end >= 0 else tags + page
    found = _BODY.search(page)
    if found:
        return page[: found.end()] + banner + page[found.end() :]
    return banner + page


def make_app(builder: Builder, stopping: Callable[[], bool]) -> Starlette:
    """The preview's ASGI app; ``stopping()`` is true once the server is shutting down (the
    event streams then end, so uvicorn stops without waiting)."""
    folder = builder.folder

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            sent = -1
            yield "retry: 500\n\n"
            while not stopping() and not await request.is_disconnected():
                status = builder.status
                if status.version != sent:
                    sent = status.version
                    data = {"version": status.version, "error": status.error}
                    yield f"data: {json.dumps(data)}\n\n"
                await asyncio.sleep(0.05)

        headers = {"Cache-Control": "no-store"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        path = {"reload.js": SCRIPT, "banner.css": STYLE}.get(name)
        if path is None:
            return Response("Not found", status_code=404)
        return FileResponse(path, headers={"Cache-Control": "no-store"})

    async def page(request: Request) -> Response:
        rel = request.path_params.get("path", "")
        target = (folder / rel).resolve()
        if not target.is_relative_to(folder.resolve()):
            return Response("Not found", status_code=404)
        if target.is_dir() or rel == "":  # (no folder yet when the first build failed)
            target = target / "index.html"
        status = builder.status
        headers = {"Cache-Control": "no-store"}
        if target.suffix == ".html":
            text = target.read_text(encoding="utf-8") if target.is_file() else None
            if text is None and rel not in ("", "index.html"):
                return Response("Not found", status_code=404)
            body = inject(text or _EMPTY, status.version, status.error, text is not None)
            return HTMLResponse(body, headers=headers)
        if not target.is_file():
            return Response("Not found", status_code=404)
        return FileResponse(target, headers=headers)

    routes = [
        Route(f"{PREFIX}/events", events),
        Route(f"{PREFIX}/{{name}}", asset),
        Route("/{path:path}", page),
    ]
    return Starlette(routes=routes)
