"""Facets over a whole result set by theme and by year, each a filter the page can add.

Themes are not a column of the version's table (a sentence has several), so the themes' posting
lists on the `themes` field are read once per index version into one table of (sentence, theme)
pairs sorted by sentence, and a query's hits are looked up in it all at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from app.search.context import Context

THEMES_SHOWN = 20  # the largest themes a result set lists
_THEME_TABLES: OrderedDict = OrderedDict()  # index key -> its (sentence, theme) pairs (see _theme_table)
_KEPT = 3
_LOCK = threading.Lock()


def _theme_slugs(ctx: Context) -> list[str]:
    """The themes any sentence of this index version carries (its `themes` field's terms)."""
    try:
        return sorted(t.decode("utf-8") if isinstance(t, bytes) else t for t in ctx.reader.field_terms("themes"))
    except Exception:  # noqa: BLE001 - an index without themes
        return []


def _theme_table(ctx: Context) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The version's theme slugs, and every (sentence, theme) pair as two arrays sorted by docnum:
    the sentences' docnums and the index of their theme in the slugs. Built once per version."""
    with _LOCK:
        found = _THEME_TABLES.get(ctx.key)
    if found is None:
        slugs = _theme_slugs(ctx)
        lists = [np.frombuffer(ctx.postings("themes", slug), dtype=np.int32) for slug in slugs]
        ids = np.concatenate(lists) if lists else np.zeros(0, dtype=np.int32)
        codes = np.repeat(np.arange(len(slugs), dtype=np.int32), [len(x) for x in lists])
        order = np.argsort(ids, kind="stable")
        found = (slugs, ids[order], codes[order])
        with _LOCK:
            _THEME_TABLES[ctx.key] = found
            while len(_THEME_TABLES) > _KEPT:
                _THEME_TABLES.popitem(last=False)
    return found


def theme_counts(ctx: Context, docnums: list[int]) -> dict[str, int]:
    """Hits per theme, the largest first (ties by slug), at most THEMES_SHOWN; themes with none left out."""
    if not docnums:
        return {}
    slugs, ids, codes = _theme_table(ctx)
    # Each hit's run of (sentence, theme) pairs found by binary search, and the themes of all the
    # runs counted at once: a few array operations per query, however many themes there are.
    hits = np.unique(np.asarray(docnums, dtype=np.int32))
    lo, hi = np.searchsorted(ids, hits, "left"), np.searchsorted(ids, hits, "right")
    lengths = hi - lo
    total = int(lengths.sum())
    if not total:
        return {}
    at = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    counts = np.bincount(codes[at], minlength=len(slugs))
    found = [(slugs[i], int(counts[i])) for i in np.flatnonzero(counts).tolist()]
    found.sort(key=lambda c: (-c[1], c[0]))
    return dict(found[:THEMES_SHOWN])


def year_counts(ctx: Context, docnums: list[int]) -> dict[str, int]:
    """Hits per year of their document's date, newest first; undated sentences are not counted."""
    if not docnums:
        return {}
    t = ctx.table
    codes, counts = np.unique(np.frombuffer(t.date, dtype=np.int32)[np.asarray(docnums, dtype=np.int64)],
                              return_counts=True)
    years: dict[str, int] = {}
    for code, n in zip(codes.tolist(), counts.tolist()):
        date = t.dates[code]
        if date:
            years[date[:4]] = years.get(date[:4], 0) + n
    return dict(sorted(years.items(), reverse=True))
