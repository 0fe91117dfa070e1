"""The in-process page cache: rendered pages kept per archive version, checked on every request."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

import anyio
import anyio.to_thread
from sqlalchemy import Engine

from app.store import reads as queries
from app.lru import SizedLRU

log = logging.getLogger("policy_archive")

# Where a page's handler leaves the archive version it read: only through the two functions below.
PAGE_SLOT = "policy_archive.page"


def remember_version(request, read_version: Callable[[], tuple | None]) -> None:
    """File the page being rendered under the archive version `read_version()` returns.

    Called only when CachePages is recording this request, so other requests skip the read.
    """
    slot = request.scope.get(PAGE_SLOT)
    if slot is not None:
        slot["version"] = read_version()


def remembered_version(request) -> tuple | None:
    """The version this request's page session read (remember_version), if it read one."""
    return (request.scope.get(PAGE_SLOT) or {}).get("version")


def _page_size(page: tuple[int, list, bytes]) -> int:
    """Bytes a stored (status, headers, body) page holds."""
    return len(page[2]) + sum(len(k) + len(v) for k, v in page[1])


class PageCache(SizedLRU):
    """Rendered pages by (archive version, date, URL); the least recently used go first."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024):
        super().__init__(max_bytes, _page_size)


class VersionProbe:
    """Reads the committed archive version outside any ORM session, as cheaply as the database allows.

    SQLite: one connection of its own in autocommit mode, so each read is a fresh snapshot of
    a local file and can run on the event loop. Any other database: a pooled connection in a
    worker thread, since a network round trip must not stall the loop.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.inline = engine.dialect.name == "sqlite"
        self._conn = None
        self._lock = threading.Lock()
        self._limiter = anyio.CapacityLimiter(4)

    def _read_own(self):
        with self._lock:
            if self._conn is None:
                fairy = self.engine.raw_connection()  # configured by the engine's connect hooks
                fairy.detach()  # kept for the probe alone, not taken from the request pool
                self._conn = fairy.dbapi_connection
                self._conn.execute("PRAGMA busy_timeout = 100")  # the loop waits on it: fall back, not stall
            cursor = self._conn.cursor()
            try:
                cursor.execute(queries.VERSION_SQL)
                rows = cursor.fetchall()  # run to the end, so no read snapshot stays open
            finally:
                cursor.close()
            return queries.version_key_of(rows[0] if rows else None)

    def _read_pooled(self):
        with self.engine.connect() as conn:
            return queries.version_key_of(conn.exec_driver_sql(queries.VERSION_SQL).first())

    async def read(self):
        """The current version key, or None when there is none to read (or reading failed)."""
        try:
            if self.inline:
                return self._read_own()
            # Its own threads: a cached page must not queue behind the handlers (Settings.threads).
            return await anyio.to_thread.run_sync(self._read_pooled, limiter=self._limiter)
        except Exception:  # noqa: BLE001 - the page is then rendered as if no cache existed
            log.debug("archive version probe failed", exc_info=True)
            return None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _url_key(scope) -> tuple:
    """Everything of the request a page may show: scheme, host, path and query (request.base_url)."""
    host = next((v for k, v in scope["headers"] if k == b"host"), None)
    server = scope.get("server")
    return (scope["scheme"], host, tuple(server) if server else None, scope.get("root_path", ""), scope["path"],
            scope["query_string"])


class CachePages:
    """Pure ASGI middleware: a GET for a page already rendered at the current archive version is
    answered from memory, without routing, a session or the thread pool.

    Pages are immutable within a version, and an ingest's commit is its switch to the next one,
    so checking the committed version on every request means no page outlives its version.
    Only 200s of handlers that read through `PageSessionDep` are stored, filed under the version
    their own snapshot read. The date is in the key because citations carry an access date.
    """

    def __init__(self, app, cache: PageCache, probe: VersionProbe):
        self.app = app
        self.cache = cache
        self.probe = probe

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        version = await self.probe.read()
        if version is None:
            return await self.app(scope, receive, send)
        url, today = _url_key(scope), dt.date.today()
        page = self.cache.get((version, today, url))
        if page is not None:
            await send({"type": "http.response.start", "status": page[0], "headers": list(page[1])})
            await send({"type": "http.response.body", "body": page[2]})
            return
        slot = scope[PAGE_SLOT] = {}
        kept: dict = {"chunks": [], "size": 0, "keep": False, "complete": False}

        async def capture(message):
            # Only a page its handler marked (the version is known before the response starts) is
            # copied, so streamed exports and other API answers are never held in memory twice.
            if message["type"] == "http.response.start":
                kept["keep"] = message["status"] == 200 and slot.get("version") is not None
                kept["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body" and kept["keep"]:
                body = message.get("body", b"")
                kept["chunks"].append(body)
                kept["size"] += len(body)
                kept["keep"] = kept["size"] <= self.cache.max_item_size
                kept["complete"] = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, capture)
        if kept["keep"] and kept["complete"]:
            self.cache.put((slot["version"], today, url), (200, kept["headers"], b"".join(kept["chunks"])))
