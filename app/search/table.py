"""One index version's sentence metadata, in memory: kinds, documents, dates, positions, lengths.

Columns are read in bulk through app.index.whoosh_fast when its shortcuts are on, and value by
value through Whoosh's public column readers otherwise: the same values either way.
"""

from __future__ import annotations

import threading
import weakref
from array import array
from collections import OrderedDict
from itertools import accumulate

import numpy as np
from whoosh import columns as wcolumns
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from app.index import weights, whoosh_fast
from app.search.scripts import scripts_in


def _column_reader(leaf, name: str):
    """The untranslated reader of a column of one segment (None: the segment has no such column)."""
    try:
        return leaf.column_reader(name, translate=False) if leaf.has_column(name) else None
    except Exception:  # noqa: BLE001 - an unusual reader: the caller reads stored fields instead
        return None


def _raw_column(leaf, name: str) -> list | None:
    """Every value of a column of one segment, untranslated (None: the segment has no such column)."""
    raw = _column_reader(leaf, name)
    if raw is None:
        return None
    n = leaf.doc_count_all()
    if whoosh_fast.enabled():
        return whoosh_fast.column_values(raw, n)
    return [raw[d] for d in range(n)]


def _bytes_column(leaf, name: str) -> tuple[bytes, list[int]] | None:
    """A bytes column of one segment as its values joined and each one's length (None: not one)."""
    raw = _column_reader(leaf, name)
    if type(raw) is not wcolumns.VarBytesColumn.Reader:
        return None
    n = leaf.doc_count_all()
    if whoosh_fast.enabled():
        return whoosh_fast.var_bytes_column(raw, n)
    values = [raw[d] for d in range(n)]
    return b"".join(values), [len(v) for v in values]


class Blob:
    """A bytes column of every sentence of an index version, as one bytes object in memory.

    A quote checks hundreds of candidates' normalised text; through Whoosh's column reader
    each costs a seek, a read and several Python calls, here one slice.
    """

    def __init__(self, data: bytes, bounds: array):
        self.data, self.bounds = data, bounds  # sentence d is data[bounds[d]:bounds[d + 1]]

    @classmethod
    def read(cls, reader, name: str) -> Blob | None:
        """The column `name` of every segment (None when a segment lacks it or is unusual)."""
        parts: list[bytes] = []
        bounds = array("I", [0])
        for leaf, _ in reader.leaf_readers():
            got = _bytes_column(leaf, name)
            if got is None:
                return None
            data, lengths = got
            base = bounds[-1]
            if base + len(data) >= 2**32:
                return None  # too large for the offsets
            bounds.extend(base + end for end in accumulate(lengths))
            parts.append(data)
        return cls(b"".join(parts), bounds)

    def __getitem__(self, docnum: int) -> bytes:  # as Whoosh's column reader gives it
        return self.data[self.bounds[docnum]:self.bounds[docnum + 1]]


def _field_values(reader, name: str) -> list:
    """Each sentence's value of a sortable field, as the field's column reader translates it."""
    out: list = []
    field = reader.schema[name]
    for leaf, _ in reader.leaf_readers():
        raw = _raw_column(leaf, name)
        if raw is None:  # an index without this column: stored fields, slower
            out.extend(leaf.stored_fields(d).get(name) for d in range(leaf.doc_count_all()))
            continue
        translated = {v: field.from_column_value(v) for v in set(raw)}
        out.extend(translated[v] for v in raw)
    return out


def _field_lengths(reader, fieldname: str) -> list[int]:
    """Indexed length of each sentence's field, as reader.doc_field_length() gives it (0: none)."""
    out: list[int] = []
    for leaf, _ in reader.leaf_readers():
        raw = whoosh_fast.field_length_bytes(leaf, fieldname) if whoosh_fast.enabled() else None
        if raw is None:
            out.extend(leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(leaf.doc_count_all()))
        else:
            lengths = {b: byte_to_length(b) if b else 0 for b in set(raw)}
            out.extend(lengths[b] for b in raw)
    return out


def _term_dfs(reader, fieldname: str) -> dict[str, int]:
    """Document frequency of each term of a field, summed over the segments (as doc_frequency gives it)."""
    out: dict[str, int] = {}
    if fieldname not in reader.schema:
        return out
    for leaf, _ in reader.leaf_readers():
        for term, info in leaf.iter_field(fieldname):
            word = term.decode("utf-8")
            out[word] = out.get(word, 0) + info.doc_frequency()
    return out


def _encode(values: list) -> tuple[array, list]:
    """Values as small integer codes and the list of distinct values."""
    names: dict = {}
    codes = array("i", [names.setdefault(v, len(names)) for v in values])
    return codes, list(names)


