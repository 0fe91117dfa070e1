"""A phrase's history: every sentence that holds it verbatim, when it was first and last said, how often.

The phrase is normalised and matched exactly as quote search does it (app.search.candidates:
the `plain` field's unstemmed words, confirmed against each sentence's stored normalised text),
so "controllable" never finds "control" and a phrase found here is an `exact` hit in search.
Unlike search, every candidate is checked: the counts cover all occurrences, not a first page.

Occurrences come in the archive's result order (official texts first, then earliest first, then
document and reading order), so each document's sentences are together and the official ones
apart from the commentary. A year-only date sorts at the start of its year.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from whoosh.searching import Searcher

from app.search.candidates import verbatim_docs
from app.search.context import Context, order
from app.search.scripts import missing_script_message
from app.search.spans import plain_words
from app.search.titles import titles

KINDS = ("official", "commentary")
MONTHS_WITHIN_YEARS = 2  # dated occurrences within this many calendar years are also counted per month


@dataclass
class Occurrence:
    id: str
    document: str
    date: str
    kind: str
    text: str = ""
    title: str = ""
    position: int = 0


@dataclass
class KindSummary:
    """One kind's share of a phrase's history."""

    count: int = 0
    documents: int = 0
    by_year: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] | None = None  # when the history's span is short
    first: Occurrence | None = None
    last: Occurrence | None = None


@dataclass
class History:
    """A phrase's occurrences (one page of them in full), with counts over all of them."""

    query: str
    phrase: str = ""  # the phrase as matched: normalised words joined by spaces
    total: int = 0
    offset: int = 0
    limit: int = 50
    occurrences: list[Occurrence] = field(default_factory=list)  # this page's
    kinds: dict[str, KindSummary] = field(default_factory=lambda: {k: KindSummary() for k in KINDS})
    by_year: dict[str, int] = field(default_factory=dict)  # every kind, dated occurrences
    by_month: dict[str, int] | None = None  # every kind, when the span is short (see MONTHS_WITHIN_YEARS)
    month_unknown: int = 0  # occurrences left out of by_month: their date names the year only
    undated: int = 0
    document_counts: dict[str, int] = field(default_factory=dict)  # per document on this page: all its occurrences
    message: str | None = None

    @property
    def first(self) -> Occurrence | None:
        """The first use in an official text."""
        return self.kinds["official"].first

    @property
    def last(self) -> Occurrence | None:
        """The last use in an official text."""
        return self.kinds["official"].last


def phrase_words(searcher: Searcher, q: str) -> list[str]:
    """The phrase's words as quote search reads a quote (normalised, every word kept, unstemmed)."""
    return plain_words(searcher, q)


def occurrence_docnums(ctx: Context, words: list[str]) -> list[int]:
    """Every sentence holding `words` verbatim, in result order (all candidates checked)."""
    docs, _ = verbatim_docs(ctx, words, check_max=None)
    return order(ctx, docs)


def _year_months(dates: list[str], monthly: bool | None = None) -> tuple[dict[str, int], dict[str, int] | None, int]:
    """Counts per year and, when the years are few (or `monthly` says so), per month, and how many had no month."""
    years = Counter(d[:4] for d in dates)
    by_year = {y: years[y] for y in sorted(years)}
    if monthly is None:
        monthly = bool(by_year) and int(max(by_year)) - int(min(by_year)) < MONTHS_WITHIN_YEARS
    if not monthly:
        return by_year, None, 0
    months = Counter(d[:7] for d in dates if len(d) >= 7)
    return by_year, {m: months[m] for m in sorted(months)}, sum(1 for d in dates if len(d) < 7)


def history(session: Session, searcher: Searcher | None, q: str, *, offset: int = 0,
            limit: int | None = 50) -> History:
    """The history of phrase `q`: one page of occurrences (from `offset`; None: all), counts over all of them."""
    out = History(query=q, offset=offset, limit=limit if limit is not None else 0)
    end = offset + limit if limit is not None else None
    if searcher is None:
        out.message = "The archive has no search index yet."
        return out
    words = phrase_words(searcher, q)
    if not words:
        out.message = "Nothing to look for: the phrase has no letters or digits."
        return out
    out.phrase = " ".join(words)
    ctx = Context(searcher)
    docnums = occurrence_docnums(ctx, words)
    out.total = len(docnums)
    if not docnums:
        out.message = missing_script_message(words, ctx.table.scripts)
        return out
    t = ctx.table
    kinds = [t.kind_of(d) for d in docnums]
    dates = [t.date_of(d) or "" for d in docnums]
    docs = [t.doc_of(d) for d in docnums]
    dated = [d for d in dates if d]
    out.undated = len(dates) - len(dated)
    out.by_year, out.by_month, out.month_unknown = _year_months(dated)
    per_doc = Counter(docs)
    wanted: dict[int, None] = dict.fromkeys(docnums[offset:end])
    ends: dict[str, tuple[int, int]] = {}
    for kind in KINDS:
        mine = [i for i, k in enumerate(kinds) if k == kind]
        s = out.kinds[kind]
        s.count = len(mine)
        s.documents = len({docs[i] for i in mine})
        s.by_year, s.by_month, _ = _year_months([dates[i] for i in mine if dates[i]], out.by_month is not None)
        if mine:
            # Undated texts sort last, so the last use is the last dated one when there is one.
            dated_mine = [i for i in mine if dates[i]] or mine
            ends[kind] = docnums[mine[0]], docnums[dated_mine[-1]]
            wanted.update(dict.fromkeys(ends[kind]))
    found = {d: _occurrence(ctx, d) for d in wanted}
    names = titles(session, {o.document for o in found.values()}, t)
    for o in found.values():
        o.title = names.get(o.document, o.document)
    for kind, (first, last) in ends.items():
        out.kinds[kind].first, out.kinds[kind].last = found[first], found[last]
    out.occurrences = [found[d] for d in docnums[offset:end]]
    out.document_counts = {o.document: per_doc[o.document] for o in out.occurrences}
    return out


def _occurrence(ctx: Context, docnum: int) -> Occurrence:
    f = ctx.stored(docnum)
    t = ctx.table
    return Occurrence(id=f["id"], document=t.doc_of(docnum), date=t.date_of(docnum) or "", kind=t.kind_of(docnum),
                      text=f.get("text", ""), position=f.get("position", 0))
