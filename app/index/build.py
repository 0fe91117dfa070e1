"""The Whoosh index: one folder per archive version, built by ingest, opened read-only by the web."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from app.index import weights, whoosh_fast
from app.index.child import SegmentChild, commit_with, worthwhile
from app.index.schema import SCHEMA_VERSION, completed, make_schema, passage_fields

__all__ = ["SCHEMA_VERSION", "Build", "Searchers", "completed", "make_schema", "passage_fields", "prune",
           "start_version", "version_dir"]


def version_dir(root: Path, version: int) -> Path:
    """The folder of one archive version's index."""
    return root / f"v{version:06d}"


def open_for_search(folder: Path):
    """An index version opened for reading: through the shortcuts' pread files when they are on."""
    if whoosh_fast.enabled():
        return whoosh_fast.open_dir(str(folder))
    return whoosh_index.open_dir(str(folder))


def start_version(root: Path, previous: int | None, version: int) -> tuple[Path, bool]:
    """Create the folder for `version`, seeded from `previous` when it can be updated in place.

    Whoosh never rewrites a file it has written (segments and TOCs get new names), so the
    previous version's files are hard-linked, not copied: adding one document stays cheap
    and the previous version, still serving readers, is never touched.
    Returns (folder, whether it starts empty and needs every document).
    """
    target = version_dir(root, version)
    if target.exists():
        shutil.rmtree(target)  # left by a killed ingest that never switched
    root.mkdir(parents=True, exist_ok=True)
    source = version_dir(root, previous) if previous else None
    if source and source.is_dir() and _schema_matches(source):
        target.mkdir()
        for f in source.iterdir():
            if f.is_file() and not f.name.endswith("LOCK"):
                try:
                    os.link(f, target / f.name)
                except OSError:  # a filesystem without hard links
                    shutil.copy2(f, target / f.name)
        return target, False
    target.mkdir()
    whoosh_index.create_in(str(target), make_schema())
    return target, True


def _schema_matches(folder: Path) -> bool:
    """True when the folder holds an index with this code's schema version."""
    try:
        ix = whoosh_index.open_dir(str(folder))
    except Exception:  # noqa: BLE001 - any unreadable index is simply rebuilt
        return False
    try:
        with ix.searcher() as s:
            doc = next(s.documents(), None)
            names = set(ix.schema.names())
        return names == set(make_schema().names()) and (doc is None or doc.get("schema_version") == SCHEMA_VERSION)
    finally:
        ix.close()


# Postings buffered in memory per writer before a sorted run goes to disk. Past one run the
# cost hardly depends on the run size, and two writers run at once in a large build: the
# child's, which indexes most of it, and this process's own, beside the ingest's session,
# whose memory a smaller buffer spares at no cost in time.
LIMIT_MB = 64
CHILD_LIMIT_MB = 160


def segment_writer(ix) -> IndexWriter:
    """A writer of one new segment in separate files, through the shortcuts when they are on.

    compound=False: a compound segment is copied into each searcher's private memory;
    separate files are mapped, and shared by every searcher.
    """
    if whoosh_fast.enabled():
        return whoosh_fast.segment_writer(ix, limitmb=LIMIT_MB)
    return ix.writer(limitmb=LIMIT_MB, compound=False)


class Build:
    """One index version being written, in two parts.

    Records given to `ahead` go to a child process, which indexes them while the ingest goes
    on enriching other documents; records given to `rest` are indexed by this process. Whoosh's
    analysis and posting writing are pure Python, so that keeps a second core busy throughout.
    The child writes a segment of its own placed first, so every document gets the number a
    single writer fed the `ahead` records, then the `rest`, would give it. A small build, and
    every build while the Whoosh shortcuts are off (committing another process's segment is
    one of them), is written by this process alone, in that same order, and committed plainly.

    Not whoosh's procs=N writer: it deals documents to processes in whatever order they ask,
    so document numbers would differ from run to run; and it forks this large process.
    """

    def __init__(self, folder: Path, remove_docs: Iterable[str], expected: int):
        self._ix = whoosh_index.open_dir(str(folder))
        self._writer = segment_writer(self._ix)
        self._folder = folder
        self.parallel = worthwhile(expected)
        self._child: SegmentChild | None = None
        self.added = 0
        self._added_docs: set[str] = set()
        try:
            remove = set(remove_docs)
            # The archive-wide counts: the previous version's, less the documents this build
            # removes (read before they go); counted whole after the commit when there are none.
            self._docfreq = weights.read(folder)
            if self._docfreq is not None and remove:
                with self._ix.reader() as reader:
                    self._docfreq.add(weights.doc_stems(reader, remove).values(), sign=-1)
            for slug in remove:
                self._writer.delete_by_term("doc", slug)
        except BaseException:
            self.cancel()
            raise

    def ahead(self, records: Iterable[dict], progress=None) -> None:
        """Index `records` in the child process when the build is large, without waiting for it."""
        if not self.parallel:
            self.rest(records, progress)  # the same order: nothing has gone to `rest` yet
            return
        for fields in records:
            if self._child is None:
                self._child = SegmentChild(self._folder, limitmb=CHILD_LIMIT_MB)
            self._child.add(fields)
            self._added_docs.add(fields["doc"])
            self.added += 1
            if progress:
                progress(1)

    def ahead_done(self) -> None:
        """Nothing more goes `ahead`: the child writes its segment now, while this process works on."""
        if self._child:
            self._child.close()

    def rest(self, records: Iterable[dict], progress=None) -> None:
        """Index `records` in this process, after everything sent `ahead`."""
        for fields in records:
            self._writer.add_document(**completed(fields))
            self._added_docs.add(fields["doc"])
            self.added += 1
            if progress:
                progress(1)

    def commit(self) -> None:
        """Write this process's segment, wait for the child's, and commit both as one new version."""
        try:
            if self._child:
                commit_with(self._writer, self._child)
            else:
                self._writer.commit()
        except BaseException:
            self.cancel()
            raise
        self._child = None
        try:
            self._write_docfreq()
        finally:
            self._ix.close()

    def _write_docfreq(self) -> None:
        """The version's archive-wide word counts (app.index.weights), from what this build changed."""
        ix = whoosh_index.open_dir(str(self._folder))  # the committed version
        try:
            with ix.reader() as reader:
                if self._docfreq is None:
                    counts = weights.count(reader)
                else:
                    counts = self._docfreq
                    counts.add(weights.doc_stems(reader, self._added_docs).values())
        finally:
            ix.close()
        weights.write(self._folder, counts)

    def cancel(self) -> None:
        """Stop the child and drop everything written (the ingest is failing); safe to call twice."""
        if self._child:
            self._child.kill()
            self._child = None
        if not self._writer.is_closed:
            self._writer.cancel()
        self._ix.close()