class Table:
    """One index version's kind, document, date, position and text length of every sentence.

    Versions never change, so this is read once per process and shared by all threads and
    searchers: ordering and faceting thousands of hits become list look-ups instead of a
    column read (several Python calls) per hit. A few dozen bytes a sentence, and its normalised text.
    """

    def __init__(self, reader, folder: str | None = None):
        self.kind, self.kinds = _encode(_field_values(reader, "kind"))
        self.doc, self.docs = _encode(_field_values(reader, "doc"))
        self.date, self.dates = _encode(_field_values(reader, "date"))
        self.position = array("q", [p or 0 for p in _field_values(reader, "position")])
        self.text_length = array("q", _field_lengths(reader, "text"))
        self.titles: dict[str, str] = {}
        self.all_titles = False
        # Every word's document frequency in the two fields quotes are looked up in: a quote
        # asks for twenty or so, and each one missing here is a term look-up on disk per segment.
        self.term_dfs = {name: _term_dfs(reader, name) for name in ("plain", "text")}
        self.scripts = scripts_in(self.term_dfs["plain"])  # the writing systems the archive holds text in
        # Each stem's archive-wide share of weight (app.index.weights); an index written without
        # the counts weighs every word fully, as before.
        counts = weights.read(folder) if folder else None
        self.spread: dict[str, float] = counts.spread() if counts is not None else {}
        self.documents = counts.documents if counts is not None else 0
        self.key = self._order_keys()
        self.norm = Blob.read(reader, "norm")
        # The same columns as numpy arrays (views, no copy), for ordering, counting and scoring
        # thousands of hits at once; None where the keys outgrew 64 bits (then sorted in Python).
        self.np_kind = np.frombuffer(self.kind, dtype=np.int32)
        self.np_doc = np.frombuffer(self.doc, dtype=np.int32)
        self.np_length = np.frombuffer(self.text_length, dtype=np.int64)
        self.np_key = np.frombuffer(self.key, dtype=np.int64) if isinstance(self.key, array) else None

    def _order_keys(self) -> list[int]:
        """One integer per sentence, ascending in result order: official texts first, then earliest
        first (undated last), then document and reading order (see context.order). The source of
        a wording is published before those who repeat it, so it comes first."""
        date_rank = {d: i for i, d in enumerate(sorted({d or "" for d in self.dates}, key=lambda d: (not d, d)))}
        doc_rank = {s: i for i, s in enumerate(sorted({s or "" for s in self.docs}))}
        low = min(self.position, default=0)
        span = max(self.position, default=0) - low + 1
        kind = [0 if k == "official" else 1 for k in self.kinds]
        dates = [date_rank[d or ""] for d in self.dates]
        docs = [doc_rank[s or ""] for s in self.docs]
        nd, ns = len(date_rank), len(doc_rank)
        keys = [((kind[k] * nd + dates[t]) * ns + docs[s]) * span + p - low
                for k, t, s, p in zip(self.kind, self.date, self.doc, self.position)]
        return array("q", keys) if 2 * nd * ns * span < 2**62 else keys

    def kind_of(self, docnum: int) -> str:
        return self.kinds[self.kind[docnum]]

    def doc_of(self, docnum: int) -> str:
        return self.docs[self.doc[docnum]]

    def date_of(self, docnum: int) -> str:
        return self.dates[self.date[docnum]]


TABLES: OrderedDict = OrderedDict()  # index key -> Table, the few versions in use
_TABLES_KEPT = 3
_TABLES_LOCK = threading.Lock()


def table(searcher: Searcher, key: tuple) -> Table:
    """The metadata table of this searcher's index version, read on first use."""
    with _TABLES_LOCK:  # held while reading, so concurrent first searches read it once
        found = TABLES.get(key)
        if found is None:
            found = TABLES[key] = Table(searcher.reader(), key[0] if isinstance(key[0], str) else None)
            while len(TABLES) > _TABLES_KEPT:
                TABLES.popitem(last=False)
        TABLES.move_to_end(key)
        return found


# Each searcher's readers of bytes columns: a reader holds the searcher's own file handles, so
# it is used only by the thread that leased the searcher; forgotten with the searcher.
_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_COLUMNS_LOCK = threading.Lock()


def column(searcher: Searcher, name: str):
    """The searcher's reader of a bytes column (`norm`, `stems`), or None for an index without it.

    Kept per searcher, since opening it reads two arrays of one entry per sentence.
    """
    with _COLUMNS_LOCK:
        kept = _COLUMNS.setdefault(searcher, {})
    if name not in kept:
        reader = searcher.reader()
        try:
            kept[name] = reader.column_reader(name, translate=False) if reader.has_column(name) else None
        except Exception:  # noqa: BLE001 - an unusual reader: fall back to the stored text
            kept[name] = None
    return kept[name]
