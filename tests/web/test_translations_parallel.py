"""The parallel reader: a translation beside its original, one row per aligned pair, gaps in place."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from app.config import Settings
from app.ingest.pipeline import run
from app.store import alignments
from app.store.db import make_engine, session_factory
from app.store.models import Alignment, Document
from app.web.app import create_app
from tests.helpers import OFFICIAL, SEEDS, fresh_database_url

ZH = Path(__file__).resolve().parent.parent / "data" / "zh"
ORIGINAL = "state-council-ai-2025-zh"
CLOSE = "state-council-ai-2025-en-close"
FREE = "state-council-ai-2025-en-free"
OMITTED = "会议还研究了其他事项。"  # the free translation leaves this out
PAGE_LIMIT = 120_000  # bytes of HTML for the test's bilingual document


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    sources = tmp_path_factory.mktemp("zh-sources")
    for f in ZH.glob("*.md"):
        shutil.copy(f, sources / f.name)
    shutil.copytree(SEEDS, sources / "seeds")  # documents with no translation
    settings = Settings(data_dir=tmp_path_factory.mktemp("zh-data"), database_url=fresh_database_url())
    run(settings, [sources])
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c, settings


@pytest.fixture(scope="module")
def client(zh):
    return zh[0]


def page(client, path: str):
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return r, lxml.html.fromstring(r.text)


def _has(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def rows(tree) -> list:
    """The aligned pairs' rows (the column header aside)."""
    return tree.xpath(f"//div[{_has('par-row')} and not({_has('par-head')})]")


def units(el, side: str) -> list:
    """One side's sentence elements under `el`."""
    return el.xpath(f".//div[{_has('par-' + side)}]/p[{_has('par-s')}]")


def cell(row, side: str):
    return row.xpath(f"./div[{_has('par-' + side)}]")[0]


def sentences(tree, side: str) -> list[tuple[str, str, str]]:
    """(id, lang, text) of one side's sentences, in page order."""
    return [(p.get("id"), p.get("lang"), p.text_content().replace("Original: ", "").replace("Translation: ", "").rstrip(" ¶"))
            for row in rows(tree) for p in units(row, side)]


def test_every_sentence_of_both_documents_appears_once_in_reading_order(client):
    _, tree = page(client, f"/parallel/{FREE}")
    for side, slug in (("o", ORIGINAL), ("t", FREE)):
        doc = client.get(f"/api/documents/{slug}").json()
        shown = sentences(tree, side)
        assert [s[0] for s in shown] == [p["id"] for p in doc["passages"]]
        assert [s[2] for s in shown] == [p["text"] for p in doc["passages"]]
        assert {s[1] for s in shown} == {doc["language"]}  # lang on every passage, per its document


def test_the_left_out_sentence_is_flagged_in_place_and_a_merged_pair_shares_a_row(client):
    _, tree = page(client, f"/parallel/{FREE}")
    found = rows(tree)
    gap = next(i for i, r in enumerate(found) if OMITTED in r.text_content())
    assert "not translated" in cell(found[gap], "t").text_content()
    assert not units(found[gap], "t")
    # in place: the rows around it hold the original's neighbouring sentences
    original = [p["text"] for p in client.get(f"/api/documents/{ORIGINAL}").json()["passages"]]
    at = original.index(OMITTED)
    assert original[at - 1] in found[gap - 1].text_content()
    assert original[at + 1] in found[gap + 1].text_content()
    merged = [r for r in found if len(units(r, "o")) == 2 and len(units(r, "t")) == 1]
    assert merged  # the free translation renders two Chinese sentences as one
    assert not any("not translated" in r.text_content() for r in rows(page(client, f"/parallel/{CLOSE}")[1]))


def test_each_sentence_links_to_its_place_in_its_own_document(client):
    _, tree = page(client, f"/parallel/{FREE}")
    for side, slug in (("o", ORIGINAL), ("t", FREE)):
        p = [x for row in rows(tree) for x in units(row, side)][3]
        href = p.xpath(f"./a[{_has('pid')}]")[0].get("href")
        assert href == f"/documents/{slug}?at={p.get('id')}#{p.get('id')}"  # the landing form, resolved server-side
        landed = client.get(href.split("#")[0])
        assert landed.status_code == 200 and f'id="{p.get("id")}"' in landed.text


@pytest.mark.parametrize("view", ["both", "original", "translation"])
def test_the_view_toggle_is_a_plain_link_that_works_without_script(client, view):
    _, tree = page(client, f"/parallel/{FREE}?view={view}")
    grid = tree.get_element_by_id("par-grid")
    assert f"par-show-{view}" in grid.get("class")
    toggle = tree.xpath(f"//nav[{_has('par-views')}]/a")
    assert [a.get("data-view") for a in toggle if a.get("aria-current")] == [view]
    hrefs = {a.get("data-view"): a.get("href") for a in toggle}
    assert hrefs == {"both": f"/parallel/{FREE}", "original": f"/parallel/{FREE}?view=original",
                     "translation": f"/parallel/{FREE}?view=translation"}


