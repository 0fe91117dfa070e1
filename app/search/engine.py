"""Search: a quote graded exact / near / related, plain words with stemming, or Whoosh syntax.

Grades mean the same thing in every query, because they come from one similarity:

* ``score`` is a 0–1 similarity between the quote and the words it matched in a sentence:
  the best word-aligned window of the sentence compared character by character (rapidfuzz
  ``ratio`` on normalised text). It is 1.0 only when the quote occurs verbatim.
* ``exact``: the normalised quote occurs verbatim (word for word, punctuation and case aside)
  in a sentence, or across consecutive sentences of one document (the result then has a
  ``span``). Confirmed against the stored text, never taken from the index's word for it.
* ``near``: not verbatim, but ``score >= NEAR_MIN`` (a missing, extra or changed word, a typo,
  a spelling variant).
* ``related``: below ``NEAR_MIN`` but relevant: the sentence holds at least ``RELATED_MIN`` of
  the quote's distinct content words (stemmed, stop words aside). Ranked by BM25, given as ``bm25``.

Search lists all three grades, exact first. A short query (at most ``WORDS_QUERY_MAX`` words) is
also searched as words: sentences holding every one of them, stemmed ("regulations" finds
"regulation"). The quote check looks for related sources only when nothing is exact or near.

Speed: Whoosh's phrase and intersection matchers are slow in Python whenever a common word takes
part, so candidates come from the posting lists of the quote's rarest words (intersected as
sets, cached across requests) and the stored text decides; Whoosh is not asked to match
phrases in quote mode. Thresholds and budgets are the constants below.
"""

from __future__ import annotations

import difflib
import math
import re
import struct
import threading
import unicodedata
import zlib
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pickle import loads

import numpy as np
from markupsafe import Markup, escape
from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh import columns as wcolumns
from whoosh import query as wq
from whoosh.qparser import QueryParser
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from app.store import reads as queries

from app.web import urls
from app.store.models import Document, Passage
from app.lru import SizedLRU
from app.text.normalize import normalize
from app.text.stems import word_stem as _word_stem
from app.text.segment import split_sentences

# --- thresholds and limits (documented in the API description too) ---------------------------
NEAR_MIN = 0.85  # similarity from which a non-verbatim match is "near"
RELATED_MIN = 0.4  # share of the quote's content words (stemmed, stop words aside) a "related" sentence must hold
WORDS_QUERY_MAX = 4  # up to this many words, a query is also searched as words (stemmed, BM25)
NEAR_POOL = 50  # candidates for "near": sentences holding all but one of the quote's rarest words
NEAR_TERMS = 4  # rarest words of the quote used to gather near and related candidates
NEAR_POSTINGS_BUDGET = 3_000  # postings read to gather them (when the rarest is commoner: two must co-occur)
RELATED_POSTINGS_BUDGET = 3_000
WORDS_POSTINGS_BUDGET = 30_000  # a words query reads at most this many postings for its related results
RELATED_TERMS = 8  # rarest stems of a long quote whose posting lists gather related candidates
RELATED_SCAN = 50  # candidates whose content words are counted for "related"
RELATED_POOL = 50  # "related" results at most, best BM25 first
EXACT_DIRECT = 64  # a quote's rarest word in at most this many sentences: check each of them
INTERSECT_BUDGET = 50_000  # postings read to narrow exact candidates by the next rarest words
VERIFY_MAX = 2_000  # exact candidates checked against their text at most (boilerplate of common words)
BM25_K1, BM25_B = 1.2, 0.75
POSTINGS_CACHE = 6_000_000  # posting list entries kept in memory across requests (~24 MB)
ALL_TITLES_MAX = 50_000  # up to this many documents, an index version's titles are read in one query
MAX_OFFSET = 10_000  # paging stops here
MAX_HITS = MAX_OFFSET + 100  # exact hits ranked and listed at most (more are counted, not listed)
NUMPY_MIN = 64  # hits from which ordering goes through numpy (below, plain Python is quicker)
ADVANCED_POOL = 1_000  # advanced mode: hits ranked by grade, then BM25
SNIPPET_CHARS = 360  # longer sentences are cut around the first match
GRADES = ("exact", "near", "related")
ADVANCED_FIELDS = ("text", "plain", "kind", "doc", "themes", "date", "unit", "publisher", "id", "position")
RANGE_FIELDS = ("date", "position", "id", "doc")
MIN_WILDCARD_PREFIX = 2
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")

_APOSTROPHES = "'‘’‛′`´ʼ"


class SearchError(ValueError):
    """A query that cannot be run; the message is shown to the user as is (HTTP 400)."""


@dataclass
class Filters:
    kind: str | None = None
    doc: str | None = None
    theme: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def query(self) -> wq.Query | None:
        """The filters as a Whoosh query (None when there are none)."""
        parts: list[wq.Query] = []
        if self.kind:
            parts.append(wq.Term("kind", self.kind))
        if self.doc:
            parts.append(wq.Term("doc", self.doc))
        if self.theme:
            parts.append(wq.Term("themes", self.theme))
        if self.date_from or self.date_to:
            start = self.date_from or "0000"
            end = _pad_date_end(self.date_to) if self.date_to else "9999"
            parts.append(wq.TermRange("date", start, end))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)


def _pad_date_end(d: str) -> str:
    """'2025' and '2025-04' as inclusive ends of a range of 'YYYY-MM-DD' strings."""
    return d + {4: "-12-31", 7: "-31"}.get(len(d), "")


@dataclass
class Result:
    """One search hit, ready for JSON or a template."""

    id: str
    document: str
    title: str | None
    kind: str
    unit: str
    text: str
    snippet: Markup
    match: str
    score: float
    bm25: float | None
    url: str
    permalink: str
    date: str | None
    publisher: str | None
    position: int
    themes: list[str]
    span: list[str] | None = None

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in (
            "id", "document", "title", "kind", "unit", "text", "match", "score", "bm25", "url", "permalink",
            "date", "publisher", "position", "themes")}
        d["snippet"] = str(self.snippet)
        d["span"] = self.span
        return d


@dataclass
class Outcome:
    """A page of results with totals and facets over the whole result set."""

    query: str
    mode: str
    filters: Filters
    offset: int
    limit: int
    total: int = 0
    listed: int = 0  # how many of them paging can reach (the rest are counted only)
    results: list[Result] = field(default_factory=list)
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    kinds: dict[str, int] = field(default_factory=dict)
    documents: list[dict] = field(default_factory=list)
    message: str | None = None

    def facets(self) -> dict:
        return {"match": self.grades, "kind": self.kinds, "document": self.documents}

    def as_dict(self) -> dict:
        return {
            "query": self.query, "mode": self.mode, "total": self.total,
            "offset": self.offset, "limit": self.limit,
            "message": self.message, "results": [r.as_dict() for r in self.results], "facets": self.facets(),
        }


# --- words, stems and where they sit in the original text -------------------------------------


def _analyzer(searcher: Searcher, fieldname: str):
    return searcher.schema[fieldname].analyzer


def plain_words(searcher: Searcher, text: str) -> list[str]:
    """The quote's words exactly as the `plain` field indexes them (normalised, all kept)."""
    return [t.text for t in _analyzer(searcher, "plain")(normalize(text))]


def stems(searcher: Searcher, text: str) -> list[str]:
    """The stemmed content words of a text, as the `text` field indexes them (stop words dropped)."""
    return [t.text for t in _analyzer(searcher, "text")(text)]


@lru_cache(maxsize=4096)
def _char_is_word(c: str) -> bool:
    """Part of a word for normalize(): letters and digits, apostrophes (dropped), combining marks."""
    return c in _APOSTROPHES or unicodedata.category(c).startswith("M") or bool(normalize(c))


_ASCII_WORD = re.compile(r"[A-Za-z0-9'`]+")  # what _char_is_word accepts among ASCII characters


def word_spans(text: str, norm: str | None = None) -> list[tuple[int, int]] | None:
    """Character span in `text` of each word of normalize(text), or None if they do not line up.

    `norm` is normalize(text) when the caller has it already (the index keeps it per sentence)."""
    spans: list[tuple[int, int]] = []
    words: list[str] = []
    if text.isascii():  # most text: one regex pass, and normalize() of a run is its lower case
        for m in _ASCII_WORD.finditer(text):
            word = m.group().replace("'", "").replace("`", "").lower()
            if word:
                spans.append(m.span())
                words.append(word)
        return spans if words == (normalize(text) if norm is None else norm).split() else None
    return _word_spans_by_char(text, norm)


