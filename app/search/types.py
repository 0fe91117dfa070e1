"""What search is tuned by and what it answers with: thresholds, budgets, filters and results.

The thresholds and limits are documented in the API description too; the grades they define
are explained in app/search/engine.py (near or altered: app/search/meaning.py decides).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup
from whoosh import query as wq

# What makes a query a quote whatever its length: quotation marks, or punctuation that ends or joins
# clauses (the full stop of an initial, as in "U.S.", does not).
_QUOTE_SHAPE = re.compile(r"[\"“”„«»。！？；：]|[!?;:](?:\s|$)|(?<!\b[A-Z])\.(?:\s|$)")


def is_word_search(query: str, n_words: int) -> bool:
    """A few words typed to find sentences that hold them ("talent", "data security"), not a quote to
    grade: its verbatim hits 'contain these words' (match "words"); a quoted or longer query keeps the grades."""
    return 0 < n_words <= WORD_SEARCH_MAX and not _QUOTE_SHAPE.search(query)


# --- thresholds and limits (documented in the API description too) ---------------------------
NEAR_MIN = 0.85  # similarity from which a non-verbatim match is "near", or "altered" when its meaning differs
RELATED_MIN = 0.4  # share of the quote's content words (stemmed, stop words aside) a "related" sentence must hold
WORDS_QUERY_MAX = 4  # up to this many words, a query is also searched as words (stemmed, BM25)
WORD_SEARCH_MAX = 3  # up to this many words, without quotation marks or sentence punctuation: a word search
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
POSTINGS_CACHE = 6_000_000  # posting list entries kept in memory across requests (4 bytes each)
ALL_TITLES_MAX = 50_000  # up to this many documents, an index version's titles are read in one query
MAX_OFFSET = 10_000  # paging stops here
MAX_HITS = MAX_OFFSET + 100  # exact hits ranked and listed at most (more are counted, not listed)
NUMPY_MIN = 64  # hits from which ordering goes through numpy (below, plain Python is quicker)
ADVANCED_POOL = 1_000  # advanced mode: hits ranked by grade, then BM25
SNIPPET_CHARS = 360  # longer sentences are cut around the first match
GRADES = ("exact", "near", "altered", "related")  # best first
ADVANCED_FIELDS = ("text", "plain", "kind", "doc", "themes", "date", "unit", "publisher", "id", "position")
RANGE_FIELDS = ("date", "position", "id", "doc")
MIN_WILDCARD_PREFIX = 2
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")


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
            end = pad_date_end(self.date_to) if self.date_to else "9999"
            parts.append(wq.TermRange("date", start, end))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)


def pad_date_end(d: str) -> str:
    """'2025' and '2025-04' as inclusive ends of a range of 'YYYY-MM-DD' strings."""
    return d + {4: "-12-31", 7: "-31"}.get(len(d), "")


@dataclass
class Result:
    """One search hit, for the web layer to turn into JSON or a page (app.web.serialize.hit_json).

    It names the sentence and its document; links to them are the web layer's to build."""

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
    date: str | None
    publisher: str | None
    position: int
    themes: list[str]
    span: list[str] | None = None
    # For a commentary hit: the official sentence it reports ({id, document, text, relation}), if any.
    reports: dict | None = None
    # The sentence's counterparts in its original or its translations ({id, document, language, text, confidence}).
    aligned: list[dict] = field(default_factory=list)
    # An altered hit's meaning-bearing differences ({kind, quote, source}), its word diff
    # (app.search.meaning: {op, quote, source, change}) and the plain verdict; None for the other grades.
    changes: list[dict] | None = None
    diff: list[dict] | None = None
    verdict: str | None = None


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
    themes: dict[str, int] = field(default_factory=dict)  # theme slug -> hits, the largest first
    years: dict[str, int] = field(default_factory=dict)  # 'YYYY' -> hits in documents of that year, newest first
    message: str | None = None

    def facets(self) -> dict:
        return {"match": self.grades, "kind": self.kinds, "document": self.documents, "theme": self.themes,
                "year": self.years}


@dataclass
class Cand:
    """A candidate sentence (or run of sentences) while a search ranks and grades them."""

    docnum: int
    grade: str
    score: float | None = None  # similarity; computed lazily for related hits
    bm25: float | None = None
    window: tuple[int, int] | None = None  # matched words (normalised word indices) in the text
    span: list[int] | None = None  # docnums of consecutive sentences, for cross-sentence quotes
    comparison: object | None = None  # app.search.meaning.Comparison: the meaning check of a close match
