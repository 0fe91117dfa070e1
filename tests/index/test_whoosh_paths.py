"""The Whoosh shortcuts change how fast the index is written, never what it holds.

The same records are built twice, with the shortcuts on (the index child and its second
segment included) and off (Whoosh's public API, one writer), and the two indexes are read
back through Whoosh's public reader API: documents, stored fields, postings, field lengths
and scores must all be the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from app import procs
from app.index import child, whoosh_fast
from app.index.build import SCHEMA_VERSION, Build, start_version, version_dir
from tests.helpers import SEEDS, TEST_DATA

QUERIES = [("text", "artificial intelligence"), ("text", "regulations"), ("text", "computing power"),
           ("text", "safety OR security"), ("plain", '"hardware and software"'), ("plain", "global south")]


def _records() -> list[dict]:
    """Sentence-sized records from every seed and test data file, a few dozen to a document."""
    texts = []
    for path in sorted(SEEDS.glob("*.txt")) + sorted(p for p in TEST_DATA.rglob("*") if p.suffix in (".txt", ".md")):
        texts += [t.strip() for t in re.split(r"(?<=[.!?;:])\s+|\n+", path.read_text(encoding="utf-8", errors="replace")) if t.strip()]
    return [dict(id=f"p{n}", doc=f"d{n // 40:03d}", kind="commentary" if n // 40 % 3 == 0 else "official",
                 unit="sentence", date=f"2025-0{n % 9 + 1}-01", publisher="", themes="ai-act" if n % 5 == 0 else "",
                 position=n % 40, text=text, schema_version=SCHEMA_VERSION)
            for n, text in enumerate(texts)]


def _build(root: Path, version: int, records: list[dict], remove=()) -> Path:
    """One index version written as the ingest writes it: the first part `ahead`, the rest after."""
    folder, _ = start_version(root, version - 1 or None, version)
    build = Build(folder, remove, len(records))
    split = len(records) * 2 // 3
    build.ahead(records[:split])
    build.ahead_done()
    build.rest(records[split:])
    build.commit()
    return folder


def _contents(folder: Path) -> dict:
    """Everything the index holds, as Whoosh's public reader API gives it."""
    ix = whoosh_index.open_dir(str(folder))
    try:
        with ix.searcher() as s:
            r = s.reader()
            docnums = list(r.all_doc_ids())
            terms = {}
            for field in ("text", "plain", "doc", "themes", "position"):
                for i, term in enumerate(r.lexicon(field)):
                    if i % 3 == 0:  # a sample of every field's terms, rare and common
                        m = r.postings(field, term)
                        terms[field, term] = (r.doc_frequency(field, term), r.frequency(field, term),
                                              list(m.items_as("positions") if field in ("text", "plain")
                                                   else m.items_as("frequency")))
            scores = {}
            for field, q in QUERIES:
                hits = s.search(QueryParser(field, ix.schema).parse(q), limit=None)
                scores[field, q] = [(h.docnum, h.score) for h in hits]
            return {
                "count": (r.doc_count(), r.doc_count_all()),
                "stored": [(d, r.stored_fields(d)) for d in docnums],
                "lengths": {f: ([r.doc_field_length(d, f) for d in docnums], r.field_length(f), r.max_field_length(f))
                            for f in ("text", "plain")},
                "columns": {f: [r.column_reader(f, translate=False)[d] for d in docnums] for f in ("norm", "stems")},
                "terms": terms,
                "scores": scores,
                "segments": len(r.leaf_readers()),
            }
    finally:
        ix.close()


def _both(tmp_path, monkeypatch, whoosh_switch, versions) -> tuple[dict, dict]:
    """The contents of the last version of `versions` (records, removed docs), written each way."""
    if not whoosh_switch(True):
        pytest.skip(f"the Whoosh shortcuts need whoosh3=={whoosh_fast.WRITTEN_FOR}")
    monkeypatch.setattr(child, "INDEX_MIN_PASSAGES", 1)  # the child takes part in the fast build
    monkeypatch.setattr(procs, "cores", lambda: 2)
    out = []
    for on in (True, False):
        assert whoosh_switch(on) is on
        root = tmp_path / ("fast" if on else "public")
        for version, (records, remove) in enumerate(versions, start=1):
            _build(root, version, records, remove)
        out.append(_contents(version_dir(root, len(versions))))
        if not on:
            assert not whoosh_fast.CALLS  # the public build took no shortcut
    return out[0], out[1]


def test_a_fresh_index_is_the_same_with_the_shortcuts_on_and_off(tmp_path, monkeypatch, whoosh_switch):
    import app.index.build as index_module

    monkeypatch.setattr(index_module, "LIMIT_MB", 1)  # both writers spill postings to disk
    monkeypatch.setattr(index_module, "CHILD_LIMIT_MB", 1)
    records = _records()
    assert len(records) > 400
    fast, public = _both(tmp_path, monkeypatch, whoosh_switch, [(records, ())])
    assert (fast.pop("segments"), public.pop("segments")) == (2, 1)  # the child's segment, then this process's
    assert fast["count"] == public["count"] == (len(records), len(records))
    for key in public:
        assert fast[key] == public[key], key
    assert all(public["scores"].values()) and len(public["terms"]) > 300


def test_an_updated_index_is_the_same_with_the_shortcuts_on_and_off(tmp_path, monkeypatch, whoosh_switch):
    """A second version seeded from the first: documents removed, changed and added."""
    records = _records()
    first, later = records[:300], records[300:]
    changed = [{**r, "text": r["text"] + " (amended)"} for r in first if r["doc"] == "d003"]
    versions = [(first, ()), (changed + later, ("d003", "d007"))]
    fast, public = _both(tmp_path, monkeypatch, whoosh_switch, versions)
    fast.pop("segments"), public.pop("segments")
    kept = len(first) - sum(r["doc"] in ("d003", "d007") for r in first)
    assert public["count"][0] == kept + len(changed) + len(later)
    for key in public:
        assert fast[key] == public[key], key


def test_with_the_shortcuts_off_none_runs_and_no_child_starts(tmp_path, monkeypatch, whoosh_switch):
    assert whoosh_switch(False) is False
    monkeypatch.setattr(child, "INDEX_MIN_PASSAGES", 1)
    monkeypatch.setattr(procs, "cores", lambda: 2)

    def no_child(*args, **kwargs):
        raise AssertionError("an index child started while the Whoosh shortcuts are off")

    monkeypatch.setattr(child.SegmentChild, "__init__", no_child)
    folder, _ = start_version(tmp_path, None, 1)
    build = Build(folder, (), 10_000)
    assert not build.parallel
    _build(tmp_path, 2, _records()[:300])
    assert not whoosh_fast.CALLS
    with pytest.raises(RuntimeError, match="shortcuts are off"):
        whoosh_fast.segment_writer(whoosh_index.open_dir(str(folder)), limitmb=1)
    build.cancel()