def _word_spans_by_char(text: str, norm: str | None = None) -> list[tuple[int, int]] | None:
    """word_spans() for any text, one character at a time."""
    spans: list[tuple[int, int]] = []
    words: list[str] = []
    start = None
    for i, c in enumerate(text + " "):
        if c.isalnum() or (i < len(text) and _char_is_word(c)):
            if start is None:
                start = i
        elif start is not None:
            for w in normalize(text[start:i]).split():
                spans.append((start, i))
                words.append(w)
            start = None
    return spans if words == (normalize(text) if norm is None else norm).split() else None


def _offsets(words: list[str]) -> list[int]:
    """Start of each word in " ".join(words)."""
    out, pos = [], 0
    for w in words:
        out.append(pos)
        pos += len(w) + 1
    return out


# --- similarity ------------------------------------------------------------------------------


@dataclass
class Alignment:
    score: float  # 0–1
    start: int  # first word of the sentence matched
    end: int  # one past the last word matched
    verbatim: bool


def align(qn: str, sn: str, cutoff: float = 0.0) -> Alignment | None:
    """Best word-aligned window of sentence `sn` for quote `qn` (both normalised).

    rapidfuzz finds the best character window; it is snapped to word boundaries and the
    neighbouring windows (one word more or less at either end) are tried, so a missing or
    extra word is scored fairly. Returns None when the score is below `cutoff`.
    """
    if not qn or not sn:
        return None
    sw = sn.split()
    starts = _offsets(sw)
    ends = [s + len(w) for s, w in zip(starts, sw)]
    padded = f" {sn} "
    pos = padded.find(f" {qn} ")
    if pos >= 0:
        first = sn[:pos].count(" ") if pos else 0
        return Alignment(1.0, first, first + qn.count(" ") + 1, True)
    if len(qn) >= len(sn):
        score = fuzz.ratio(qn, sn) / 100
        return Alignment(min(score, 0.999), 0, len(sw), False) if score >= cutoff else None
    al = fuzz.partial_ratio_alignment(qn, sn, score_cutoff=max(0.0, cutoff * 100 - 12))
    if al is None:
        return None
    ws = _word_at(starts, al.dest_start)
    we = _word_at(starts, max(al.dest_end - 1, al.dest_start))
    best = (-1.0, ws, we + 1)
    for i in (ws - 1, ws, ws + 1):
        for j in (we - 1, we, we + 1):
            if 0 <= i <= j < len(sw):
                r = fuzz.ratio(qn, sn[starts[i]:ends[j]])
                if r > best[0]:
                    best = (r, i, j + 1)
    score = min(best[0] / 100, 0.999)  # 1.0 is reserved for verbatim, found above
    return Alignment(score, best[1], best[2], False) if score >= cutoff else None


def _word_at(starts: list[int], char: int) -> int:
    """Index of the word containing (or just after) character `char`."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def grade_for(score: float, verbatim: bool) -> str:
    if verbatim:
        return "exact"
    return "near" if score >= NEAR_MIN else "related"


# --- candidates ------------------------------------------------------------------------------
#
# Whoosh's phrase and intersection matchers are slow when a common word ("the", "of") takes
# part: every skip into a long posting list decodes blocks in Python. So candidates come from
# the posting lists of the quote's *rarest* words only, and the stored text decides.


@dataclass
class _Cand:
    docnum: int
    grade: str
    score: float | None = None  # similarity; computed lazily for related hits
    bm25: float | None = None
    window: tuple[int, int] | None = None  # matched words (normalised word indices) in the text
    span: list[int] | None = None  # docnums of consecutive sentences, for cross-sentence quotes


def _postings_size(value) -> int:
    """Postings held by a cached list, or by an (ids, weights) pair."""
    return len(value[0]) * 2 if isinstance(value, tuple) else len(value)


# Posting lists shared by all threads reading one index version (which never changes), bounded
# by the number of postings held (4 bytes each).
_POSTINGS = SizedLRU(POSTINGS_CACHE, _postings_size)


def _index_key(searcher: Searcher) -> tuple:
    """Identifies one index version's contents: its folder and segments (with their deletions)."""
    folder = getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None) or id(searcher)
    leaves = []
    try:
        for leaf, offset in searcher.reader().leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            name = segment.segment_id() if segment is not None else id(leaf)
            leaves.append((name, offset, leaf.doc_count()))
    except Exception:  # noqa: BLE001 - an unusual reader: do not share its postings
        return (folder, id(searcher))
    return (folder, tuple(leaves))


# --- reading posting lists fast ------------------------------------------------------------------
#
# whoosh3 stores a block of up to 128 postings as one zlib-compressed pickle of (ids, weights,
# positions); unpickling the positions (a small pickle per posting) is most of the cost of
# Matcher.all_ids(), and search never needs them. So only the head of each block is inflated and
# unpickled. Any block that does not look as expected is read whole, the ordinary way.

_IDS_HEAD = re.compile(rb"\x80\x02(?:\((?:K.|M..|J....)*t|(?:K.|M..|J....){1,3}[\x85\x86\x87])", re.DOTALL)
_WEIGHTS_HEAD = re.compile(rb"(?:q.|r....)?(N|G.{8}|\((?:G.{8})*t|(?:G.{8}){1,3}[\x85\x86\x87])", re.DOTALL)


def _block_head(m, weights: bool) -> tuple[list[int], object]:
    """The doc ids (and weights) of a W3LeafMatcher's current block."""
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


def _leaf_postings(leaf, fieldname: str, word: str, weights: bool) -> tuple[list[int], list[float] | None]:
    """Doc ids (and weights) of a term in one segment, deleted documents included."""
    terms = getattr(leaf, "_terms", None)
    m = None
    if terms is not None and hasattr(leaf, "_text_to_bytes"):
        m = terms.matcher(fieldname, leaf._text_to_bytes(fieldname, word), leaf.schema[fieldname].format)
    if m is None or not all(hasattr(m, a) for a in ("_postfile", "_dataoffset", "_nextoffset", "_lastblock", "_goto")):
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


def read_postings(reader, fieldname: str, word: str, weights: bool = False) -> tuple[array, array | None]:
    """Doc ids of a term's live postings, in order (and their weights): what Matcher.all_ids() gives."""
    ids, ws = array("i"), array("f") if weights else None
    for leaf, base in reader.leaf_readers():
        try:
            got, w = _leaf_postings(leaf, fieldname, word, weights)
        except TermNotFound:
            continue
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else ()
        if deleted:
            keep = [i for i, d in enumerate(got) if d not in deleted]
            got = [got[i] for i in keep]
            w = [w[i] for i in keep] if weights else None
        ids.extend([d + base for d in got] if base else got)
        if weights:
            ws.extend(w)
    return ids, ws


# --- one index version's sentence metadata, in memory ----------------------------------------------


def _raw_column(leaf, name: str, column=None) -> list | None:
    """Every value of a column of one segment, untranslated, read in one go (None: not possible)."""
    try:
        if column is None:
            if not leaf.has_column(name):
                return None
            raw = leaf.column_reader(name, translate=False)
        else:
            raw = leaf._perdoc._cached_reader(name, column)
            if raw is None:
                return None
    except Exception:  # noqa: BLE001 - an unusual reader: the caller reads stored fields instead
        return None
    n = leaf.doc_count_all()
    if type(raw) is wcolumns.VarBytesColumn.Reader:
        data, offsets, lengths = _var_bytes(raw, n)
        return [data[o:o + k] for o, k in zip(offsets, lengths)]
    if type(raw) is wcolumns.NumericColumn.Reader:
        size = raw._fixedlen
        data = raw._dbfile.get(raw._basepos, raw._count * size)
        values = [v for (v,) in struct.iter_unpack("!" + raw._typecode, data)]
        return values + [raw._unpack(raw._defaultbytes)[0]] * (n - len(values))
    return [raw[d] for d in range(n)]


def _var_bytes(raw, n: int) -> tuple[bytes, object, object]:
    """A VarBytesColumn reader's whole data, and each document's offset and length in it."""
    offsets, lengths = raw._offsets, raw._lengths
    return raw._dbfile.get(raw._basepos, (offsets[-1] + lengths[-1]) if n else 0), offsets, lengths


