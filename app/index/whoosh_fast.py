"""Every use of Whoosh's private internals, behind one version guard.

The archive's speed rests on a few shortcuts through Whoosh's private attributes (decoding
posting blocks and columns directly, spilling postings through a custom pool, committing a
segment written by another process). Private attributes change without notice, and a wrong
guess can return wrong results rather than slower ones. So:

- the shortcuts live here and nowhere else (a test reads every other module's source and
  fails on an underscore attribute of a Whoosh object);
- they run only when the installed whoosh3 is exactly the version they were written for
  (WRITTEN_FOR) and POLICY_ARCHIVE_WHOOSH_FAST is not "0"; otherwise callers take the
  public-API path, slower and correct, and one warning says why;
- each shortcut is wrapped in `@fast`, which counts its calls and refuses to run when the
  shortcuts are off, so a test run with POLICY_ARCHIVE_WHOOSH_FAST=0 proves the public
  path alone answers every request.

Callers ask `enabled()` and then call either a shortcut from here or the public API.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import marshal
import os
from collections import Counter
from heapq import merge

from whoosh.writing import PostingPool, SegmentWriter

log = logging.getLogger("policy_archive")

WRITTEN_FOR = "3.54.0"  # the whoosh3 release these shortcuts were written against and tested with
ENV = "POLICY_ARCHIVE_WHOOSH_FAST"

# Calls of each shortcut in this process (tests read it; a child process keeps its own).
CALLS: Counter[str] = Counter()


def installed_version() -> str | None:
    try:
        return importlib.metadata.version("whoosh3")
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def _decide() -> bool:
    """Whether the shortcuts may run, decided once per process (warning once if not)."""
    if os.environ.get(ENV, "1").strip() == "0":
        return False
    version = installed_version()
    if version != WRITTEN_FOR:
        log.warning(
            "whoosh3 %s is installed, the index shortcuts were written for %s: using Whoosh's "
            "public API (correct, slower). Install whoosh3==%s for full speed.",
            version, WRITTEN_FOR, WRITTEN_FOR,
        )
        return False
    return True


def enabled() -> bool:
    """True when the shortcuts below may be used in this process."""
    return _decide()


def reset() -> None:
    """Decide again (tests change the environment variable), and forget the call counts."""
    _decide.cache_clear()
    CALLS.clear()


def fast(fn):
    """Mark a shortcut: counted when called, and an error if the shortcuts are off."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not enabled():
            raise RuntimeError(f"whoosh_fast.{fn.__name__} called while the Whoosh shortcuts are off")
        CALLS[fn.__name__] += 1
        return fn(*args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------
# Write side (index building, the index child process).
# ---------------------------------------------------------------------------------------

# Postings per marshal record in a run file written by _RunPool.
_RUN_CHUNK = 4096


class _RunPool(PostingPool):
    """Whoosh's posting pool, with its runs on disk written and read back in large chunks.

    Once a segment's postings outgrow the writer's limitmb, Whoosh pickles every posting to a
    run file one call at a time, then unpickles them all for the final merge, the postings
    still in memory included: much of the time of a large segment. Here a run is a few
    marshal records of _RUN_CHUNK postings, and the postings still in memory are merged from
    memory. The postings come out in the same order (each is unique), so the segment is the same.
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

    def _read_run(self, path: str):
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

    def items(self, maxfiles: int = 128):
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
    seek and a read in the lengths column each time, a large share of writing them. Here each
    field's lengths are read in one pass, then looked up in a list.
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


@fast
def segment_writer(ix, *, limitmb: int, lock: bool = True) -> SegmentWriter:
    """A writer of one new uncompounded segment (as `ix.writer(compound=False)`), spilling
    postings through _RunPool and reading field lengths through _LengthsOnce.

    lock=False: the writer of a child process, whose parent holds the index's write lock.
    """
    writer = _SegmentWriter(ix, _lk=lock, limitmb=limitmb, compound=False)
    writer.pool = _RunPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


@fast
def finish_segment(writer):
    """Write the segment of a writer without a table of contents (`writer.commit()` writes one;
    a child's segment is committed by its parent), and return it (a picklable whoosh Segment)."""
    return writer._finalize_segment()


@fast
def commit_after(writer, first_segment) -> None:
    """Commit `writer` with the segment `first_segment()` returns placed before its own.

    The steps of SegmentWriter.commit() (the default merge policy, the TOC, the cleanup),
    with one more segment put in. `first_segment` is called once this writer's own segment is
    written, so another process can write its segment meanwhile.
    """
    try:
        segments = writer._merge_segments(None, None, None)
        own = writer._finalize_segment() if writer._added else writer._close_segment()
        segments.append(first_segment())
        if own is not None:
            segments.append(own)
        writer._commit_toc(segments)
    except Exception:
        writer._cleanup_on_error()
        raise
    writer._finish()


# ---------------------------------------------------------------------------------------
# Read side (postings, columns, per-document readers used by search).
# ---------------------------------------------------------------------------------------
#
# Search reads posting lists and columns of every sentence far more often than Whoosh's
# readers were built for: per posting and per document they cost several Python calls.
# These read the same bytes in bulk. Each returns exactly what the public API gives (the
# conformance tests in tests/search/test_whoosh_paths.py compare the two).

import re  # noqa: E402 - the read side's own imports, kept with the code that needs them
import struct  # noqa: E402
import zlib  # noqa: E402
from itertools import accumulate  # noqa: E402
from pickle import loads  # noqa: E402

from whoosh import columns as _wcolumns  # noqa: E402
from whoosh.codec.whoosh3 import LENGTHS_COLUMN as _LENGTHS_COLUMN  # noqa: E402
from whoosh.filedb.filestore import FileStorage as _FileStorage  # noqa: E402
from whoosh.filedb.structfile import StructFile as _StructFile  # noqa: E402


class _PreadFile(_StructFile):
    """A segment file whose random reads (`get` and the `get_*` built on it) are one pread each.

    Whoosh's StructFile.get seeks its buffered file and reads: two system calls and an 8 KB
    buffer fill for the few bytes of a hash slot, a term's info or a posting block's head, some
    two hundred times a quote. pread reads exactly those bytes and leaves the file's position
    alone; every sequential read in Whoosh seeks first, so it is unaffected.
    """

    def get(self, position: int, length: int) -> bytes:
        return os.pread(self._fd, length, position)


class _PreadStorage(_FileStorage):
    def open_file(self, name, **kwargs):
        f = _PreadFile(open(self._fpath(name), "rb"), name=name, **kwargs)
        f._fd = f.file.fileno()
        return f


@fast
def open_dir(folder: str):
    """The index in `folder`, opened read-only with its random reads done by pread."""
    return _PreadStorage(folder, readonly=True).open_index()


# whoosh3 stores a block of up to 128 postings as one zlib-compressed pickle of (ids, weights,
# positions); unpickling the positions (a small pickle per posting) is most of the cost of
# Matcher.all_ids(), and search never needs them. So only the head of each block is inflated
# and unpickled. Any block that does not look as expected is read whole, the ordinary way.
_IDS_HEAD = re.compile(rb"\x80\x02(?:\((?:K.|M..|J....)*t|(?:K.|M..|J....){1,3}[\x85\x86\x87])", re.DOTALL)
# Weights are None (all 1.0), one float (all equal) or a tuple. A tuple of two or three floats
# starts like one float, so the single float is tried last: tried first, it would read such a
# block's weights as its first weight repeated.
_WEIGHTS_HEAD = re.compile(rb"(?:q.|r....)?(N|\((?:G.{8})*t|(?:G.{8}){1,3}[\x85\x86\x87]|G.{8})", re.DOTALL)
_BLOCK_ATTRS = ("_postfile", "_dataoffset", "_nextoffset", "_lastblock", "_goto")


def _block_head(m, weights: bool) -> tuple[list[int], object]:
    """The doc ids (and weights: None, one float or one per posting) of a W3LeafMatcher's current block."""
    raw = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    n = m._blocklength
    if m._compression:
        need = 8 + 5 * n + (16 + 9 * n if weights else 0)
        head = zlib.decompressobj().decompress(raw, need)
    else:
        head = raw
    found = _IDS_HEAD.match(head)
    ids = list(accumulate(loads(found.group() + b"."))) if found else []
    w, ok = None, bool(ids) and len(ids) == n and ids[-1] == m._maxid
    if ok and weights:
        wm = _WEIGHTS_HEAD.match(head, found.end())
        w = loads(b"\x80\x02" + wm.group(1) + b".") if wm else None
        ok = wm is not None and (not isinstance(w, tuple) or len(w) == n)
    if not ok:
        data = loads(zlib.decompress(raw) if m._compression else raw)  # the slow, sure way
        ids, w = list(accumulate(data[0])), data[1]
    return ids, w


@fast
def leaf_postings(leaf, fieldname: str, word: str, weights: bool) -> tuple[list[int], list[float] | None]:
    """Doc ids (and weights) of a term in one segment, deleted documents INCLUDED, block by block.

    Raises TermNotFound like leaf.postings() for a term the segment lacks."""
    terms = getattr(leaf, "_terms", None)
    m = None
    if terms is not None and hasattr(leaf, "_text_to_bytes"):
        m = terms.matcher(fieldname, leaf._text_to_bytes(fieldname, word), leaf.schema[fieldname].format)
    if m is None or not all(hasattr(m, a) for a in _BLOCK_ATTRS):
        m = m or leaf.postings(fieldname, word)
        ids, ws = [], []
        while m.is_active():
            ids.append(m.id())
            if weights:
                ws.append(m.weight())
            m.next()
        return ids, ws if weights else None
    ids, ws = [], []
    while True:
        block, w = _block_head(m, weights)
        ids.extend(block)
        if weights:
            if w is None:
                ws.extend([1.0] * len(block))
            elif isinstance(w, float):
                ws.extend([w] * len(block))
            else:
                ws.extend(w)
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    return ids, ws if weights else None


def _var_bytes(raw, n: int) -> tuple[bytes, object, object]:
    """A VarBytesColumn reader's whole data, and each document's offset and length in it."""
    offsets, lengths = raw._offsets, raw._lengths
    return raw._dbfile.get(raw._basepos, (offsets[-1] + lengths[-1]) if n else 0), offsets, lengths


def _column_values(raw, n: int) -> list:
    """Every value of an untranslated column reader, as raw[d] gives it for d in range(n)."""
    if type(raw) is _wcolumns.VarBytesColumn.Reader:
        data, offsets, lengths = _var_bytes(raw, n)
        return [data[o:o + k] for o, k in zip(offsets, lengths)]
    if type(raw) is _wcolumns.NumericColumn.Reader:
        size = raw._fixedlen
        data = raw._dbfile.get(raw._basepos, raw._count * size)
        values = [v for (v,) in struct.iter_unpack("!" + raw._typecode, data)]
        return values + [raw._unpack(raw._defaultbytes)[0]] * (n - len(values))
    return [raw[d] for d in range(n)]


@fast
def column_values(raw, n: int) -> list:
    """Every value of an untranslated column reader in one read: what [raw[d] for d in range(n)] gives."""
    return _column_values(raw, n)


@fast
def field_length_bytes(leaf, fieldname: str) -> list | None:
    """Each document's encoded length byte of a field in one segment (None: not readable this way).

    byte_to_length(b) of each (0 for 0) is what leaf.doc_field_length(d, fieldname, 0) gives."""
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is None:
        return None
    try:
        raw = perdoc._cached_reader(f"_{fieldname}_len", _LENGTHS_COLUMN)
    except Exception:  # noqa: BLE001 - an unusual reader: the caller asks per document
        return None
    if raw is None:
        return None
    return _column_values(raw, leaf.doc_count_all())


@fast
def var_bytes_column(raw, n: int) -> tuple[bytes, list[int]] | None:
    """A VarBytesColumn reader's data and each document's length, when the values are stored back
    to back (None otherwise)."""
    data, offsets, lengths = _var_bytes(raw, n)
    if any(o != p for o, p in zip(offsets, accumulate(lengths, initial=0))):
        return None
    return data, list(lengths)
