"""The in-process page cache: rendered pages kept per archive version, checked on every request."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import logging
import math
import threading
import time
from collections.abc import Callable

import anyio
import anyio.to_thread
from sqlalchemy import Engine

from app.store import reads as queries
from app.store.db import NoArchive
from app.web.outage import NO_ARCHIVE, VERSION_SLOT, Outage
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
    """Bytes a stored (status, headers, gzipped body) page holds."""
    return len(page[2]) + sum(len(k) + len(v) for k, v in page[1])


# Pages are kept gzipped: a results page is mostly repeated markup that shrinks about sevenfold, so
# the same budget holds seven times the pages, and a browser (which asks for gzip) gets fewer bytes.
# Level 1: most of level 9's saving at a fraction of its time, paid once per page rendered.
GZIP_LEVEL = 1
_VARY = (b"vary", b"Accept-Encoding")


def accepts_gzip(scope) -> bool:
    """Does the request's Accept-Encoding allow gzip (RFC 9110: a listed gzip or *, q above 0)?"""
    value = b",".join(v for k, v in scope["headers"] if k == b"accept-encoding").decode("latin-1")
    for item in value.split(","):
        name, _, params = item.partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        q = params.strip().lower()
        if not q.startswith("q="):
            return True
        try:
            return float(q[2:]) > 0
        except ValueError:
            return False
    return False


def _framed(headers: list, body: bytes, encoded: bool) -> list:
    """A stored page's headers for one response: its length, and its encoding when gzipped."""
    out = [*headers, _VARY, (b"content-length", str(len(body)).encode())]
    if encoded:
        out.append((b"content-encoding", b"gzip"))
    return out


class PageCache(SizedLRU):
    """Rendered pages by (archive version, date, URL); the least recently used go first."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024):
        super().__init__(max_bytes, _page_size)


class _Round:
    """One read of the version, shared by every request that arrived before it started."""

    def __init__(self, loop):
        self.loop = loop
        self.done = asyncio.Event()
        self.value = None


class VersionProbe:
    """Reads the committed archive version outside any ORM session, as cheaply as the database allows.

    SQLite: one connection of its own in autocommit mode, so each read is a fresh snapshot of
    a local file and can run on the event loop. Any other database: a connection of its own in
    autocommit, read in a worker thread, since a network round trip must not stall the loop; and
    requests that arrive while a read is under way share the next one, which starts after they
    all arrived, so each still sees every commit made before it arrived, at one round trip for many.
    With `interval` seconds (Settings.version_check_seconds), a read is reused for that long instead.

    Answers the version key, NO_ARCHIVE, or, while the database cannot be read, the last
    version it read (None before any), so pages cached at that version are still served.
    """

    def __init__(self, engine: Engine, interval: float = 0.0):
        self.engine = engine
        self.inline = engine.dialect.name == "sqlite"
        self.interval = interval
        self.outage = Outage()
        self._conn = None
        self._lock = threading.Lock()
        self._limiter = anyio.CapacityLimiter(1)
        self._next: _Round | None = None
        self._task: asyncio.Task | None = None
        self._last = None  # the newest version key read
        self._read_at = -math.inf

    def _connection(self):
        if self._conn is None:
            fairy = self.engine.raw_connection()  # configured by the engine's connect hooks
            fairy.detach()  # kept for the probe alone, not taken from the request pool
            conn = fairy.dbapi_connection
            if self.inline:
                conn.execute("PRAGMA busy_timeout = 100")  # the loop waits on it: fall back, not stall
            elif hasattr(conn, "autocommit"):
                conn.autocommit = True  # no transaction to end after each read
            self._conn = conn
        return self._conn

    def _read_own(self):
        """(version key or NO_ARCHIVE, error or None), read on the probe's own connection."""
        with self._lock:
            try:
                conn = self._connection()
                cursor = conn.cursor()
                try:
                    cursor.execute(queries.VERSION_SQL)
                    rows = cursor.fetchall()  # run to the end, so no read snapshot stays open
                finally:
                    cursor.close()
                if not self.inline and not getattr(conn, "autocommit", True):
                    conn.rollback()
            except Exception as exc:  # noqa: BLE001 - sorted below: no archive, or an outage
                if self._conn is not None and not self.inline:
                    self._drop()  # a broken network connection is opened afresh next time
                if _no_archive(exc):
                    return NO_ARCHIVE, None
                return None, exc
        key = queries.version_key_of(rows[0] if rows else None)
        return (NO_ARCHIVE if key is None else key), None

    def _drop(self) -> None:
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001 - it is being thrown away
            pass
        self._conn = None

    def _settle(self, value, exc):
        if exc is not None:
            self.outage.failed(exc)
            log.debug("archive version probe failed", exc_info=exc)
            return self._last
        self.outage.recovered()
        self._read_at = time.monotonic()
        if value != NO_ARCHIVE:
            self._last = value
        return value

    async def read(self):
        """The current version key; NO_ARCHIVE; or the last one read while reading fails."""
        if self.interval and time.monotonic() - self._read_at < self.interval and self._last is not None:
            return self._last
        if self.inline:
            return self._settle(*self._read_own())
        loop = asyncio.get_running_loop()
        round_ = self._next
        if round_ is None or round_.loop is not loop:
            if round_ is not None:  # another event loop (a test client's): read alone
                return self._settle(*await self._read_in_thread())
            round_ = self._next = _Round(loop)
            if self._task is None:
                self._task = loop.create_task(self._rounds())
        await round_.done.wait()
        return round_.value

    async def _rounds(self) -> None:
        """Run the waiting rounds one after another until none is left."""
        try:
            while self._next is not None:
                round_, self._next = self._next, None  # who arrives from now on waits for the next
                try:
                    round_.value = self._settle(*await self._read_in_thread())
                finally:
                    round_.done.set()
        finally:
            self._task = None

    async def _read_in_thread(self):
        # Its own thread: a cached page must not queue behind the handlers (Settings.threads).
        return await anyio.to_thread.run_sync(self._read_own, limiter=self._limiter)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._drop()