class _Blob:
    """A bytes column of every sentence of an index version, as one bytes object in memory.

    A quote checks hundreds of candidates' normalised text; through Whoosh's column reader
    each costs a seek, a read and several Python calls, here one slice.
    """

    def __init__(self, data: bytes, bounds: array):
        self.data, self.bounds = data, bounds  # sentence d is data[bounds[d]:bounds[d + 1]]

    @classmethod
    def read(cls, reader, name: str) -> _Blob | None:
        """The column `name` of every segment (None when a segment lacks it or is unusual)."""
        parts: list[bytes] = []
        bounds = array("I", [0])
        for leaf, _ in reader.leaf_readers():
            try:
                raw = leaf.column_reader(name, translate=False) if leaf.has_column(name) else None
            except Exception:  # noqa: BLE001 - an unusual reader: the caller reads the column itself
                raw = None
            if type(raw) is not wcolumns.VarBytesColumn.Reader:
                return None
            data, offsets, lengths = _var_bytes(raw, leaf.doc_count_all())
            base = bounds[-1]
            if any(o != p for o, p in zip(offsets, accumulate(lengths, initial=0))) or base + len(data) >= 2**32:
                return None  # values not stored back to back, or too large for the offsets
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


def _encode(values: list) -> tuple[array, list]:
    """Values as small integer codes and the list of distinct values."""
    names: dict = {}
    codes = array("i", [names.setdefault(v, len(names)) for v in values])
    return codes, list(names)


class _Table:
    """One index version's kind, document, date, position and text length of every sentence.

    Versions never change, so this is read once per process and shared by all threads and
    searchers: ordering and faceting thousands of hits become list look-ups instead of a
    column read (several Python calls) per hit. A few MB at 274,000 sentences.
    """

    def __init__(self, reader):
        self.kind, self.kinds = _encode(_field_values(reader, "kind"))
        self.doc, self.docs = _encode(_field_values(reader, "doc"))
        self.date, self.dates = _encode(_field_values(reader, "date"))
        self.position = array("q", [p or 0 for p in _field_values(reader, "position")])
        self.text_length = array("q", self._lengths(reader, "text"))
        self.titles: dict[str, str] = {}
        self.all_titles = False
        # Every word's document frequency in the two fields quotes are looked up in: a quote
        # asks for twenty or so, and each one missing here is a term look-up on disk per segment.
        self.term_dfs = {name: self._term_dfs(reader, name) for name in ("plain", "text")}
        self.key = self._order_keys()
        self.norm = _Blob.read(reader, "norm")  # about 100 bytes a sentence
        # The same columns as numpy arrays (views, no copy), for ordering, counting and scoring
        # thousands of hits at once; None where the keys outgrew 64 bits (then sorted in Python).
        self.np_kind = np.frombuffer(self.kind, dtype=np.int32)
        self.np_doc = np.frombuffer(self.doc, dtype=np.int32)
        self.np_length = np.frombuffer(self.text_length, dtype=np.int64)
        self.np_key = np.frombuffer(self.key, dtype=np.int64) if isinstance(self.key, array) else None

    @staticmethod
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

    def _lengths(self, reader, fieldname: str) -> list[int]:
        """Indexed length of each sentence's field, as reader.doc_field_length() gives it (0: none)."""
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN
        from whoosh.util.numeric import byte_to_length

        out: list[int] = []
        for leaf, _ in reader.leaf_readers():
            raw = _raw_column(leaf, f"_{fieldname}_len", LENGTHS_COLUMN) if hasattr(leaf, "_perdoc") else None
            if raw is None:
                out.extend(leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(leaf.doc_count_all()))
            else:
                lengths = {b: byte_to_length(b) if b else 0 for b in set(raw)}
                out.extend(lengths[b] for b in raw)
        return out

    def _order_keys(self) -> list[int]:
        """One integer per sentence, ascending in result order: official texts first, then newest
        first (undated last), then document and reading order (see _order)."""
        date_rank = {d: i for i, d in enumerate(sorted({d or "" for d in self.dates}, reverse=True))}
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


_TABLES: OrderedDict = OrderedDict()  # index key -> _Table, the few versions in use
_TABLES_KEPT = 3
_TABLES_LOCK = threading.Lock()


def _table(searcher: Searcher, key: tuple) -> _Table:
    """The metadata table of this searcher's index version, read on first use."""
    with _TABLES_LOCK:  # held while reading, so concurrent first searches read it once
        table = _TABLES.get(key)
        if table is None:
            table = _TABLES[key] = _Table(searcher.reader())
            while len(_TABLES) > _TABLES_KEPT:
                _TABLES.popitem(last=False)
        _TABLES.move_to_end(key)
        return table


def _column(searcher: Searcher, name: str):
    """The searcher's reader of a bytes column (`norm`, `stems`), or None for an index without it.

    Kept on the searcher: the reader holds the searcher's own file handles, so it is used only
    by the thread that leased the searcher, and opening it reads two arrays of one entry per sentence.
    """
    kept = searcher.__dict__.setdefault("_policy_archive_columns", {})
    if name not in kept:
        reader = searcher.reader()
        try:
            kept[name] = reader.column_reader(name, translate=False) if reader.has_column(name) else None
        except Exception:  # noqa: BLE001 - an unusual reader: fall back to the stored text
            kept[name] = None
    return kept[name]


class _Ctx:
    """Per-query access to the searcher: stored fields, normalised text and filters, each read once."""

    def __init__(self, searcher: Searcher, filters: Filters | None = None):
        self.s = searcher
        self.reader = searcher.reader()
        self.filters = filters or Filters()
        f = self.filters
        self.filtered = bool(f.kind or f.doc or f.theme or f.date_from or f.date_to)
        self._stored: dict[int, dict] = {}
        self._norm: dict[int, str] = {}
        self._key = _index_key(searcher)
        self.table = _table(searcher, self._key)
        self._theme_docs: set[int] | None = None
        self._postings: dict[tuple[str, str], list[int]] = {}
        self._norms = self.table.norm if self.table.norm is not None else _column(searcher, "norm")
        self._stems = _column(searcher, "stems")

    def stored(self, docnum: int) -> dict:
        if docnum not in self._stored:
            self._stored[docnum] = self.s.stored_fields(docnum)
        return self._stored[docnum]

    def norm(self, docnum: int) -> str:
        text = self._norm.get(docnum)
        if text is None:
            if self._norms is not None:
                text = self._norms[docnum].decode("utf-8")
            else:  # an index written before the column existed
                text = normalize(self.stored(docnum).get("text", ""))
            self._norm[docnum] = text
        return text

    def df(self, fieldname: str, word: str) -> int:
        """Document frequency of a word of the `plain` or `text` field (from the version's table)."""
        return self.table.term_dfs[fieldname].get(word, 0)

    def postings(self, fieldname: str, word: str):
        """Docnums of the sentences holding a term (its posting list)."""
        key = (fieldname, word)
        if key not in self._postings:
            shared = (self._key, fieldname, word)
            ids = _POSTINGS.get(shared)
            if ids is None:
                try:
                    ids = read_postings(self.reader, fieldname, word)[0]
                except Exception:  # noqa: BLE001 - a term the field cannot hold
                    ids = array("i")
                _POSTINGS.put(shared, ids)
            self._postings[key] = ids
        return self._postings[key]

    def weighted_arrays(self, fieldname: str, word: str) -> tuple[array, array]:
        """A term's docnums and term frequencies, as two arrays in docnum order."""
        shared = (self._key, fieldname, word, "weights")
        cached = _POSTINGS.get(shared)
        if cached is None:
            try:
                cached = read_postings(self.reader, fieldname, word, weights=True)
            except Exception:  # noqa: BLE001 - a term the field cannot hold
                cached = (array("i"), array("f"))
            _POSTINGS.put(shared, cached)
        return cached

    def docs(self, q: wq.Query, cap: int | None = None) -> list[int]:
        """Docnums matching `q` (unscored, index order), at most `cap`."""
        out: list[int] = []
        for d in self.s.docs_for_query(q):
            out.append(d)
            if cap is not None and len(out) >= cap:
                break
        return out

    def accepts(self, docnum: int) -> bool:
        """Whether a sentence passes the filters (in-memory look-ups, so cheap per sentence)."""
        if not self.filtered:
            return True
        f, t = self.filters, self.table
        if f.kind and t.kind_of(docnum) != f.kind:
            return False
        if f.doc and t.doc_of(docnum) != f.doc:
            return False
        if f.date_from or f.date_to:
            date = t.date_of(docnum) or ""
            if not date or (f.date_from and date < f.date_from) or (f.date_to and date > _pad_date_end(f.date_to)):
                return False
        if f.theme:
            if self._theme_docs is None:
                self._theme_docs = set(self.postings("themes", f.theme))
            if docnum not in self._theme_docs:
                return False
        return True

    def neighbour(self, docnum: int, step: int) -> int | None:
        """The passage just before (step=-1) or after (+1) in the same document, if indexed."""
        f = self.stored(docnum)
        want = f["position"] + step
        other = docnum + step  # passages are indexed in reading order, so usually the next docnum
        if 0 <= other < self.reader.doc_count_all() and not self.reader.is_deleted(other):
            g = self.stored(other)
            if g.get("doc") == f["doc"] and g.get("position") == want:
                return other
        # The document's live sentences are its posting list on `doc`: cheaper than a Whoosh query.
        position = self.table.position
        return next((d for d in self.postings("doc", f["doc"]) if position[d] == want), None)


