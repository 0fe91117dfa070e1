"""Answers for when there is nothing to serve: no archive yet, or the database unreachable.

Both are temporary (an ingest, a database restart), so both answer 503 with Retry-After and a
short message, never a 500 with a traceback. A database error is answered here rather than by
the catch-all handler, whose exceptions Starlette re-raises to the server: uvicorn would log each
one a second time and close the client's keep-alive connection.
"""

from __future__ import annotations

import logging
import threading

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError

from app.store.db import NoArchive, archive_missing
from app.web.responses import error_response, render

log = logging.getLogger("policy_archive")

NO_ARCHIVE = "no archive"  # what VersionProbe.read answers when there is no archive to serve
NO_ARCHIVE_DETAIL = "No archive yet: run `policy-archive ingest`."
UNAVAILABLE_DETAIL = "The archive's database cannot be reached just now; please try again in a few seconds."
RETRY_NO_ARCHIVE = 30  # seconds: an ingest of the seeds takes a few
RETRY_UNAVAILABLE = 5  # a database restart takes about that
# Where ArchiveGuard leaves the probe's answer, so CachePages does not ask again.
VERSION_SLOT = "policy_archive.version"


class Outage:
    """Whether the database is known to be unreachable; logs once when an outage starts and once
    when it ends, however many requests fail in between."""

    def __init__(self):
        self._down = False
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self._down

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
        log.warning("database unavailable, answering 503 until it is back: %s", _first_line(exc))

    def recovered(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._down = False
        log.warning("database reachable again")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {text[0] if text else ''}"


def _wants_json(path: str) -> bool:
    return path.startswith("/api/") or path == "/healthz" or path.endswith(".json")


def unavailable(request: Request, *, no_archive: bool):
    """The 503 for a request: JSON for the API and /healthz, a short HTML page elsewhere."""
    detail = NO_ARCHIVE_DETAIL if no_archive else UNAVAILABLE_DETAIL
    headers = {"Retry-After": str(RETRY_NO_ARCHIVE if no_archive else RETRY_UNAVAILABLE), "Cache-Control": "no-store"}
    if _wants_json(request.url.path):
        body: dict = {"detail": detail}
        if request.url.path == "/healthz":
            body = {"status": "no archive" if no_archive else "unavailable", "version": 0, "detail": detail}
        return JSONResponse(body, status_code=503, headers=headers)
    return render(request, "unavailable.html", {"status": 503, "detail": detail, "no_archive": no_archive},
                  status_code=503, headers=headers)


class ArchiveGuard:
    """Pure ASGI middleware: before an ingest has made an archive, every address answers 503 with
    how to make one; nothing is opened or created in the data folder meanwhile.

    The archive version it reads is left in the scope for CachePages, so a request reads it once.
    """

    def __init__(self, app, probe):
        self.app = app
        self.probe = probe

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        version = scope[VERSION_SLOT] = await self.probe.read()
        if version == NO_ARCHIVE:
            response = unavailable(Request(scope, receive), no_archive=True)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def install(app, probe) -> None:
    """Answer the guard's and the database's 503s for `app`, whose CachePages reads `probe`."""
    app.add_middleware(ArchiveGuard, probe=probe)

    async def database_error(request: Request, exc: Exception):
        if archive_missing(exc):  # the tables went away under a running server (a new database)
            return unavailable(request, no_archive=True)
        if isinstance(exc, ProgrammingError):  # a bug, not an outage: the catch-all's 500, logged once
            log.error("database error on %s", request.url.path, exc_info=exc)
            return error_response(request, 500, "Something went wrong on our side; it has been logged.")
        probe.outage.failed(exc)
        return unavailable(request, no_archive=False)

    for kind in (OperationalError, InterfaceError, ProgrammingError, NoArchive):
        app.add_exception_handler(kind, database_error)