def _no_archive(exc: BaseException) -> bool:
    """The probe's raw DBAPI errors, or the engine's NoArchive: is there simply no archive yet?"""
    if isinstance(exc, NoArchive):
        return True
    return getattr(exc, "sqlstate", None) == "42P01" or str(exc).startswith("no such table")


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
        version = scope[VERSION_SLOT] if VERSION_SLOT in scope else await self.probe.read()
        if version is None or version == NO_ARCHIVE:
            return await self.app(scope, receive, send)
        url, today = _url_key(scope), dt.date.today()
        gzip_ok = accepts_gzip(scope)
        page = self.cache.get((version, today, url))
        if page is not None:
            body = page[2] if gzip_ok else gzip.decompress(page[2])
            await send({"type": "http.response.start", "status": page[0], "headers": _framed(page[1], body, gzip_ok)})
            await send({"type": "http.response.body", "body": body})
            return
        slot = scope[PAGE_SLOT] = {}
        held: dict = {"start": None, "chunks": [], "size": 0}

        async def capture(message):
            # A page its handler marked (the version is known before the response starts) is held
            # until its last chunk, then stored and sent gzipped (when asked) exactly as a later
            # request gets it from memory; anything else, streamed exports included, passes through.
            if message["type"] == "http.response.start":
                if message["status"] == 200 and slot.get("version") is not None:
                    held["start"] = message
                    return
            elif message["type"] == "http.response.body" and held["start"] is not None:
                held["chunks"].append(message.get("body", b""))
                held["size"] += len(held["chunks"][-1])
                if message.get("more_body", False):
                    if held["size"] <= self.cache.max_item_size:
                        return
                    return await _release(held, send)  # too big to keep: sent as it comes from here on
                return await self._finish(held, slot["version"], today, url, gzip_ok, send)
            await send(message)

        await self.app(scope, receive, capture)

    async def _finish(self, held: dict, version, today, url, gzip_ok: bool, send) -> None:
        start, raw = held["start"], b"".join(held["chunks"])
        held["start"] = None
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        packed = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
        self.cache.put((version, today, url), (200, headers, packed))
        body = packed if gzip_ok else raw
        await send({**start, "headers": _framed(headers, body, gzip_ok)})
        await send({"type": "http.response.body", "body": body})


async def _release(held: dict, send) -> None:
    """Send what was held of a page that turned out too big to keep (the latest chunk too), unchanged."""
    start, chunks = held["start"], held["chunks"]
    held["start"], held["chunks"] = None, []
    await send(start)
    for chunk in chunks:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