def _with_filter(q: wq.Query, fq: wq.Query | None) -> wq.Query:
    return wq.Require(q, fq) if fq is not None else q


def _order(ctx: _Ctx, docnums) -> list[int]:
    """Official texts first, then newest first (undated last), then document and reading order."""
    keys = ctx.table.np_key
    if keys is None or len(docnums) < NUMPY_MIN:
        return sorted(docnums, key=ctx.table.key.__getitem__)  # stable: equal keys keep their order
    docs = np.asarray(docnums, dtype=np.int64)
    return docs[np.argsort(keys[docs], kind="stable")].tolist()


def verbatim_docs(ctx: _Ctx, words: list[str], cap: int | None = None, *,
                  filtered: bool = False, ranked: bool = False) -> tuple[list[int], bool]:
    """Sentences holding `words` verbatim, checked against their stored text.

    Candidates are the sentences holding the rarest word, narrowed by the next rarest
    (posting lists intersected as sets: Whoosh's own intersection and phrase matchers are
    slow wherever a common word takes part). With `filtered`, only sentences passing the
    filters; with `ranked`, in result order. Returns (docnums, complete): at most
    VERIFY_MAX candidates are checked (boilerplate of common words), and `complete` is
    False when some were left unchecked.
    """
    if not words:
        return [], True
    dfs = {w: ctx.df("plain", w) for w in set(words)}
    if min(dfs.values()) == 0:
        return [], True  # a word the archive never uses: the quote cannot be in it
    rare = sorted(dfs, key=lambda w: (dfs[w], w))
    cands = ctx.postings("plain", rare[0])
    if len(words) > 1 and len(cands) > EXACT_DIRECT:
        read = dfs[rare[0]]
        narrowed = set(cands)
        for w in rare[1:]:  # rarest first, until few enough or the budget is spent
            if len(narrowed) <= EXACT_DIRECT or read + dfs[w] > INTERSECT_BUDGET:
                break
            narrowed.intersection_update(ctx.postings("plain", w))
            read += dfs[w]
        cands = sorted(narrowed)
    if filtered and ctx.filtered:
        cands = [d for d in cands if ctx.accepts(d)]
    if len(words) == 1:  # one word: each posting is verbatim
        cands = _order(ctx, cands) if ranked else list(cands)
        return cands[:cap] if cap is not None else cands, True
    complete = len(cands) <= VERIFY_MAX
    if ranked and not complete:
        cands = _order(ctx, cands)  # check the first VERIFY_MAX in result order
    needle = f" {' '.join(words)} "
    out = []
    for d in cands[:VERIFY_MAX]:
        if needle in f" {ctx.norm(d)} ":
            out.append(d)
            if cap is not None and len(out) >= cap:
                break
    if ranked and complete:
        out = _order(ctx, out)
    return out, complete


def _exact_hits(ctx: _Ctx, qwords: list[str]) -> tuple[list[int], int, bool]:
    """Sentences holding the quote verbatim (filtered, ranked); how many; whether all were checked."""
    docs, complete = verbatim_docs(ctx, qwords, filtered=True, ranked=True)
    return docs[:MAX_HITS], len(docs), complete


class _Ranked:
    """A quote search's candidates in result order: first the verbatim hits as bare docnums
    (a common word has thousands, and only one page of them is ever shown), then spans, near
    and related candidates (a few dozen). Slicing makes _Cand objects for the slice only."""

    def __init__(self, exact: list[int], rest: list[_Cand]):
        self.exact, self.rest = exact, rest

    def __len__(self) -> int:
        return len(self.exact) + len(self.rest)

    def __getitem__(self, s: slice) -> list[_Cand]:
        start, stop, _ = s.indices(len(self))
        n = len(self.exact)
        page = [_Cand(d, "exact", 1.0) for d in self.exact[start:stop]]
        return page + self.rest[max(start - n, 0):max(stop - n, 0)]

    def first_docnums(self) -> list[int]:
        """The sentence each candidate is listed under (a span's first), in result order."""
        return self.exact + [(c.span or [c.docnum])[0] for c in self.rest]


def _confirm(ctx: _Ctx, cand: _Cand, qn: str) -> None:
    """Check an exact candidate against the stored text; demote it when it is not verbatim."""
    if cand.span:
        text = " ".join(ctx.norm(d) for d in cand.span)
    else:
        text = ctx.norm(cand.docnum)
    al = align(qn, text)
    if al is None:
        cand.grade, cand.score = "related", 0.0
        return
    cand.window = (al.start, al.end)
    cand.score = al.score
    cand.grade = grade_for(al.score, al.verbatim)


def _span_hits(ctx: _Ctx, qwords: list[str], pool: list[int]) -> list[_Cand]:
    """A quote running across consecutive sentences (a boundary, or a run-together one).

    Candidates: sentences holding either half of the quote, plus the near pool. Each is
    aligned with the quote (it ends with a prefix, starts with a suffix or lies inside it)
    and the neighbouring sentences are walked until the quote is used up.
    """
    n = len(qwords)
    if n < 2:
        return []
    half = (n + 1) // 2
    cands = verbatim_docs(ctx, qwords[:half], NEAR_POOL)[0] + verbatim_docs(ctx, qwords[n - half:], NEAR_POOL)[0] + pool
    found: dict[tuple[int, ...], _Cand] = {}
    for d in dict.fromkeys(cands):
        chain = _span_through(ctx, d, qwords)
        if chain and tuple(chain) not in found and ctx.accepts(chain[0]):
            found[tuple(chain)] = _Cand(chain[0], "exact", 1.0, span=chain)
    return [found[k] for k in sorted(found, key=lambda k: _order(ctx, [k[0]]))][:MAX_HITS]


def _span_through(ctx: _Ctx, d: int, qwords: list[str]) -> list[int] | None:
    """The chain of consecutive sentences through `d` that holds the quote verbatim, if any."""
    sw = ctx.norm(d).split()
    n, m = len(qwords), len(sw)
    if not m:
        return None
    # k = where d's first word would sit in the quote: negative when d ends with a prefix of
    # the quote, k + m > n when it starts with a suffix, otherwise d lies wholly inside.
    options: list[int] = []
    for i in range(1, min(n, m) + 1):
        if sw[m - i:] == qwords[:i]:
            options.append(i - m)
    for k in range(0, n - m + 1):
        if qwords[k:k + m] == sw:
            options.append(k)
    for i in range(1, min(n, m) + 1):
        if sw[:i] == qwords[n - i:]:
            options.append(n - i)
    for k in dict.fromkeys(options):
        if k <= 0 and k + m >= n:
            continue  # the quote inside one sentence: not a span
        chain, ok = [d], True
        need, cur = k, d  # walk back over the quote's first `need` words
        while ok and need > 0:
            prev = ctx.neighbour(cur, -1)
            if prev is None:
                ok = False
                break
            pw = ctx.norm(prev).split()
            if not pw:
                ok = False
                break
            if len(pw) >= need:
                ok, need = pw[len(pw) - need:] == qwords[:need], 0
            else:
                ok, need = pw == qwords[need - len(pw):need], need - len(pw)
            chain.insert(0, prev)
            cur = prev
        rest, cur = k + m, d  # walk forward over the words after d
        while ok and rest < n:
            nxt = ctx.neighbour(cur, +1)
            if nxt is None:
                ok = False
                break
            nw = ctx.norm(nxt).split()
            if not nw:
                ok = False
                break
            left = n - rest
            if len(nw) >= left:
                ok, rest = nw[:left] == qwords[rest:], n
            else:
                ok, rest = nw == qwords[rest:rest + len(nw)], rest + len(nw)
            chain.append(nxt)
            cur = nxt
        if ok and len(chain) > 1:
            return chain
    return None


