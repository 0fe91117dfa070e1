"""The searcher pool: searchers shared by threads, bounded per version, switched with the archive."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from app.search import engine as search
from app.store.db import make_engine, session_factory
from app.index.build import Searchers, make_schema
from app.ingest.pipeline import run
from app.store.reads import current_version
from tests.helpers import SEEDS
from tests.helpers import TEST_DATA

EXTRA = TEST_DATA / "docs" / "extra-official.txt"
QUOTES = ["Global South", "computing power", "technological monitoring, risk early warning and emergency response",
          "independent, controllable, or collaboratively operating", "regulations"]


def _answers(settings, searchers: Searchers) -> dict[str, list[tuple[str, str]]]:
    """Each quote's results (id, grade) as one thread sees them through a leased searcher."""
    sessions = session_factory(make_engine(settings))
    out = {}
    for q in QUOTES:
        with sessions() as session, searchers.lease(current_version(session)) as searcher:
            out[q] = [(r.id, r.match) for r in search.search(session, searcher, q).results]
    return out


def test_threads_share_a_few_searchers_and_get_the_same_results(ingest):
    settings = ingest(SEEDS)
    expected = _answers(settings, Searchers(settings.index_root))
    assert all(expected.values())
    searchers = Searchers(settings.index_root, size=2)
    start = threading.Barrier(8)

    def worker(_):
        start.wait()
        return [_answers(settings, searchers) for _ in range(3)]

    with ThreadPoolExecutor(8) as pool:
        for runs in pool.map(worker, range(8)):
            assert runs == [expected] * 3
    assert searchers.open_count() <= 2


def test_a_new_version_is_leased_at_once_and_the_old_ones_searchers_are_closed(ingest):
    settings = ingest(SEEDS)
    searchers = Searchers(settings.index_root)
    with searchers.lease(1) as old:
        first_count = old.doc_count()
        run(settings, [SEEDS, EXTRA])  # version 2, while a request still reads version 1
        with searchers.lease(2) as new:
            assert new is not old and new.doc_count() > old.doc_count()
        assert not old.is_closed  # still leased: closed only when given back
    assert old.is_closed
    with searchers.lease(2) as again:
        assert again is new  # the newest version's searchers are kept for the next request
    with searchers.lease(1) as late:  # a request that started before the switch still gets version 1
        assert late is not None and late.doc_count() == first_count
    assert late.is_closed
    assert searchers.open_count() == 1


def test_a_missing_index_version_leases_nothing(make_settings):
    settings = make_settings()
    with Searchers(settings.index_root).lease(7) as searcher:
        assert searcher is None


