"""Shared web plumbing: templates, rendering, security headers and error pages."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.store import reads as queries

from app.web import resolve, urls
from app.config import Settings
from app.web import pagecache
from app.web.responses import error_response, render, wants_json  # noqa: F401  (re-exported for routes)

log = logging.getLogger("policy_archive")

SECURITY_HEADERS = [
    # No inline script anywhere: the app's JS is a file it serves itself.
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        return await self.app(scope, receive, send_with_headers)


class RejectNul:
    """Pure ASGI middleware: a NUL character in the path or a filter parameter gets a 400.

    PostgreSQL refuses NUL in text, so letting one reach the store would turn a typo into
    a 500; no slug, id or filter value can contain one. Free text (`q`, `text`) is exempt:
    search takes every character literally and never sends it to the database.
    """

    FREE_TEXT = frozenset({"q", "text"})

    def __init__(self, app):
        self.app = app

    def _has_nul(self, scope) -> bool:
        if "\x00" in scope.get("path", ""):
            return True
        raw = scope.get("query_string", b"").decode("latin-1")
        if "%00" not in raw and "\x00" not in raw:
            return False
        return any("\x00" in k or ("\x00" in v and k not in self.FREE_TEXT)
                   for k, v in parse_qsl(raw, keep_blank_values=True))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self._has_nul(scope):
            body = b'{"detail":"Input contains a NUL character."}'
            await send({"type": "http.response.start", "status": 400, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def make_templates(settings: Settings) -> Jinja2Templates:
    """Jinja2 templates with autoescape and the URL builders as a global."""
    templates = Jinja2Templates(directory=str(settings.templates_dir))
    # Whitespace control keeps pages small (the compare view must stay well under 60 KB).
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    templates.env.globals["urls"] = urls
    templates.env.globals["kind_label"] = {"official": "Official", "commentary": "Commentary"}
    templates.env.globals["margin_note_min"] = settings.margin_note_min
    return templates


@contextmanager
def _read_session(request: Request):
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        try:
            session.close()
        except DBAPIError:
            # The connection died after the answer was sent (a database restart): there is nothing to
            # roll back, and raising now would make the server drop the client's connection.
            session.invalidate()


def get_session(request: Request):
    """A read session per request: one transaction, so one consistent archive version."""
    with _read_session(request) as session:
        yield session


def get_page_session(request: Request):
    """A read session for a page that shows only the archive (at one version) and its own URL.

    The version is read first, inside the page's snapshot, so CachePages files the rendered
    page under the version it actually shows.
    """
    with _read_session(request) as session:
        pagecache.remember_version(request, lambda: queries.version_key(session))
        yield session


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
PageSessionDep = Annotated[Session, Depends(get_page_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def install_error_handlers(app) -> None:
    """Clear errors for every failure; no user input reaches a bare 500."""
    resolve.install(app)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "Error"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is nothing at this address."
        return error_response(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        if wants_json(request):
            return JSONResponse({"detail": [
                {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))} for e in exc.errors()
            ]}, status_code=422)
        return render(request, "error.html", {"status": 422, "detail": "; ".join(parts)}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, "Something went wrong on our side; it has been logged.")
