"""The API's documentation at /docs: Swagger UI from the installed fastapi-offline package.

FastAPI's own /docs page loads Swagger UI from a CDN and starts it with an inline script; the CSP
allows neither (app/web/deps.py). Here the page is a template of the site, Swagger UI's files come
from the fastapi-offline distribution (a pinned dependency, so the wheel's install and the Docker
image carry them) and the start-up script is static/docs.js, which reads the description's address
from the page.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.staticfiles import StaticFiles

from app.web.deps import render

router = APIRouter(tags=["docs"])

ASSETS_URL = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")


def assets() -> StaticFiles:
    """The Swagger UI files, served under ASSETS_URL."""
    return StaticFiles(directory=str(ASSETS_DIR))


@router.get("/docs", include_in_schema=False)
def docs(request: Request):
    """Swagger UI over /api/openapi.json."""
    return render(request, "docs.html", {"assets": ASSETS_URL})