def _count_postings(ctx: _Ctx, fieldname: str, words: list[str], budget: int, limit: int,
                    terms: int = NEAR_TERMS, slack: int = 1) -> list[int]:
    """Sentences holding most of the rarest of `words`, most first (at most `limit`, filtered).

    Reads the posting lists of up to `terms` rarest words while their total length stays
    within `budget`, and keeps sentences missing at most `slack` of them; when even the rarest
    word is commoner than that, the sentences holding both of the two rarest; when those two
    are very common too, nothing (no rare word to go by).
    """
    ranked = sorted((ctx.df(fieldname, w), w) for w in set(words))
    ranked = [(df, w) for df, w in ranked if df > 0]
    if not ranked:
        return []
    counts: Counter = Counter()
    if ranked[0][0] > budget:
        if len(ranked) < 2 or ranked[0][0] + ranked[1][0] > 4 * budget:
            return []
        both = set(ctx.postings(fieldname, ranked[0][1])).intersection(ctx.postings(fieldname, ranked[1][1]))
        counts.update({d: 2 for d in sorted(both)})
        need = 2
    else:
        chosen, total = [], 0
        for df, w in ranked[:terms]:
            if chosen and total + df > budget:
                break
            chosen.append(w)
            total += df
        for w in chosen:
            counts.update(ctx.postings(fieldname, w))
        need = max(1, len(chosen) - slack)
    out = []
    for d, c in counts.most_common():
        if c < need or len(out) >= limit:
            break
        if ctx.accepts(d):
            out.append(d)
    return out


def _near_pool(ctx: _Ctx, qwords: list[str]) -> list[int]:
    """Up to NEAR_POOL sentences sharing the quote's rarest words (all but one of them)."""
    return _count_postings(ctx, "plain", qwords, NEAR_POSTINGS_BUDGET, NEAR_POOL)


def _run_pool(ctx: _Ctx, qwords: list[str]) -> list[int]:
    """Near candidates when the quote's words are all common: sentences holding a long verbatim run.

    A typo makes a word the archive does not know; the longest run of known words around it is
    verbatim in the source. Without unknown words (a word changed, added or dropped), one half
    of the quote is intact when there is a single change.
    """
    n = len(qwords)
    if n < 4:
        return []
    runs: list[list[str]] = []
    current: list[str] = []
    for w in qwords:
        if ctx.df("plain", w):
            current.append(w)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    if len(runs) == 1 and len(runs[0]) == n:  # nothing unknown: try both halves
        half = (n + 1) // 2
        runs = [qwords[:half], qwords[n - half:]]
    runs = [r for r in sorted(runs, key=len, reverse=True)[:2] if len(r) >= max(3, n // 3)]
    out: list[int] = []
    for r in runs:
        out.extend(verbatim_docs(ctx, r, NEAR_POOL * 2, filtered=True)[0])
    return list(dict.fromkeys(out))[:NEAR_POOL * 2]


def _stem_counts(ctx: _Ctx, docnum: int) -> Counter:
    return Counter(s for w in ctx.norm(docnum).split() if (s := _word_stem(w)))


def _stem_set(ctx: _Ctx, docnum: int) -> set[str]:
    return set(_stem_counts(ctx, docnum))


def _wanted_counts(ctx: _Ctx, docnum: int, wanted: set[str], memo: dict[str, str | None]) -> Counter:
    """How often each of the `wanted` stems occurs in a sentence.

    From the index's stems column when it has one; otherwise each word is stemmed here, only
    those that can stem to a wanted stem: Porter stemming rewrites suffixes only, so a stem
    starts with its word's first letter. `memo` (one per query) keeps each word's stem.
    """
    if ctx._stems is not None:
        return Counter(s for s in ctx._stems[docnum].decode("utf-8").split() if s in wanted)
    firsts = {s[:1] for s in wanted}
    found = []
    for w in ctx.norm(docnum).split():
        s = memo.get(w, "")
        if s == "":
            s = memo[w] = _word_stem(w) if (w[:1] in firsts or w[:1] != w[:1].lower()) else None
        if s in wanted:
            found.append(s)
    return Counter(found)


def _bm25(ctx: _Ctx, docnum: int, tfs: Counter, wanted: list[str]) -> float:
    """Okapi BM25 of a sentence for the quote's stems (Whoosh's idf, k1=1.2, b=0.75)."""
    n = ctx.reader.doc_count() or 1
    avgdl = (ctx.reader.field_length("text") / n) or 1.0
    dl = ctx.table.text_length[docnum] or sum(tfs.values()) or 1
    score = 0.0
    for s in wanted:
        tf = tfs.get(s, 0)
        if tf:
            idf = math.log(n / (ctx.df("text", s) + 1)) + 1
            score += idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl))
    return score


def _related_pool(ctx: _Ctx, quote: str, qwords: list[str], words_query: bool) -> list[tuple[int, float]]:
    """Sentences ranked by BM25 over the quote's stems, holding RELATED_MIN of its content words."""
    wanted = list(dict.fromkeys(s for w in qwords if (s := _word_stem(w))))  # compared like for like
    if not wanted:
        return []
    indexed = list(dict.fromkeys(stems(ctx.s, quote)))  # as the index spells them, for the query
    if words_query:
        # A few words: sentences holding every one of them, by BM25 over the posting lists
        # (term frequencies from the index, so no stored text is read).
        if not indexed or any(ctx.df("text", s) == 0 for s in indexed):
            return []
        order = sorted(indexed, key=lambda s: ctx.df("text", s))
        if sum(ctx.df("text", s) for s in order) > WORDS_POSTINGS_BUDGET and ctx.df("text", order[0]) > RELATED_POSTINGS_BUDGET:
            return []  # only very common words: the exact and near grades are all there is to say
        return _words_bm25(ctx, order)
    pool = _count_postings(ctx, "text", indexed, RELATED_POSTINGS_BUDGET, RELATED_SCAN,
                           terms=RELATED_TERMS, slack=RELATED_TERMS)
    out = []
    wanted_set = set(wanted)
    memo: dict[str, str | None] = {}
    for d in pool:
        # _bm25 needs every stem only for a sentence the index gives no length for
        tfs = _wanted_counts(ctx, d, wanted_set, memo) if ctx.table.text_length[d] else _stem_counts(ctx, d)
        if sum(1 for s in wanted if s in tfs) / len(wanted) >= RELATED_MIN:
            out.append((d, _bm25(ctx, d, tfs, wanted)))
    out.sort(key=lambda x: -x[1])
    return out[:RELATED_POOL]


def _words_bm25(ctx: _Ctx, order: list[str]) -> list[tuple[int, float]]:
    """The RELATED_POOL best sentences holding every stem of `order` (rarest first) by BM25, best
    first, ties by docnum; computed over whole posting lists at once, as _bm25 would one by one."""
    n = ctx.reader.doc_count() or 1
    avgdl = (ctx.reader.field_length("text") / n) or 1.0
    lists = [ctx.weighted_arrays("text", s) for s in order]
    docs = np.frombuffer(lists[0][0], dtype=np.int32)
    tfs = [np.frombuffer(lists[0][1], dtype=np.float32)]
    for ids, weights in lists[1:]:  # posting lists are in docnum order, each docnum once
        docs, here, there = np.intersect1d(docs, np.frombuffer(ids, dtype=np.int32),
                                           assume_unique=True, return_indices=True)
        tfs = [tf[here] for tf in tfs] + [np.frombuffer(weights, dtype=np.float32)[there]]
    if ctx.filtered and len(docs):
        keep = np.fromiter((ctx.accepts(d) for d in docs.tolist()), dtype=bool, count=len(docs))
        docs, tfs = docs[keep], [tf[keep] for tf in tfs]
    if not len(docs):
        return []
    dl = ctx.table.np_length[docs].astype(np.float64)
    dl[dl == 0] = 1.0
    norm = BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl)
    scores = np.zeros(len(docs))
    for s, tf in zip(order, tfs):  # the same operations in the same order as _bm25, so equal floats
        idf = math.log(n / (ctx.df("text", s) + 1)) + 1
        tf = tf.astype(np.float64)
        scores += idf * tf * (BM25_K1 + 1) / (tf + norm)
    if len(docs) > RELATED_POOL:  # only those reaching the RELATED_POOL-th best score are sorted
        floor = np.partition(scores, len(scores) - RELATED_POOL)[len(scores) - RELATED_POOL]
        kept = scores >= floor
        docs, scores = docs[kept], scores[kept]
    best = np.lexsort((docs, -scores))[:RELATED_POOL]
    return list(zip(docs[best].tolist(), scores[best].tolist()))


