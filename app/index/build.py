"""The Whoosh index: one folder per archive version, built by ingest, opened read-only by the web."""

from __future__ import annotations

import marshal
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from heapq import merge
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.searching import Searcher
from whoosh.writing import PostingPool, SegmentWriter

from app.ingest import parallel
from app.text.normalize import normalize
from app.text.stems import stem_line

SCHEMA_VERSION = "4"  # bump when the schema changes: ingest then rebuilds instead of updating


def make_schema() -> Schema:
    """Sentence-level schema; both text fields keep positions because phrase queries need them."""
    return Schema(
        id=ID(stored=True, unique=True),
        # doc, kind and date are sortable (columns): search facets and orders read them per hit.
        doc=ID(stored=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        unit=ID(stored=True),
        date=ID(stored=True, sortable=True),
        publisher=ID(stored=True),
        themes=KEYWORD(stored=True, commas=True, scorable=False),
        # Only the exact value is indexed (shift_step=0): Whoosh's default also indexes seven
        # coarser terms per sentence to speed up wide ranges, a fifth of all postings written,
        # and positions within a document are few enough for a plain term range.
        position=NUMERIC(stored=True, sortable=True, shift_step=0),
        # Stemmed and stop-worded: relevance ranking and "regulations" finding "regulation".
        text=TEXT(analyzer=StemmingAnalyzer(), phrase=True, stored=True),
        # Every word, unstemmed, 1-letter words kept: candidates for exact and near quotes.
        plain=TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=1), phrase=True),
        # The same normalised text as a column: search checks candidates against it, and a
        # column value is one slice of a mapped file where stored fields are a decompressed pickle.
        norm=COLUMN(VarBytesColumn()),
        # Its words' stems (stop words out), as `text` indexes them: "related" results count the
        # quote's stems in a few dozen candidates, and stemming each candidate again was half of it.
        stems=COLUMN(VarBytesColumn()),
        schema_version=STORED(),
    )


def version_dir(root: Path, version: int) -> Path:
    """The folder of one archive version's index."""
    return root / f"v{version:06d}"


def passage_fields(p, doc, theme_slugs: Iterable[str]) -> dict:
    """The indexed form of one passage, less what `completed` derives from its text."""
    return {
        "id": p.id,
        "doc": doc.slug,
        "kind": doc.kind,
        "unit": p.kind,
        "date": doc.date or "",
        "publisher": doc.publisher or "",
        "themes": ",".join(sorted(theme_slugs)),
        "position": p.position,
        "text": p.text,
        "schema_version": SCHEMA_VERSION,
    }


def completed(fields: dict) -> dict:
    """A record with its normalised text added, computed by the process that indexes it
    (records sent to the child process travel without it: half the bytes to queue)."""
    plain = normalize(fields["text"])
    return {**fields, "plain": plain, "norm": plain.encode("utf-8"), "stems": stem_line(plain).encode("utf-8")}


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
# child's, which indexes most of it, and this process's own, beside the ingest's session
# (at 10,000 documents the ingest process peaked at 623 MB with 160, 525 MB with 64; no slower).
LIMIT_MB = 64
CHILD_LIMIT_MB = 160
_RUN_CHUNK = 4096  # postings per marshal record in a run file


class _RunPool(PostingPool):
    """Whoosh's posting pool, with its runs on disk written and read back in large chunks.

    Once a segment's postings outgrow LIMIT_MB, Whoosh pickles every posting to a run file
    one call at a time, then unpickles them all for the final merge, the postings still in
    memory included: a quarter of the time of a large segment. Here a run is a few marshal
    records of _RUN_CHUNK postings, and the postings still in memory are merged from memory.
    The postings come out in the same order (each is unique), so the segment is the same.
    """

    def _write_run(self, f, items) -> None:
        chunk: list = []
        for item in items:
            chunk.append(item)
            if len(chunk) == _RUN_CHUNK:
                f.write(marshal.dumps(chunk))
                chunk = []
        if chunk:
            f.write(marshal.dumps(chunk))
        f.close()

    def _read_run(self, path: str) -> Iterator:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)

    def items(self, maxfiles: int = 128) -> Iterable:
        if not self.runs:
            return sorted(self.current)
        if len(self.runs) >= maxfiles:  # keep open files bounded, as Whoosh does
            self.reduce_to(maxfiles - 1, maxfiles - 1)
        current, self.current = sorted(self.current), []
        runs, self.runs = self.runs, []
        return merge(current, *[self._read_run(path) for path in runs])


class _LengthsOnce:
    """A new segment's per-document reader whose field lengths are read once per field.

    Writing a segment's postings, Whoosh asks each posting's document for its field length, a
    seek and a read in the lengths column each time: 2.7 million for 100,000 sentences, a sixth
    of writing them. Here each field's lengths are read in one pass, then looked up in a list.
    """

    def __init__(self, reader):
        self._reader = reader

    def __getattr__(self, name: str):
        return getattr(self._reader, name)

    def doc_field_length_reader(self, fieldname: str, default=0):
        get = self._reader.doc_field_length_reader(fieldname, default)
        return [get(d) for d in range(self._reader.doc_count_all())].__getitem__


class _SegmentWriter(SegmentWriter):
    def per_document_reader(self):
        return _LengthsOnce(super().per_document_reader())


def segment_writer(ix, *, lock: bool = True, limitmb: int = LIMIT_MB) -> SegmentWriter:
    """A writer of one new uncompounded segment, spilling postings through _RunPool.

    compound=False: a compound segment is copied into each searcher's private memory (about
    475 MB per searcher at 10,000 documents); separate files are mapped and shared instead.
    """
    writer = _SegmentWriter(ix, _lk=lock, limitmb=limitmb, compound=False)
    writer.pool = _RunPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


class Build:
    """One index version being written, in two parts.

    Records given to `ahead` go to a child process, which indexes them while the ingest goes
    on enriching other documents; records given to `rest` are indexed by this process. Whoosh's
    analysis and posting writing are pure Python, so that keeps a second core busy throughout.
    The child writes a segment of its own placed first, so every document gets the number a
    single writer fed the `ahead` records, then the `rest`, would give it. A small build is
    written by this process alone, in that same order.

    Not whoosh's procs=N writer: it deals documents to processes in whatever order they ask,
    so document numbers would differ from run to run; and it forks this large process.
    """

    def __init__(self, folder: Path, remove_docs: Iterable[str], expected: int):
        self._ix = whoosh_index.open_dir(str(folder))
        self._writer = segment_writer(self._ix)
        self._folder = folder
        self.parallel = expected >= parallel.INDEX_MIN_PASSAGES and parallel.cores() > 1
        self._child: parallel.SegmentChild | None = None
        self.added = 0
        try:
            for slug in remove_docs:
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
                self._child = parallel.SegmentChild(self._folder, limitmb=CHILD_LIMIT_MB)
            self._child.add(fields)
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
            self.added += 1
            if progress:
                progress(1)

    def commit(self) -> None:
        """Write this process's segment, wait for the child's, and commit both as one new version."""
        try:
            if self._child:
                parallel.commit_with(self._writer, self._child)
            else:
                self._writer.commit()
        except BaseException:
            self.cancel()
            raise
        self._child = None
        self._ix.close()

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
            return whoosh_index.open_dir(str(folder)).searcher()
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
            self._solo[version] = whoosh_index.open_dir(str(folder)).searcher()
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
