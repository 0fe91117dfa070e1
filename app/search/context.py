"""Per-query access to a searcher: stored fields, normalised text, posting lists and filters."""

from __future__ import annotations

import functools
import math
from array import array

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from app.search import postings as shared
from app.search.table import column, table
from app.search.types import NUMPY_MIN, Filters, pad_date_end
from app.text.normalize import normalize


class Context:
    """One query's view of a searcher, each stored field, text and posting list read once."""

    def __init__(self, searcher: Searcher, filters: Filters | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.filters = filters or Filters()
        f = self.filters
        self.filtered = bool(f.kind or f.doc or f.theme or f.date_from or f.date_to)
        self.key = shared.index_key(searcher)
        self.table = table(searcher, self.key)
        self.norms = self.table.norm if self.table.norm is not None else column(searcher, "norm")
        self.stems_column = column(searcher, "stems")  # each sentence's stems, when the index has them
        self._stored: dict[int, dict] = {}
        self._norm: dict[int, str] = {}
        self._theme_docs: set[int] | None = None
        self._postings: dict[tuple[str, str], list[int]] = {}
        self._weights: dict[str, float] = {}

    def stored(self, docnum: int) -> dict:
        if docnum not in self._stored:
            self._stored[docnum] = self.searcher.stored_fields(docnum)
        return self._stored[docnum]

    def norm(self, docnum: int) -> str:
        text = self._norm.get(docnum)
        if text is None:
            if self.norms is not None:
                text = self.norms[docnum].decode("utf-8")
            else:  # an index written before the column existed
                text = normalize(self.stored(docnum).get("text", ""))
            self._norm[docnum] = text
        return text

    def df(self, fieldname: str, word: str) -> int:
        """Document frequency of a word of the `plain` or `text` field (from the version's table)."""
        return self.table.term_dfs[fieldname].get(word, 0)

    def spread(self, stem: str) -> float:
        """A stem's archive-wide share of weight: 1 in one document, less the more documents use it."""
        return self.table.spread.get(stem, 1.0)

    @functools.cached_property
    def doc_count(self) -> int:
        """Sentences in the index (at least 1): a sum over the segments, so asked once a query."""
        return self.reader.doc_count() or 1

    @functools.cached_property
    def avgdl(self) -> float:
        """The mean indexed length of a sentence's text, for BM25."""
        return (self.reader.field_length("text") / self.doc_count) or 1.0

    def weight(self, stem: str) -> float:
        """A stem's weight in ranking: BM25's idf over sentences (Whoosh's), scaled by its spread."""
        found = self._weights.get(stem)
        if found is None:  # asked for each stem of every candidate sentence
            found = self._weights[stem] = (math.log(self.doc_count / (self.df("text", stem) + 1)) + 1) * self.spread(stem)
        return found

    def postings(self, fieldname: str, word: str):
        """Docnums of the sentences holding a term (its posting list)."""
        key = (fieldname, word)
        if key not in self._postings:
            cache_key = (self.key, fieldname, word)
            ids = shared.POSTINGS.get(cache_key)
            if ids is None:
                try:
                    ids = shared.read_postings(self.reader, fieldname, word)[0]
                except Exception:  # noqa: BLE001 - a term the field cannot hold
                    ids = array("i")
                shared.POSTINGS.put(cache_key, ids)
            self._postings[key] = ids
        return self._postings[key]

    def weighted_arrays(self, fieldname: str, word: str) -> tuple[array, array]:
        """A term's docnums and term frequencies, as two arrays in docnum order."""
        cache_key = (self.key, fieldname, word, "weights")
        cached = shared.POSTINGS.get(cache_key)
        if cached is None:
            try:
                cached = shared.read_postings(self.reader, fieldname, word, weights=True)
            except Exception:  # noqa: BLE001 - a term the field cannot hold
                cached = (array("i"), array("f"))
            shared.POSTINGS.put(cache_key, cached)
        return cached

    def docs(self, q: wq.Query, cap: int | None = None) -> list[int]:
        """Docnums matching `q` (unscored, index order), at most `cap`."""
        out: list[int] = []
        for d in self.searcher.docs_for_query(q):
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
            if not date or (f.date_from and date < f.date_from) or (f.date_to and date > pad_date_end(f.date_to)):
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


def source_rank(ctx: Context, docnum: int) -> tuple[bool, bool, str]:
    """Official before commentary, then earlier publication before later (undated last)."""
    date = ctx.table.date_of(docnum) or ""
    return ctx.table.kind_of(docnum) != "official", not date, date


def with_filter(q: wq.Query, fq: wq.Query | None) -> wq.Query:
    return wq.Require(q, fq) if fq is not None else q


def order(ctx: Context, docnums) -> list[int]:
    """Official texts first, then earliest first (undated last), then document and reading order."""
    keys = ctx.table.np_key
    if keys is None or len(docnums) < NUMPY_MIN:
        return sorted(docnums, key=ctx.table.key.__getitem__)  # stable: equal keys keep their order
    docs = np.asarray(docnums, dtype=np.int64)
    return docs[np.argsort(keys[docs], kind="stable")].tolist()