def _rank(ctx: _Ctx, quote: str, *, all_grades: bool = True) -> tuple[_Ranked, int, bool]:
    """All candidates of a quote-mode search, ranked exact, near, related; the exact count; and
    whether every exact candidate could be checked (False for boilerplate of common words).

    With all_grades=False (the quote check wants only the best source) related passages are
    looked for only when nothing is exact or near.
    """
    qwords = plain_words(ctx.s, quote)
    if not qwords:
        return _Ranked([], []), 0, True
    qn = " ".join(qwords)
    exact, exact_count, complete = _exact_hits(ctx, qwords)
    seen = set(exact)
    pool = _near_pool(ctx, qwords)
    spans: list[_Cand] = []
    if not exact:
        pool = list(dict.fromkeys(pool + _run_pool(ctx, qwords)))
        spans = _span_hits(ctx, qwords, pool)
        exact_count += len(spans)
        for c in spans:
            seen.update(c.span or [])
    near: list[_Cand] = []
    for d in pool:
        if d in seen:
            continue
        al = align(qn, ctx.norm(d), cutoff=NEAR_MIN)
        if al is not None:
            seen.add(d)
            near.append(_Cand(d, grade_for(al.score, al.verbatim), al.score, None, (al.start, al.end)))
    related: list[_Cand] = []
    if all_grades or not (exact or spans or near):
        for d, bm in _related_pool(ctx, quote, qwords, len(qwords) <= WORDS_QUERY_MAX):
            if d in seen:
                continue
            seen.add(d)
            al = align(qn, ctx.norm(d), cutoff=NEAR_MIN)
            if al is not None:  # close after all: it is near, not related
                near.append(_Cand(d, grade_for(al.score, al.verbatim), al.score, bm, (al.start, al.end)))
            else:
                related.append(_Cand(d, "related", None, bm))
    near.sort(key=lambda c: -(c.score or 0))
    return _Ranked(exact, spans + near + related), exact_count, complete


# --- snippets --------------------------------------------------------------------------------


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _runs(spans: list[tuple[int, int]], marked: list[bool]) -> list[tuple[int, int]]:
    """Adjacent marked words joined into one range (punctuation between them included)."""
    out: list[tuple[int, int]] = []
    prev = False
    for (a, b), m in zip(spans, marked):
        if m:
            if prev and out:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        prev = m
    return out


