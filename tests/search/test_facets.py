"""Facet counts of a result set, checked against counting the hits' stored themes one by one, on an
index of several segments (one with deletions), through the fast and the public Whoosh paths."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from app.index import whoosh_fast
from app.search.context import Context
from app.search.facets import THEMES_SHOWN, theme_counts
from tests.search.segments import segmented_index

THEMES = [f"theme-{k:02d}" for k in range(25)]  # more than THEMES_SHOWN, so the cut is tested too


@pytest.fixture
def themed_index(tmp_path):
    rng = random.Random(7)

    def fields(n: int) -> dict:
        themes = sorted(rng.sample(THEMES, rng.randint(0, 3)))
        return dict(doc=f"d{n // 40}", kind="official", unit="sentence", date="2025-01", publisher="",
                    themes=",".join(themes), position=n % 40, text=f"word{n % 13} sentence")

    ix = segmented_index(tmp_path, fields, per_segment=400, delete_every=9)
    yield ix
    ix.close()


# The fast path only where the shortcuts are on: the run with them off checks that none is used.
FAST = pytest.param(True, id="fast", marks=pytest.mark.skipif(not whoosh_fast.enabled(),
                                                               reason="the Whoosh shortcuts are off or unavailable"))


@pytest.mark.parametrize("fast", [FAST, pytest.param(False, id="public")])
def test_theme_counts_are_the_hits_stored_themes_counted(themed_index, fast, monkeypatch):
    monkeypatch.setattr(whoosh_fast, "enabled", lambda: fast)
    with themed_index.searcher() as searcher:
        ctx = Context(searcher)
        live = [d for d in range(searcher.reader().doc_count_all()) if not searcher.reader().is_deleted(d)]
        rng = random.Random(3)
        for size in (1, 5, 60, len(live)):
            hits = rng.sample(live, size)
            hits += hits[: size // 3]  # a hit listed twice counts once
            naive = Counter(t for d in set(hits) for t in filter(None, searcher.stored_fields(d)["themes"].split(",")))
            expected = dict(sorted(naive.items(), key=lambda c: (-c[1], c[0]))[:THEMES_SHOWN])
            assert theme_counts(ctx, hits) == expected, size
