"""Rendering a page and answering an error: the two responses every layer of the web app makes.

Kept apart from deps so that the middleware (outage, pagecache) can answer without importing the
request dependencies that are built on top of it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse


def render(request: Request, template: str, context: dict, status_code: int = 200, headers: dict | None = None) -> HTMLResponse:
    """Render a page with the context every page shares."""
    base = {
        "request": request,
        "q": request.query_params.get("q", ""),
        "json_url": None,
        "canonical": None,
    }
    base.update(context)
    return request.app.state.templates.TemplateResponse(request, template, base, status_code=status_code, headers=headers)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status_code: int, detail: str) -> HTMLResponse | JSONResponse:
    """A JSON error for the API, an HTML page elsewhere."""
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status_code)
    return render(request, "error.html", {"status": status_code, "detail": detail}, status_code=status_code)