def make_snippet(text: str, marks: list[tuple[int, int]], limit: int = SNIPPET_CHARS) -> Markup:
    """The text HTML-escaped, with `marks` (character ranges) in <mark>, cut around the first."""
    marks = _merge([(max(0, a), min(len(text), b)) for a, b in marks if b > a])
    start, end = 0, len(text)
    if len(text) > limit:
        focus = marks[0][0] if marks else 0
        start = max(0, focus - limit // 3)
        if start:
            sp = text.find(" ", start)
            start = sp + 1 if 0 <= sp < focus else start
        end = min(len(text), start + limit)
        if end < len(text):
            sp = text.rfind(" ", start, end)
            end = sp if sp > start else end
    parts: list[str] = ["…" if start else ""]
    pos = start
    for a, b in marks:
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        parts.append(str(escape(text[pos:a])))
        parts.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    parts.append(str(escape(text[pos:end])))
    parts.append("…" if end < len(text) else "")
    return Markup("".join(parts))


def _marks_window(text: str, norm: str, window: tuple[int, int], qset: set[str] | None) -> list[tuple[int, int]]:
    """Marks for words start..end of the text (`norm` is its normalised form); only words of
    `qset` (or sharing their stem) when given."""
    spans = word_spans(text, norm)
    if spans is None:
        return []
    a, b = window
    words = norm.split()
    qstems = {_word_stem(w) for w in qset} - {None} if qset is not None else set()
    marked = [a <= i < b and (qset is None or words[i] in qset or _word_stem(words[i]) in qstems)
              for i in range(len(spans))]
    return _runs(spans, marked)


def _marks_stems(text: str, norm: str, qstems: set[str]) -> list[tuple[int, int]]:
    spans = word_spans(text, norm)
    if spans is None:
        return []
    words = norm.split()
    marked = [(_word_stem(w) in qstems) or (w in qstems) for w in words]
    return _runs(spans, marked)


# --- the public entry points -------------------------------------------------------------------


def _titles(session: Session, slugs: set[str], table: _Table | None = None) -> dict[str, str]:
    """Document titles by slug, remembered in the index version's table when one is given.

    A title only changes with an ingest, which makes a new version (and table), so an archive
    of up to ALL_TITLES_MAX documents reads them all once; a larger one remembers those asked for.
    """
    if table is None:
        query = select(Document.slug, Document.title).where(Document.slug.in_(slugs))
        return dict(session.execute(query).all()) if slugs else {}
    known = table.titles
    if not table.all_titles:
        if len(table.docs) <= ALL_TITLES_MAX:
            known.update(session.execute(select(Document.slug, Document.title)).all())
            table.all_titles = True
        else:
            missing = {s for s in slugs if s not in known}
            if missing:
                known.update(session.execute(
                    select(Document.slug, Document.title).where(Document.slug.in_(missing))).all())
    return {s: known[s] for s in slugs if s in known}


def _facets(ctx: _Ctx, docnums: list[int], out: Outcome) -> None:
    """Counts per kind and per document (the 20 largest) over the whole result set; titles come later."""
    t = ctx.table
    # Counted by code, then named in first-seen order, which breaks ties below (as a Counter would).
    if len(docnums) < NUMPY_MIN:
        kinds = Counter({t.kinds[code]: n for code, n in Counter(map(t.kind.__getitem__, docnums)).items()})
        docs = Counter({t.docs[code]: n for code, n in Counter(map(t.doc.__getitem__, docnums)).items()})
    else:
        hits = np.asarray(docnums, dtype=np.int64)
        kinds = Counter({t.kinds[code]: n for code, n in _counts(t.np_kind[hits])})
        docs = Counter({t.docs[code]: n for code, n in _counts(t.np_doc[hits], top=20)})
    out.kinds = {k: kinds.get(k, 0) for k in ("official", "commentary")} | {
        k: v for k, v in kinds.items() if k not in ("official", "commentary") and k}
    out.documents = [{"slug": s, "title": s, "count": n} for s, n in docs.most_common(20)]


def _counts(codes: np.ndarray, top: int | None = None) -> list[tuple[int, int]]:
    """(code, how many times) for each code present, in order of first appearance; with `top`,
    only the `top` most frequent (ties: first seen first), as Counter.most_common gives them."""
    if not len(codes):
        return []
    present, first, counts = np.unique(codes, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable") if top is None else np.lexsort((first, -counts))[:top]
    return list(zip(present[order].tolist(), counts[order].tolist()))


def _with_titles(session: Session, out: Outcome, page_slugs: set[str], table: _Table | None = None) -> dict[str, str]:
    """Document titles for the facets and the page, in one query at most."""
    titles = _titles(session, page_slugs | {d["slug"] for d in out.documents}, table)
    for d in out.documents:
        d["title"] = titles.get(d["slug"], d["slug"])
    return titles


def _result(ctx: _Ctx, cand: _Cand, qn: str, qwords: list[str], qstems: set[str], titles: dict) -> Result:
    f = ctx.stored(cand.docnum)
    docnums = cand.span or [cand.docnum]
    texts = [ctx.stored(d).get("text", "") for d in docnums]
    norms = [ctx.norm(d) for d in docnums]  # normalize(text) of each, kept by the index
    text = " ".join(texts)
    marks: list[tuple[int, int]] = []
    if cand.grade in ("exact", "near") and cand.window:
        # the window is in words of the joined normalised text; map per sentence
        offset_chars, offset_words = 0, 0
        for t, n in zip(texts, norms):
            nw = len(n.split())
            a, b = cand.window
            la, lb = max(a - offset_words, 0), min(b - offset_words, nw)
            if lb > la:
                qset = None if cand.grade == "exact" else set(qwords)
                marks += [(x + offset_chars, y + offset_chars) for x, y in _marks_window(t, n, (la, lb), qset)]
            offset_chars += len(t) + 1
            offset_words += nw
    else:
        marks = _marks_stems(text, norms[0] if len(norms) == 1 else normalize(text), qstems)
    doc = f.get("doc", "")
    return Result(
        id=f["id"], document=doc, title=titles.get(doc), kind=f.get("kind", ""), unit=f.get("unit", ""),
        text=text, snippet=make_snippet(text, marks), match=cand.grade,
        score=round(cand.score or 0.0, 3) if cand.grade != "exact" else 1.0,
        bm25=round(cand.bm25, 4) if cand.bm25 is not None else None,
        url=urls.document(doc, f["id"]), permalink=urls.passage(f["id"]),
        date=f.get("date") or None, publisher=f.get("publisher") or None, position=f.get("position", 0),
        themes=[t for t in (f.get("themes") or "").split(",") if t],
        span=[ctx.stored(d)["id"] for d in cand.span] if cand.span else None,
    )


def _finish(ctx: _Ctx, cand: _Cand, qn: str) -> None:
    """Compute what was left lazy: the similarity of related hits, confirmation of exact ones."""
    if cand.grade == "exact":
        _confirm(ctx, cand, qn)
    elif cand.score is None:
        al = align(qn, " ".join(ctx.norm(d) for d in (cand.span or [cand.docnum])))
        cand.score = al.score if al else 0.0
        if al is not None and al.score >= NEAR_MIN:  # cannot happen (cut off before), kept honest
            cand.grade = grade_for(al.score, al.verbatim)


def search(session: Session, searcher: Searcher | None, q: str, *, mode: str = "quote",
           filters: Filters | None = None, offset: int = 0, limit: int = 20) -> Outcome:
    """Run one search and return one page of results with totals and facets.

    Raises SearchError for advanced queries that cannot run (syntax, fields, wildcards).
    """
    filters = filters or Filters()
    out = Outcome(query=q, mode=mode, filters=filters, offset=offset, limit=limit)
    if searcher is None:
        out.message = "The archive has no search index yet."
        return out
    if not q.strip():
        return out
    if mode == "advanced":
        return _advanced(session, searcher, q, filters, out)
    ctx = _Ctx(searcher, filters)
    qwords = plain_words(searcher, q)
    if not qwords:
        out.message = "Nothing to search for: the query has no letters or digits."
        return out
    qn = " ".join(qwords)
    cands, exact_count, complete = _rank(ctx, q)
    listed_exact = len(cands.exact) + sum(1 for c in cands.rest if c.grade == "exact")
    extra_exact = max(exact_count - listed_exact, 0)  # beyond MAX_HITS: counted, not listed
    # Confirm and score the page (and everything before it that is still unconfirmed).
    page = cands[offset:offset + limit]
    for c in page:
        _finish(ctx, c, qn)
    counted = Counter(c.grade for c in cands.rest)
    counted["exact"] += len(cands.exact)
    for c in page[:max(len(cands.exact) - offset, 0)]:  # made for this page: a demotion counts too
        if c.grade != "exact":
            counted["exact"] -= 1
            counted[c.grade] += 1
    # A demoted exact candidate (never expected with the plain field) must not stay in the exact block.
    order = {g: i for i, g in enumerate(GRADES)}
    page.sort(key=lambda c: order[c.grade])
    out.grades = {g: counted.get(g, 0) for g in GRADES}
    out.grades["exact"] += extra_exact
    out.total = len(cands) + extra_exact
    out.listed = len(cands)
    if extra_exact:
        out.message = (f"{exact_count} sentences hold these words verbatim; the first {MAX_HITS} are listed "
                       "and counted in the facets. Add words or a filter to narrow the search.")
    if not complete:
        out.message = (f"These words are very common together: the first {VERIFY_MAX} sentences holding all of "
                       f"them were checked and {exact_count} hold them verbatim; there may be more. Add words "
                       "or a filter to narrow the search.")
    _facets(ctx, cands.first_docnums(), out)
    titles = _with_titles(session, out, {ctx.stored(c.docnum).get("doc", "") for c in page}, ctx.table)
    qstems = set(stems(searcher, q))
    out.results = [_result(ctx, c, qn, qwords, qstems, titles) for c in page]
    return out


# --- advanced mode -------------------------------------------------------------------------------

_FIELD_RE = re.compile(r"(?<![\w:])([A-Za-z_][\w]*):")


def check_syntax(text: str) -> None:
    """Raise SearchError with a plain explanation for malformed Whoosh syntax."""
    depth = 0
    in_quote = False
    bracket: str | None = None
    outside: list[str] = []  # the text outside quotes, for operator and field checks
    for i, c in enumerate(text):
        if c == '"':
            in_quote = not in_quote
            outside.append("\x01" if in_quote else " ")  # a phrase counts as one word
            continue
        if in_quote:
            continue
        outside.append(c)
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                raise SearchError(f"Unbalanced parentheses: a ')' at character {i + 1} has no matching '('.")
        elif c in "[{":
            if bracket:
                raise SearchError("A range cannot contain another range.")
            bracket = c
        elif c in "]}":
            if not bracket:
                raise SearchError(f"A range bracket '{c}' at character {i + 1} was never opened.")
            bracket = None
    if in_quote:
        raise SearchError('A phrase is missing its closing quote (").')
    if depth > 0:
        raise SearchError("Unbalanced parentheses: a '(' is never closed.")
    if bracket:
        raise SearchError("A range is never closed; write it as date:[2024-01-01 TO 2024-12-31].")
    rest = "".join(outside)
    for m in _FIELD_RE.finditer(rest):
        name = m.group(1)
        if name not in ADVANCED_FIELDS:
            raise SearchError(f"Unknown field '{name}'. Fields you can search: {', '.join(ADVANCED_FIELDS)}.")
        after = rest[m.end():m.end() + 1]
        if not after or after.isspace() or after == ")":
            raise SearchError(f"The field '{name}:' needs a value right after the colon, e.g. {name}:something.")
    tokens = re.findall(r"[^\s()]+|[()]", rest)
    prev = None
    for i, tok in enumerate(tokens):
        if tok in OPERATORS:
            if tok != "NOT" and (prev is None or prev in OPERATORS or prev == "("):
                raise SearchError(f"'{tok}' needs something to its left.")
            if i == len(tokens) - 1 or tokens[i + 1] in (")",) or (tokens[i + 1] in OPERATORS and tokens[i + 1] != "NOT"):
                raise SearchError(f"'{tok}' needs something to its right.")
        prev = tok


def _walk(q: wq.Query, negated: bool = False):
    yield q, negated
    if isinstance(q, wq.Not):
        neg = not negated
    else:
        neg = negated
    for child in q.children():
        if isinstance(q, wq.AndNot) and child is q.b:
            yield from _walk(child, not negated)
        else:
            yield from _walk(child, neg)


def _validate_tree(q: wq.Query) -> None:
    for node, _ in _walk(q):
        err = getattr(node, "error", None)
        if err:
            raise SearchError(f"Could not understand the query: {err}.")
        name = getattr(node, "fieldname", None)
        if name is not None and name not in ADVANCED_FIELDS:
            raise SearchError(f"Unknown field '{name}'. Fields you can search: {', '.join(ADVANCED_FIELDS)}.")
        if isinstance(node, wq.Every):
            raise SearchError("A bare * would list the whole archive: add words, or a field such as kind:official.")
        if isinstance(node, (wq.Regex, wq.FuzzyTerm)):
            raise SearchError("Regular expressions and fuzzy terms are not supported.")
        if isinstance(node, wq.Wildcard):
            pattern = node.text
            if pattern[:1] in ("*", "?"):
                raise SearchError(f"'{pattern}' starts with a wildcard, which would scan every word in the "
                                  "archive; put at least two letters before * or ?.")
            head = pattern.rstrip("*")
            if "*" in head or "?" in head:
                raise SearchError(f"'{pattern}' has a wildcard inside the word; only a trailing * is allowed "
                                  "(e.g. regulat*).")
            if len(re.split(r"[*?]", pattern)[0]) < MIN_WILDCARD_PREFIX:
                raise SearchError(f"'{pattern}': put at least {MIN_WILDCARD_PREFIX} letters before the *.")
        if isinstance(node, wq.Prefix) and len(node.text) < MIN_WILDCARD_PREFIX:
            raise SearchError(f"'{node.text}*': put at least {MIN_WILDCARD_PREFIX} letters before the *.")
        if isinstance(node, (wq.TermRange, wq.NumericRange)) and node.fieldname not in RANGE_FIELDS:
            raise SearchError(f"Ranges work on {', '.join(RANGE_FIELDS)} only, not on '{node.fieldname}'.")


def parse_advanced(searcher: Searcher, text: str, fieldname: str = "text") -> wq.Query:
    """Parse Whoosh syntax safely; SearchError on anything malformed or too expensive."""
    check_syntax(text)
    parser = QueryParser(fieldname, searcher.schema)
    try:
        q = parser.parse(text)
    except RecursionError as e:
        raise SearchError("The query is nested too deeply.") from e
    except Exception as e:  # noqa: BLE001 - whoosh raises assorted errors on odd input
        raise SearchError(f"Could not understand the query: {e}") from e
    _validate_tree(q)
    return q


def _literals(q: wq.Query) -> list[list[str]]:
    """Positive words and phrases on the plain field: what a result should hold verbatim."""
    out: list[list[str]] = []
    for node, negated in _walk(q):
        if negated or getattr(node, "fieldname", None) != "plain":
            continue
        if isinstance(node, wq.Phrase):
            out.append([w for w in node.words if w])
        elif type(node) is wq.Term and isinstance(node.text, str):
            out.append([node.text])
    return [w for w in out if w]


def _advanced(session: Session, searcher: Searcher, text: str, filters: Filters, out: Outcome) -> Outcome:
    q = parse_advanced(searcher, text)
    literal_q = parse_advanced(searcher, text, "plain")
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        out.message = ("Nothing to search for: only stop words or one-letter words, which the stemmed text "
                       "field ignores. Search them with plain:word or plain:\"a phrase\".")
        return out
    ctx = _Ctx(searcher, filters)
    fq = filters.query()
    final = _with_filter(q, fq)
    try:
        results = searcher.search(final, limit=ADVANCED_POOL, optimize=fq is None)
        total = len(results)
    except Exception as e:  # noqa: BLE001 - e.g. a phrase on a field without positions
        raise SearchError(f"This query cannot run: {e}") from e
    clauses = _literals(literal_q)
    qn = " ".join(w for c in clauses for w in c)
    cands = []
    for h in results:
        sn = ctx.norm(h.docnum)
        verbatim = bool(clauses) and all(f" {' '.join(c)} " in f" {sn} " for c in clauses)
        if verbatim:
            cands.append(_Cand(h.docnum, "exact", 1.0, h.score, None))
            continue
        al = align(qn, sn) if qn else None
        score = al.score if al else 0.0
        cands.append(_Cand(h.docnum, grade_for(score, False), score, h.score,
                           (al.start, al.end) if al else None))
    order = {g: i for i, g in enumerate(GRADES)}
    cands.sort(key=lambda c: (order[c.grade], -(c.bm25 or 0)))
    out.total = total
    out.listed = len(cands)
    counted = Counter(c.grade for c in cands)
    out.grades = {g: counted.get(g, 0) for g in GRADES}
    if total > len(cands):  # the grade facet then counts the graded ones only
        out.message = (f"{total} passages match; the best {ADVANCED_POOL} by relevance are graded and "
                       "listed (the grade counts cover those). Narrow the query to see the rest.")
    # facets over every match (columns, so cheap per hit)
    all_docs = list(searcher.docs_for_query(final)) if total > len(cands) else [c.docnum for c in cands]
    _facets(ctx, all_docs, out)
    page = cands[out.offset:out.offset + out.limit]
    titles = _with_titles(session, out, {ctx.stored(c.docnum).get("doc", "") for c in page}, ctx.table)
    qstems: set[str] = set()
    for node, negated in _walk(q):
        if not negated and getattr(node, "fieldname", None) == "text":
            if isinstance(node, wq.Phrase):
                qstems.update(node.words)
            elif isinstance(node, wq.Term):
                qstems.add(node.text)
    for c in page:
        if c.grade == "exact" and clauses:
            c.window = None  # mark every literal word instead of one window
    out.results = []
    qwords_set = {w for c in clauses for w in c}
    for c in page:
        r = _result(ctx, c, qn, list(qwords_set), qstems | qwords_set, titles)
        if c.grade == "exact":
            spans = word_spans(r.text)
            if spans:
                words = normalize(r.text).split()
                r.snippet = make_snippet(r.text, _runs(spans, [w in qwords_set for w in words]))
        out.results.append(r)
    return out


# --- quote check ---------------------------------------------------------------------------------


@dataclass
class Checked:
    text: str
    match: str  # exact | near | related | none
    score: float
    source: dict | None
    diff: list[dict]
    span: list[str] | None = None

    def as_dict(self) -> dict:
        return {"text": self.text, "match": self.match, "score": self.score, "source": self.source,
                "diff": self.diff, "span": self.span}


@dataclass
class Verification:
    verdict: str
    sentences: list[Checked]

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "sentences": [s.as_dict() for s in self.sentences]}


def passage_sentences(text: str) -> list[str]:
    """The sentences of a pasted passage (blank lines separate paragraphs)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        if para.strip():
            out.extend(s for s in split_sentences(" ".join(para.split())) if normalize(s))
    return out


def word_diff(quote: str, source: str) -> list[dict]:
    """Word-level differences between a quote and its source's wording (case and punctuation aside).

    Each item: {"op": "equal" | "replace" | "insert" | "delete", "quote": ..., "source": ...};
    "insert" is wording only in the quote, "delete" wording of the source missing from the quote.
    """
    qs, ss = word_spans(quote), word_spans(source)
    qw, sw = normalize(quote).split(), normalize(source).split()
    if qs is None:
        qs = [(0, 0)] * len(qw)
    if ss is None:
        ss = [(0, 0)] * len(sw)

    def piece(text: str, spans, words, a: int, b: int) -> str:
        if a >= b:
            return ""
        s, e = spans[a][0], spans[b - 1][1]
        return text[s:e] if e > s else " ".join(words[a:b])

    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, qw, sw, autojunk=False).get_opcodes():
        out.append({"op": op, "quote": piece(quote, qs, qw, a1, a2), "source": piece(source, ss, sw, b1, b2)})
    return out


def _source_window(ctx: _Ctx, cand: _Cand) -> str:
    """The source's wording that the quote was compared with (its matched words, or all of it)."""
    docnums = cand.span or [cand.docnum]
    text = " ".join(ctx.stored(d).get("text", "") for d in docnums)
    if cand.window is None:
        return text
    spans = word_spans(text)
    if not spans:
        return text
    a, b = cand.window
    a, b = max(0, min(a, len(spans) - 1)), max(1, min(b, len(spans)))
    return text[spans[a][0]:spans[b - 1][1]]


def check_sentence(ctx: _Ctx, session: Session, sentence: str) -> Checked:
    qwords = plain_words(ctx.s, sentence)
    qn = " ".join(qwords)
    cands, _, _ = _rank(ctx, sentence, all_grades=False)
    best = None
    for c in cands[:5]:  # the first, unless confirmation demotes it
        _finish(ctx, c, qn)
        if best is None or GRADES.index(c.grade) < GRADES.index(best.grade):
            best = c
        if c.grade == "exact":
            break
    if best is None:
        return Checked(sentence, "none", 0.0, None, [])
    if best.grade == "related" and not best.window:
        al = align(qn, " ".join(ctx.norm(d) for d in (best.span or [best.docnum])))
        if al:
            best.window = (al.start, al.end)
    f = ctx.stored(best.docnum)
    p = session.get(Passage, f["id"])
    source = None
    if p is not None:
        d = session.get(Document, p.document_id)
        source = queries.passage_obj(p, d, queries.themes_for(session, [p.id]).get(p.id))
        source["document_title"] = d.title
    score = 1.0 if best.grade == "exact" else round(best.score or 0.0, 3)
    return Checked(sentence, best.grade, score, source, word_diff(sentence, _source_window(ctx, best)),
                   [ctx.stored(d)["id"] for d in best.span] if best.span else None)


def verdict(checked: list[Checked]) -> str:
    n = len(checked)
    if not n:
        return "No sentences to check."
    c = Counter(s.match for s in checked)
    found = c["exact"] + c["near"]
    parts = [f"{found} of {n} sentence{'s' if n != 1 else ''} found verbatim or nearly"]
    if c["exact"] and c["near"]:
        parts[0] += f" ({c['exact']} verbatim, {c['near']} nearly)"
    if c["related"]:
        parts.append(f"{c['related']} only related (reworded or partly matching)")
    if c["none"]:
        parts.append(f"{c['none']} not found in the archive")
    return "; ".join(parts) + "."


def verify(session: Session, searcher: Searcher | None, text: str) -> Verification:
    """Check each sentence of a pasted passage against the archive."""
    sentences = passage_sentences(text)
    if searcher is None:
        checked = [Checked(s, "none", 0.0, None, []) for s in sentences]
        return Verification("The archive has no search index yet; nothing could be checked.", checked)
    ctx = _Ctx(searcher)
    checked = [check_sentence(ctx, session, s) for s in sentences]
    return Verification(verdict(checked), checked)