def test_an_unknown_view_shows_both_sides(client):
    _, tree = page(client, f"/parallel/{FREE}?view=%3Cscript%3E")
    assert "par-show-both" in tree.get_element_by_id("par-grid").get("class")


def test_the_page_stays_within_its_size_budget(client):
    r, _ = page(client, f"/parallel/{CLOSE}")
    assert len(r.content) <= PAGE_LIMIT, f"{len(r.content)} bytes"


def test_an_original_opens_beside_its_first_translation_and_other_documents_are_404(client):
    r = client.get(f"/parallel/{ORIGINAL}?view=original")
    assert r.status_code == 302 and r.headers["location"] == f"/parallel/{CLOSE}?view=original"
    assert client.get(f"/api/parallel/{ORIGINAL}").headers["location"] == f"/api/parallel/{CLOSE}"
    missing = client.get("/parallel/no-such-document")
    assert missing.status_code == 404 and "no-such-document" in missing.text


def test_a_document_with_no_translation_says_so(client):
    r = client.get(f"/parallel/{OFFICIAL}")
    assert r.status_code == 200 and "No translation of this document is in the archive." in r.text
    data = client.get(f"/api/parallel/{OFFICIAL}").json()
    assert data["translation"] is None and data["rows"] == [] and data["message"]


def test_the_json_twin_gives_the_same_rows(client):
    data = client.get(f"/api/parallel/{FREE}").json()
    assert data["original"]["slug"] == ORIGINAL and data["translation"]["slug"] == FREE
    assert [x["slug"] for x in data["other_translations"]] == [CLOSE]
    gap = next(r for r in data["rows"] if [s["text"] for s in r["original"]] == [OMITTED])
    assert gap["translation"] == [] and gap["aligned"] and 0 < gap["confidence"] <= 1
    assert all(s["language"] == "zh" for r in data["rows"] for s in r["original"])
    _, tree = page(client, f"/parallel/{FREE}")
    assert len(rows(tree)) == len(data["rows"])


def test_a_sentence_no_bead_names_is_shown_alone_in_place(zh):
    _, settings = zh
    with session_factory(make_engine(settings))() as session:
        original = session.scalar(select(Document).where(Document.slug == ORIGINAL))
        free = session.scalar(select(Document).where(Document.slug == FREE))
        def ids(beads):
            return [([p.id for p in o], [p.id for p in t], c) for o, t, c in beads]

        before = ids(alignments.beads(session, original, free))
        dropped = before[5][1][0]  # a translation sentence, as if added after the alignment
        session.execute(delete(Alignment).where(Alignment.translation_id == dropped))
        after = ids(alignments.beads(session, original, free))
        session.rollback()
    assert [t for o, ts, _ in after for t in ts] == [t for o, ts, _ in before for t in ts]  # still in reading order
    assert [x for os, _, _ in after for x in os] == [x for os, _, _ in before for x in os]
    assert ([], [dropped], None) in after


def test_both_readers_link_to_the_parallel_reader(client):
    original = client.get(f"/documents/{ORIGINAL}").text
    assert f'href="/parallel/{CLOSE}"' in original and f'href="/parallel/{FREE}"' in original
    translation = client.get(f"/documents/{FREE}").text
    assert f'href="/parallel/{FREE}"' in translation


def test_a_weak_alignment_is_shown_as_uncertain_not_silently_paired(zh):
    _, settings = zh
    make = session_factory(make_engine(settings))
    with make() as session:
        free = session.scalar(select(Document.id).where(Document.slug == FREE))
        row = session.scalars(select(Alignment).where(Alignment.document_id == free).order_by(Alignment.bead)).all()[4]
        bead, kept = row.bead, row.confidence
        session.execute(update(Alignment).where(Alignment.document_id == free, Alignment.bead == bead).values(confidence=0.2))
        session.commit()
    try:
        with TestClient(create_app(settings)) as fresh:  # a new app: no page cached from before the change
            data = fresh.get(f"/api/parallel/{FREE}").json()
            weak = [r for r in data["rows"] if r["uncertain"]]
            assert len(weak) == 1 and weak[0]["confidence"] == 0.2
            tree = lxml.html.fromstring(fresh.get(f"/parallel/{FREE}").text)
            marked = tree.xpath(f"//div[{_has('par-uncertain')}]")
            assert len(marked) == 1 and "Uncertain alignment (0.20)" in marked[0].text_content()
            assert weak[0]["translation"][0]["text"] in marked[0].text_content()  # still shown, in its place
    finally:
        with make() as session:
            session.execute(update(Alignment).where(Alignment.document_id == free, Alignment.bead == bead).values(confidence=kept))
            session.commit()
