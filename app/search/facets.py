"""Facets over a whole result set by theme and by year, each a filter the page can add.

Themes are not a column of the version's table (a sentence has several), so each theme's posting
list on the `themes` field (read once per index version and shared, as for words) is counted
against a mask of the hits: a few array look-ups per theme, whatever the number of hits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from app.search.context import Context

THEMES_SHOWN = 20  # the largest themes a result set lists
_THEME_SLUGS: OrderedDict = OrderedDict()  # index key -> the theme slugs its sentences carry
_KEPT = 3
_LOCK = threading.Lock()


def _theme_slugs(ctx: Context) -> list[str]:
    """The themes any sentence of this index version carries (its `themes` field's terms)."""
    with _LOCK:
        found = _THEME_SLUGS.get(ctx.key)
    if found is None:
        try:
            found = sorted(t.decode("utf-8") if isinstance(t, bytes) else t for t in ctx.reader.field_terms("themes"))
        except Exception:  # noqa: BLE001 - an index without themes
            found = []
        with _LOCK:
            _THEME_SLUGS[ctx.key] = found
            while len(_THEME_SLUGS) > _KEPT:
                _THEME_SLUGS.popitem(last=False)
    return found


def theme_counts(ctx: Context, docnums: list[int]) -> dict[str, int]:
    """Hits per theme, the largest first (ties by slug), at most THEMES_SHOWN; themes with none left out."""
    if not docnums:
        return {}
    # Each hit looked up in each theme's posting list (sorted by docnum): a binary search per
    # hit, where marking the hits and reading every posting costs the length of the list.
    hits = np.unique(np.asarray(docnums, dtype=np.int32))
    counts = []
    for slug in _theme_slugs(ctx):
        ids = np.frombuffer(ctx.postings("themes", slug), dtype=np.int32)
        if not len(ids):
            continue
        at = np.minimum(np.searchsorted(ids, hits), len(ids) - 1)
        n = int(np.count_nonzero(ids[at] == hits))
        if n:
            counts.append((slug, n))
    counts.sort(key=lambda c: (-c[1], c[0]))
    return dict(counts[:THEMES_SHOWN])


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
