"""The document and passage API as a reader meets it: titles, sentences, retired and corrected ids."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import run
from app.web.app import create_app
from tests.helpers import COMMENTARY, OFFICIAL, SEED_FILE, SEEDS, passage_containing
from tests.text.test_segment import HEADLINE, OFFICIAL_STARTS
from tests.helpers import TEST_DATA

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

DOCS = TEST_DATA / "docs"
EXTRA = "quillfeather-testbeds-statement-2025"
EDITED_FROM = "Following the lecture and discussions, Xi Jinping delivered an important speech."
EDITED_TO = "Following the lecture and the discussions, Xi Jinping delivered an important speech."
REMOVED = "Members of the Political Bureau listened carefully and engaged in discussions."


def _client(settings) -> TestClient:
    return TestClient(create_app(settings), follow_redirects=False)


# --- the foundation's done-when ---------------------------------------------------------

def test_official_document_has_the_headline_as_title_and_its_dateline(official):
    assert official["title"] == HEADLINE
    assert official["headline"] == HEADLINE
    assert official["dateline"] == "(Xinhua News Agency, Beijing, April 26)"
    assert official["kind"] == "official" and official["date"] == "2025-04-26"
    assert official["publisher"] == "Xinhua News Agency"


def test_official_document_lists_its_25_sentences_none_merged_none_split(official):
    sentences = [p for p in official["passages"] if p["unit"] != "heading"]
    assert official["sentences"] == 25
    assert len(sentences) == 25
    for p, start in zip(sentences, OFFICIAL_STARTS):
        assert p["text"].startswith(start), (p["text"], start)
    seed = SEED_FILE.read_text(encoding="utf-8")
    for p in sentences:
        text = p["text"]
        assert text in seed  # exact source text, nothing invented or lost
        assert text[0].isupper() and text[-1] in ".!?", text  # not split mid-sentence
        # not merged: no second sentence start hides inside (". X" or ".X")
        inner = text[:-1]
        assert not any(inner[i] in ".!?" and inner[i + 1:i + 3].strip()[:1].isupper()
                       for i in range(len(inner) - 2)), text
    assert not any(HEADLINE in p["text"] for p in sentences)
    assert not any(p["text"].startswith("(Xinhua") for p in sentences)
    # reading order, one position per passage
    positions = [p["position"] for p in official["passages"]]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_commentary_lists_headings_and_items_as_their_own_units(commentary):
    units = {p["text"]: p["unit"] for p in commentary["passages"]}
    assert units["Strategic Positioning of AI:"] == "heading"
    assert units["Xi outlined four strengths:"] == "sentence"
    assert units["(1) Rich data resources;"] == "item"
    item = passage_containing(commentary, "(4) A huge market space.")
    assert item["section"] == "China’s Four Major Advantages in AI Development:"
    assert commentary["comments_on"] == OFFICIAL


def test_document_list_and_unknown_slug(client):
    listing = client.get("/api/documents").json()
    assert {d["slug"] for d in listing["documents"]} == {OFFICIAL, COMMENTARY}
    r = client.get("/api/documents/no-such-document")
    assert r.status_code == 404 and "no-such-document" in r.json()["detail"]


def test_every_passage_resolves_by_its_id(client, official):
    for p in official["passages"][:5]:
        r = client.get(f"/api/passages/{p['id']}")
        assert r.status_code == 200
        assert r.json()["text"] == p["text"] and r.json()["document"] == OFFICIAL


# --- unchanged sources are not reprocessed ------------------------------------------------

def test_second_ingest_reports_nothing_changed_and_keeps_the_version(make_settings):
    settings = make_settings()
    first = run(settings, [SEEDS])
    assert first.switched and first.version == 1 and sorted(first.added) == sorted([OFFICIAL, COMMENTARY])
    with _client(settings) as c:
        before = c.get(f"/api/documents/{OFFICIAL}").json()
        second = run(settings, [SEEDS])
        assert (second.changed, second.added, second.retired) == ([], [], [])
        assert second.unchanged == 2 and not second.switched and second.version == 1
        assert c.get("/healthz").json()["version"] == 1
        assert c.get(f"/api/documents/{OFFICIAL}").json() == before
    assert sorted(p.name for p in settings.index_root.iterdir()) == ["v000001"]


# --- a removed document is retired --------------------------------------------------------

def test_document_removed_from_the_sources_is_retired(make_settings, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(DOCS / "extra-official.txt", extra)
    settings = make_settings()
    run(settings, [SEEDS, extra])
    with _client(settings) as c:
        doc = c.get(f"/api/documents/{EXTRA}").json()
        passage = doc["passages"][0]
        summary = run(settings, [SEEDS])
        assert summary.retired == [EXTRA] and summary.version == 2

        r = c.get(f"/api/passages/{passage['id']}")
        assert r.status_code == 410
        assert r.json()["last_known"]["text"] == passage["text"]
        assert r.json()["last_known"]["active"] is False
        r = c.get(f"/documents/{EXTRA}")
        assert r.status_code == 410
        assert "Quillfeather" in r.text
        assert c.get(f"/api/documents/{EXTRA}").status_code == 410
        r = c.get(f"/s/{passage['id']}")
        assert r.status_code == 410 and passage["text"] in r.text
        assert EXTRA not in {d["slug"] for d in c.get("/api/documents").json()["documents"]}
        # the seeds are untouched
        assert c.get(f"/api/documents/{OFFICIAL}").json()["sentences"] == 25


# --- one sentence corrected, one removed --------------------------------------------------

@pytest.fixture(scope="module")
def corrected_archive(tmp_path_factory):
    """The seeds ingested, then a copy with one official sentence edited and one removed."""
    from app.config import Settings
    from tests.helpers import fresh_database_url

    settings = Settings(data_dir=tmp_path_factory.mktemp("corrected"), database_url=fresh_database_url())
    run(settings, [SEEDS])
    with _client(settings) as c:
        before = c.get(f"/api/documents/{OFFICIAL}").json()
    folder = tmp_path_factory.mktemp("edited") / "seeds"
    shutil.copytree(SEEDS, folder)
    path = folder / SEED_FILE.name
    text = path.read_text(encoding="utf-8")
    assert text.count(EDITED_FROM) == 1 and text.count(REMOVED) == 1
    text = text.replace(EDITED_FROM, EDITED_TO).replace(" " + REMOVED, "")
    path.write_text(text, encoding="utf-8")
    summary = run(settings, [folder])
    return settings, before, summary


def test_reingest_after_correction_reports_one_changed_document(corrected_archive):
    _, _, summary = corrected_archive
    assert OFFICIAL in summary.changed and summary.switched and summary.version == 2
    assert summary.added == [] and summary.retired == []


def test_corrected_sentence_old_id_redirects_to_the_new_one(corrected_archive):
    settings, before, _ = corrected_archive
    old = passage_containing(before, EDITED_FROM)
    with _client(settings) as c:
        after = c.get(f"/api/documents/{OFFICIAL}").json()
        new = passage_containing(after, EDITED_TO)
        assert new["id"] != old["id"]
        r = c.get(f"/api/passages/{old['id']}")
        assert r.status_code == 301
        assert r.headers["location"] == f"/api/passages/{new['id']}"
        followed = c.get(r.headers["location"])
        assert followed.status_code == 200 and followed.json()["text"] == EDITED_TO
        r = c.get(f"/s/{old['id']}")
        assert r.status_code == 301 and r.headers["location"] == f"/s/{new['id']}"
        r = c.get(f"/d/{old['id']}")
        assert r.status_code == 301 and r.headers["location"] == f"/d/{new['id']}"
        assert c.get(f"/s/{new['id']}").status_code == 200


def test_removed_sentence_answers_410_with_its_last_text(corrected_archive):
    settings, before, _ = corrected_archive
    gone = passage_containing(before, REMOVED)
    with _client(settings) as c:
        after = c.get(f"/api/documents/{OFFICIAL}").json()
        assert not any(REMOVED in p["text"] for p in after["passages"])
        r = c.get(f"/api/passages/{gone['id']}")
        assert r.status_code == 410
        assert r.json()["last_known"]["text"] == REMOVED
        for page in ("s", "d"):
            r = c.get(f"/{page}/{gone['id']}")
            assert r.status_code == 410 and REMOVED in r.text


def test_other_sentences_keep_their_ids_after_the_correction(corrected_archive):
    settings, before, _ = corrected_archive
    with _client(settings) as c:
        after = c.get(f"/api/documents/{OFFICIAL}").json()
    old = {p["text"]: p["id"] for p in before["passages"]}
    new = {p["text"]: p["id"] for p in after["passages"]}
    assert len(new) == 24
    assert set(old) - set(new) == {EDITED_FROM, REMOVED}
    assert set(new) - set(old) == {EDITED_TO}
    assert all(new[t] == old[t] for t in set(old) & set(new))