def test_postings_read_in_bulk_match_whoosh_across_segments_and_deletions(tmp_path):
    """read_postings() decodes whoosh3 blocks itself; it must give what Matcher.all_ids() gives."""
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    words = ["alpha", "beta", "gamma", "delta"]
    for batch in range(3):  # three segments (merge=False), the second with deletions
        w = ix.writer()
        for i in range(300):
            n = batch * 300 + i
            text = " ".join(words[k] for k in range(4) if n % (k + 2) == 0) + f" w{n % 7}" + " alpha" * (n % 3)
            w.add_document(id=f"p{n}", doc=f"d{n // 30}", kind="official", unit="sentence", date="2025",
                           publisher="", themes="", position=n % 30, text=text, plain=text, schema_version="2")
        if batch == 2:
            for n in range(0, 900, 11):
                w.delete_by_term("id", f"p{n}")
        w.commit(merge=False)
    with ix.searcher() as s:
        reader = s.reader()
        assert len(reader.leaf_readers()) > 1 and reader.has_deletions()
        for field, word in [(f, w) for f in ("plain", "text") for w in words + ["w3", "nothing"]] + [("doc", "d4")]:
            try:
                m = reader.postings(field, word)
            except Exception:  # noqa: BLE001 - an unknown term
                assert list(search.read_postings(reader, field, word)[0]) == []
                continue
            ids, weights = [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                m.next()
            got, got_weights = search.read_postings(reader, field, word, weights=True)
            assert list(got) == ids and list(got_weights) == weights, (field, word)


def test_a_segment_whose_postings_spill_to_disk_is_the_one_kept_in_memory(tmp_path, monkeypatch, whoosh_switch):
    """_RunPool writes its runs in marshal chunks and merges the rest from memory: same postings."""
    import app.index.build as index_module
    from app.index import whoosh_fast

    if not whoosh_switch(True):  # this test is about the shortcut itself, whatever the run's setting
        pytest.skip(f"the Whoosh shortcuts need whoosh3=={whoosh_fast.WRITTEN_FOR}")

    texts = [f"sentence {n} of the archive says " + " ".join(f"w{(n * k) % 97}" for k in range(1, 25))
             for n in range(1200)]

    def build(folder: Path, limitmb: int, whoosh_own: bool = False):
        ix = whoosh_index.create_in(str(folder), make_schema())
        writer = (SegmentWriter(ix, limitmb=limitmb, compound=False) if whoosh_own
                  else whoosh_fast.segment_writer(ix, limitmb=limitmb))
        for n, text in enumerate(texts):
            writer.add_document(**index_module.completed(dict(
                id=f"p{n}", doc=f"d{n // 40}", kind="official", unit="sentence", date="2025", publisher="",
                themes="", position=n % 40, text=text, schema_version=index_module.SCHEMA_VERSION)))
        spilled = len(writer.pool.runs)
        writer.commit()
        with ix.searcher() as s:
            return spilled, list(s.reader().iter_postings()), [f for _, f in s.reader().iter_docs()]

    monkeypatch.setattr(whoosh_fast, "_RUN_CHUNK", 100)  # several records per run
    (tmp_path / "memory").mkdir()
    (tmp_path / "disk").mkdir()
    in_memory = build(tmp_path / "memory", limitmb=64)
    on_disk = build(tmp_path / "disk", limitmb=1)
    assert in_memory[0] == 0 and on_disk[0] >= 3  # the second one really spilled, several times
    assert on_disk[1] == in_memory[1] and len(in_memory[1]) > 40_000
    assert on_disk[2] == in_memory[2]
    # Whoosh's own writer, its pool in memory and its lengths read per posting, writes the
    # same files: postings, block headers (which carry field lengths) and term info alike.
    (tmp_path / "whoosh").mkdir()
    assert build(tmp_path / "whoosh", limitmb=64, whoosh_own=True)[1:] == in_memory[1:]

    def segment_files(folder: Path) -> dict[str, bytes]:
        """Each file of the one segment, named without the segment's random id."""
        return {f.name.split(".", 1)[1]: f.read_bytes() for f in folder.iterdir() if f.name.startswith("MAIN_")
                and f.suffix in (".pst", ".trm", ".col")}

    assert segment_files(tmp_path / "whoosh") == segment_files(tmp_path / "disk") == segment_files(tmp_path / "memory")


def test_a_versions_normalised_text_held_in_memory_is_each_sentences_column_value(tmp_path):
    """search._Blob joins every segment's `norm` column; each sentence's slice is its value."""
    from app.index.build import SCHEMA_VERSION, completed

    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    for batch in range(3):  # three segments, one of them with an empty text
        w = ix.writer()
        for i in range(40):
            n = batch * 40 + i
            text = "" if n == 45 else f"Sentence {n}: Xi’s “plan” — {'word ' * (n % 5)}ends."
            w.add_document(**completed(dict(id=f"p{n}", doc=f"d{n // 10}", kind="official", unit="sentence",
                                            date="2025", publisher="", themes="", position=n % 10, text=text,
                                            schema_version=SCHEMA_VERSION)))
        w.commit(merge=False)
    with ix.searcher() as s:
        reader = s.reader()
        assert len(reader.leaf_readers()) == 3
        blob = search._Blob.read(reader, "norm")
        column = reader.column_reader("norm", translate=False)
        assert [blob[d] for d in range(reader.doc_count_all())] == [column[d] for d in range(reader.doc_count_all())]
        assert blob[45] == b"" and blob[46].startswith(b"sentence 46 xis plan")