def prune(root: Path, keep: Iterable[int]) -> None:
    """Delete index versions not in `keep` (old ones, and abandoned ones from killed ingests)."""
    if not root.is_dir():
        return
    wanted = {version_dir(root, v).name for v in keep}
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("v") and child.name not in wanted:
            shutil.rmtree(child, ignore_errors=True)


class Searchers:
    """A few open searchers per archive version, shared by all the threads of a process.

    A Whoosh searcher must not be used by two threads at once (it reads its files by seeking
    then reading), so a request leases one for its duration. At most `size` are open per
    version however many threads the server runs: each holds open files and read buffers, and
    FastAPI runs sync endpoints on up to 40 threads. Only the newest version asked for keeps
    idle searchers; an older version's are closed once given back.

    Searchers are reopened rather than refresh()ed: in the Whoosh forks refresh after a
    merge can return duplicate documents. Versions are immutable once switched to, so a
    searcher for a version never goes stale.
    """

    def __init__(self, root: Path, size: int = 4):
        self.root = root
        self.size = size
        self._cond = threading.Condition()
        self._idle: dict[int, list[Searcher]] = {}
        self._open: dict[int, int] = {}  # version -> searchers open, idle or leased
        self._newest = 0
        self._solo: dict[int, Searcher] = {}

    @contextmanager
    def lease(self, version: int) -> Iterator[Searcher | None]:
        """A searcher of `version` for the calling thread alone, until the block ends (None: no index)."""
        searcher = self._acquire(version)
        try:
            yield searcher
        finally:
            if searcher is not None:
                self._release(version, searcher)

    def _acquire(self, version: int) -> Searcher | None:
        folder = version_dir(self.root, version)
        if not folder.is_dir():
            return None
        with self._cond:
            if version > self._newest:
                self._newest = version
                self._close_idle(lambda v: v < version)
            while True:
                idle = self._idle.get(version)
                if idle:
                    return idle.pop()
                if self._open.get(version, 0) < self.size:
                    self._open[version] = self._open.get(version, 0) + 1
                    break
                self._cond.wait()
        try:  # opened outside the lock: it reads files
            return open_for_search(folder).searcher()
        except BaseException:
            with self._cond:
                self._open[version] -= 1
                self._cond.notify()
            raise

    def _release(self, version: int, searcher: Searcher) -> None:
        with self._cond:
            if version < self._newest:
                self._open[version] -= 1
                if not self._open[version]:
                    del self._open[version]
                searcher.close()
            else:
                self._idle.setdefault(version, []).append(searcher)
            self._cond.notify()

    def _close_idle(self, which) -> None:
        """Close the idle searchers of the versions `which` selects (the lock is held)."""
        for v in [v for v in self._idle if which(v)]:
            for searcher in self._idle.pop(v):
                searcher.close()
                self._open[v] -= 1
            if not self._open[v]:
                del self._open[v]

    def get(self, version: int) -> Searcher | None:
        """A searcher of `version` for single-threaded callers (scripts, benchmarks); the web leases."""
        if version not in self._solo:
            folder = version_dir(self.root, version)
            if not folder.is_dir():
                return None
            for old in list(self._solo):
                self._solo.pop(old).close()
            self._solo[version] = open_for_search(folder).searcher()
        return self._solo[version]

    def open_count(self) -> int:
        """How many searchers are open (leased or idle), single-threaded ones aside."""
        with self._cond:
            return sum(self._open.values())

    def close(self) -> None:
        """Close every idle searcher; leased ones are closed when given back."""
        with self._cond:
            self._newest = max(self._newest, max(self._open, default=0)) + 1
            self._close_idle(lambda v: True)
        for old in list(self._solo):
            self._solo.pop(old).close()
