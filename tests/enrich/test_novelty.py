"""Stored novelty: the earliest statement lists nothing, a later one lists what no earlier one says,
and a change recomputes only the documents whose first uses move (#20). The ingest calls
app.enrich.novelty.update (tests/ingest/test_novelty_ingest.py); here it is called directly."""

import numpy as np
from sqlalchemy import select

from app.enrich import novelty
from app.enrich.novelty_runs import runs_of
from app.store import novelty as stored
from app.store.db import make_engine, session_factory
from app.store.models import Document

BOILER = "The meeting reviewed the work report of the national development council."


def _write(folder, slug, date, body):
    (folder / f"{slug}.md").write_text(f"---\ntitle: {slug}\nkind: official\nslug: {slug}\ndate: {date}\n"
                                       f"publisher: Council\n---\n{BOILER} {body}\n", encoding="utf-8")


def test_first_uses_and_a_targeted_recompute(tmp_path, ingest):
    src = tmp_path / "src"
    src.mkdir()
    _write(src, "s2016", "2016-03-01", "Officials discussed fiscal matters carefully.")
    _write(src, "s2018", "2018", "We will promote independent and controllable technology.")
    _write(src, "s2020", "2020-05-01", "We will promote independent and controllable technology again.")
    settings = ingest(src)
    engine = make_engine(settings)
    with session_factory(engine)() as session, session.begin():
        assert novelty.update(session, [], [], 2, everything=True) == 3
        docs = {d.slug: d for d in session.scalars(select(Document))}
        rows = {s: stored.of_document(session, d.id) for s, d in docs.items()}
        assert rows["s2016"].reason == "first" and rows["s2016"].new == []
        new2018 = [n["phrase"] for n in rows["s2018"].new]
        assert any("independent and controllable" in p for p in new2018)
        assert not any(p in BOILER.lower() for p in new2018)
        assert not any("independent and controllable" in n["phrase"] for n in rows["s2020"].new)
        # s2018 changes: only it and s2020 (which shares its runs) can move
        n = novelty.update(session, [docs["s2018"]], [], 3)
        assert n <= 2
        assert stored.rows(session, [docs["s2016"].id], runs=False)[docs["s2016"].id]["computed_version"] == 2
    engine.dispose()


def _state(session):
    docs = {d.id: d.slug for d in session.scalars(select(Document))}
    new = {s: stored.of_document(session, i).new for i, s in docs.items()}
    holders = session.execute(select(stored.NoveltyFirst.hash, stored.NoveltyFirst.document_id)
                              .order_by(stored.NoveltyFirst.hash)).all()
    return new, [(h, docs[d]) for h, d in holders]


def test_recomputing_all_a_batch_at_a_time_finds_the_same_firsts(tmp_path, ingest, monkeypatch):
    # A formulation first said in one batch and repeated in later ones belongs to the first
    # statement whatever batch the later ones fall in; so does one said twice within a batch.
    src = tmp_path / "src"
    src.mkdir()
    _write(src, "a2015", "2015-01-01", "Officials discussed fiscal matters carefully.")
    _write(src, "b2016", "2016-01-01", "We will build sovereign compute clusters for provincial hospitals.")
    _write(src, "c2017", "2017-01-01", "Sovereign compute clusters will serve provincial hospitals and schools.")
    _write(src, "d2018", "2018-01-01", "Rural broadband cooperatives will extend provincial hospitals.")
    _write(src, "e2019", "2019-01-01", "Rural broadband cooperatives and sovereign compute clusters remain priorities.")
    settings = ingest(src)
    engine = make_engine(settings)
    states = []
    with session_factory(engine)() as session, session.begin():
        for size in (1000, 2, 1):
            monkeypatch.setattr(novelty, "EVERYTHING_BATCH", size)
            assert novelty.update(session, [], [], 2, everything=True) == 5
            states.append(_state(session))
    engine.dispose()
    assert states[0] == states[1] == states[2]
    new, holders = states[0]
    assert any("sovereign compute clusters" in n["phrase"] for n in new["b2016"])
    assert new["b2016"] and new["d2018"] and new["a2015"] == []
    # every run of "sovereign compute clusters" is first the 2016 statement's, of "rural broadband
    # cooperatives" the 2018 one's, though later statements in other batches repeat them
    owner = dict(holders)
    for phrase, first in (("Sovereign compute clusters.", "b2016"), ("Rural broadband cooperatives.", "d2018")):
        runs = runs_of([("p", phrase)]).hashes.view(np.int64).tolist()
        assert runs and all(owner[h] == first for h in runs), phrase
    assert len({h for h, _ in holders}) == len(holders)  # one earliest statement per hash
