"""Stored novelty: the earliest statement lists nothing, a later one lists what no earlier one says,
and a change recomputes only the documents whose first uses move (#20). The ingest calls
app.enrich.novelty.update (tests/ingest/test_novelty_ingest.py); here it is called directly."""

from sqlalchemy import select

from app.enrich import novelty
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
