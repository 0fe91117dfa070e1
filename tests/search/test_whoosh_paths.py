"""Search reads the index the same way with the Whoosh shortcuts on and off.

app.index.whoosh_fast decodes posting blocks and columns through Whoosh's private attributes;
with the shortcuts off, search takes Whoosh's public API instead. These tests read the same
index both ways and require identical postings, columns, scores and results. They need the
shortcuts available (whoosh3 at the version they were written for, POLICY_ARCHIVE_WHOOSH_FAST
not 0); run with the variable at 0, they are skipped and the rest of tests/search proves the
public path alone answers everything.
"""

from __future__ import annotations

from collections import OrderedDict

import pytest

from app.index import whoosh_fast
from app.index.build import Searchers
from app.lru import SizedLRU
from app.search import engine, postings, table
from app.search.context import Context
from app.search.types import POSTINGS_CACHE, Filters
from app.store.db import make_engine, session_factory
from app.store.reads import current_version
from app.web import serialize
from tests.search.segments import segmented_index

pytestmark = pytest.mark.skipif(not whoosh_fast.enabled(), reason="the Whoosh shortcuts are off or unavailable")

QUOTES = [
    "Global South", "computing power", "regulations", "artificial intelligence", "the", "AI",
    "China Intelligent Vehicle Future Challenge",
    "technological monitoring, risk early warning and emergency response",
    "independent, controllable, or collaboratively operating",
    "Xi emphasized that in order to seize opportunities and gain an advantage in the AI field",
    "Xi emphasised that to seize oportunities and gain advantage in the AI field",  # near: spelling, typo
    "He said China should help poorer nations in the Global South build up their technology.",
    "China will ban open-source AI models by 2027.",
]
FILTERS = [Filters(), Filters(kind="commentary"), Filters(kind="official", date_from="2025", date_to="2025-12"),
           Filters(theme="four-advantages")]
ADVANCED = ['"global south" AND kind:official', "regulat* NOT kind:commentary", "chips OR semiconductors",
            'plain:"and collaboratively" kind:"official"', "date:[2025-01-01 TO 2025-12-31] AND technolog*"]
VERIFY = ("Xi emphasized that in order to seize opportunities and gain an advantage in the AI field, China must "
          "achieve breakthroughs in fundamental theories, methods, and tools. He said China should help poorer "
          "nations in the Global South build up their technology. China will ban open-source AI models by 2027.")


@pytest.fixture
def public(monkeypatch):
    """Switch the shortcuts off (for search and for @fast alike) and start with empty caches.

    Yields a function that turns them back on, with empty caches again."""

    def fresh_caches():
        monkeypatch.setattr(postings, "POSTINGS", SizedLRU(POSTINGS_CACHE, postings._postings_size))
        monkeypatch.setattr(table, "TABLES", OrderedDict())

    def switch(on: bool) -> None:
        monkeypatch.setattr(whoosh_fast, "enabled", lambda: on)
        fresh_caches()

    return switch


@pytest.fixture(scope="module")
def seed_index(seed_settings):
    """(session factory, searcher) over the seeded archive's current version."""
    sessions = session_factory(make_engine(seed_settings))
    with sessions() as session:
        version = current_version(session)
    searchers = Searchers(seed_settings.index_root)
    yield sessions, searchers.get(version)
    searchers.close()


@pytest.fixture
def split_index(tmp_path):
    """A small index of three segments, one with deletions, for postings across segments."""
    words = ["alpha", "beta", "gamma", "delta"]

    def fields(n: int) -> dict:
        text = " ".join(words[k] for k in range(4) if n % (k + 2) == 0) + f" w{n % 7}" + " alpha" * (n % 3)
        return dict(doc=f"d{n // 30}", kind="official" if n % 5 else "commentary", unit="sentence",
                    date=f"2025-0{1 + n % 9}", publisher="", themes="", position=n % 30, text=text)

    ix = segmented_index(tmp_path, fields, per_segment=300, delete_every=11)
    yield ix
    ix.close()


def _terms(reader, fields=("plain", "text", "doc", "kind", "themes")) -> list[tuple[str, str]]:
    out = []
    for fieldname in fields:
        if fieldname in reader.schema:
            out.extend((fieldname, t.decode("utf-8")) for t in reader.lexicon(fieldname))
    return out + [("plain", "nowhere-in-the-archive"), ("text", "")]


def _all_postings(reader, weights: bool = False) -> dict:
    """Every term's posting list (ids, and weights when asked), read through search's reader."""
    out = {}
    for f, w in _terms(reader):
        ids, ws = postings.read_postings(reader, f, w, weights=weights)
        out[(f, w)] = (list(ids), list(ws) if weights else None)
    return out


def _table_values(reader) -> dict:
    t = table.Table(reader)
    n = reader.doc_count_all()
    return {
        "kind": (list(t.kind), t.kinds), "doc": (list(t.doc), t.docs), "date": (list(t.date), t.dates),
        "position": list(t.position), "text_length": list(t.text_length), "term_dfs": t.term_dfs,
        "key": list(t.key), "norm": [t.norm[d] for d in range(n)] if t.norm is not None else None,
    }


def _reader(which: str, seed_index, split_index):
    if which == "split":
        reader = split_index.reader()
        assert len(reader.leaf_readers()) == 3 and reader.has_deletions()
        return reader
    return seed_index[1].reader()


@pytest.mark.parametrize("which", ["seed", "split"])
def test_postings_and_columns_are_read_the_same_both_ways(which, public, seed_index, split_index):
    reader = _reader(which, seed_index, split_index)
    public(True)
    whoosh_fast.CALLS.clear()
    fast_postings, fast_table = _all_postings(reader), _table_values(reader)
    assert whoosh_fast.CALLS["leaf_postings"] and whoosh_fast.CALLS["column_values"]
    assert whoosh_fast.CALLS["field_length_bytes"] and whoosh_fast.CALLS["var_bytes_column"]
    public(False)
    whoosh_fast.CALLS.clear()
    assert _all_postings(reader) == fast_postings
    assert _table_values(reader) == fast_table
    assert not whoosh_fast.CALLS
    assert fast_table["norm"] is not None and any(ids for ids, _ in fast_postings.values())


@pytest.mark.parametrize("which", ["seed", "split"])
def test_posting_weights_are_read_the_same_both_ways(which, public, seed_index, split_index):
    """Every block, including two or three postings of unequal weights (a word twice in a sentence),
    which the fast decoder once read as the first weight repeated."""
    reader = _reader(which, seed_index, split_index)
    public(True)
    fast = _all_postings(reader, weights=True)
    public(False)
    assert _all_postings(reader, weights=True) == fast
    if which == "seed":  # the seed holds such lists, so the case is really read
        assert any(2 <= len(ids) <= 3 and len(set(ws)) > 1 for ids, ws in fast.values())


def _answers(sessions, searcher) -> list:
    out = []
    with sessions() as session:
        for q in QUOTES:
            for f in FILTERS:
                for offset in (0, 20):
                    found = engine.search(session, searcher, q, filters=f, offset=offset)
                    out.append((q, f, offset, found.listed, serialize.search_json(found)))
        for q in ADVANCED:
            found = engine.search(session, searcher, q, mode="advanced")
            out.append((q, found.listed, serialize.search_json(found)))
        out.append(serialize.verification_json(engine.verify(session, searcher, VERIFY)))
    return out


def test_search_scores_and_results_are_the_same_both_ways(public, seed_index):
    sessions, searcher = seed_index
    public(True)
    fast = _answers(sessions, searcher)
    public(False)
    whoosh_fast.CALLS.clear()
    assert _answers(sessions, searcher) == fast
    assert not whoosh_fast.CALLS
    hits = [r for a in fast[:-1] for r in a[-1]["results"]]
    assert {"exact", "near", "related"} <= {r["match"] for r in hits} and any(r["bm25"] for r in hits)


def test_a_search_context_reads_the_same_both_ways(public, seed_index):
    """Per-query reads: normalised text, stems, posting lists, weights, filters."""
    searcher = seed_index[1]

    def reads():
        ctx = Context(searcher, Filters(kind="official"))
        n = ctx.reader.doc_count_all()
        return ([ctx.norm(d) for d in range(n)], [ctx.accepts(d) for d in range(n)],
                list(ctx.postings("plain", "south")), [list(a) for a in ctx.weighted_arrays("text", "technolog")])

    public(True)
    fast = reads()
    public(False)
    assert reads() == fast and fast[2] and fast[3][0]



@pytest.mark.parametrize("which", ["seed", "split"])
def test_an_index_opened_with_pread_files_reads_the_same_as_whoosh_opens_it(which, seed_index, split_index, tmp_path):
    """Searchers open index versions through whoosh_fast.open_dir, whose files answer random
    reads with pread: every stored field, posting (through Whoosh's own matchers, segment by
    segment) and column value must be what Whoosh's own open_dir gives."""
    from whoosh import index as whoosh_index
    from whoosh.reading import TermNotFound

    folder = postings._folder(seed_index[1].reader().leaf_readers()[0][0]) if which == "seed" else str(tmp_path)

    def everything(ix) -> tuple:
        with ix.searcher() as s:
            reader = s.reader()
            n = reader.doc_count_all()
            stored = [None if reader.is_deleted(d) else reader.stored_fields(d) for d in range(n)]
            posts = {}
            for i, (leaf, _) in enumerate(reader.leaf_readers()):
                for f, w in _terms(reader):
                    try:
                        posts[(i, f, w)] = postings._public_leaf_postings(leaf, f, w, True)
                    except TermNotFound:
                        pass
            cols = {name: [reader.column_reader(name, translate=False)[d] for d in range(n)]
                    for name in ("norm", "kind", "doc") if reader.has_column(name)}
            return stored, posts, cols

    whoosh_fast.CALLS.clear()
    fast = everything(whoosh_fast.open_dir(folder))
    assert whoosh_fast.CALLS["open_dir"] == 1
    assert everything(whoosh_index.open_dir(folder)) == fast
    assert any(fast[0]) and any(ids for ids, _ in fast[1].values()) and fast[2]["norm"]
