"""Passage ids: derived from slug and text only, so they survive re-ingests and edits elsewhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.store.ids import ID_LENGTH, assign_ids, passage_id
from app.web.app import create_app
from tests.helpers import COMMENTARY, OFFICIAL, SEED_FILE, SEEDS
from tests.helpers import TEST_DATA

DOCS = TEST_DATA / "docs"
ID_RE = re.compile(rf"^p[a-z2-7]{{{ID_LENGTH}}}$")
CORRECTED = "Following the lecture and discussions, Xi Jinping delivered an important speech."


# --- the id function --------------------------------------------------------------------

def test_id_shape_is_url_and_fragment_safe():
    pid = passage_id("some-doc", "A sentence.")
    assert ID_RE.match(pid)


def test_ids_already_published_never_change():
    """Permalinks carry these ids: the function may get faster, never different."""
    assert passage_id("some-doc", "A sentence.") == "psil7sjj4pce"
    assert assign_ids("d", ["x", "y", "x"]) == ["pius7x5oco6z", passage_id("d", "y"), "p7lihmi5jkb6"]


def test_same_slug_and_text_give_the_same_id_whatever_the_white_space_or_unicode_form():
    text = "Zoé Müller said: “We act.”"
    decomposed = "Zoe\u0301 Mu\u0308ller said:  “We act.”"
    assert passage_id("d", text) == passage_id("d", decomposed) == passage_id("d", f"  {text}\n")


@pytest.mark.parametrize("other", [
    "A sentence",  # punctuation corrected
    "A sentence!",
    "a sentence.",  # case corrected
    "A sentence. ",  # (white space alone is not a change)
])
def test_any_real_correction_gives_a_new_id(other):
    same = other.strip() == "A sentence."
    assert (passage_id("d", "A sentence.") == passage_id("d", other)) is same


def test_ids_differ_between_documents_and_between_repeats():
    assert passage_id("a", "Same text.") != passage_id("b", "Same text.")
    ids = assign_ids("d", ["Repeated.", "Other.", "Repeated."])
    assert len(set(ids)) == 3
    assert ids[0] == passage_id("d", "Repeated.", 1) and ids[2] == passage_id("d", "Repeated.", 2)


def test_position_does_not_enter_the_id():
    before = assign_ids("d", ["First.", "Second.", "Third."])
    after = assign_ids("d", ["Inserted.", "First.", "Second.", "Third."])
    assert after[1:] == before


# --- through ingest and the API -----------------------------------------------------------

def _ids(settings, slug: str) -> dict[str, str]:
    """text -> id of a document's passages, as the API serves them."""
    with TestClient(create_app(settings)) as c:
        r = c.get(f"/api/documents/{slug}")
        assert r.status_code == 200, r.text
        return {p["text"]: p["id"] for p in r.json()["passages"]}


@pytest.fixture(scope="module")
def seed_ids(seed_settings):
    return {slug: _ids(seed_settings, slug) for slug in (OFFICIAL, COMMENTARY)}


def _seed_copy(tmp_path: Path, edit=None) -> Path:
    """A copy of seeds/; `edit(lines)` may change the seed file's lines in place (same count)."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    if edit:
        path = folder / SEED_FILE.name
        lines = path.read_text(encoding="utf-8").split("\n")
        n = len(lines)
        edit(lines)
        assert len(lines) == n, "the manifest's line ranges must stay valid"
        path.write_text("\n".join(lines), encoding="utf-8")
    return folder


def test_seed_ids_are_well_formed_and_unique(seed_ids):
    all_ids = [pid for ids in seed_ids.values() for pid in ids.values()]
    assert len(seed_ids[OFFICIAL]) == 25
    assert all(ID_RE.match(pid) for pid in all_ids)
    assert len(set(all_ids)) == len(all_ids)


def test_a_second_archive_with_an_extra_document_and_reversed_paths_gives_identical_ids(ingest, seed_ids, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(DOCS / "extra-official.txt", extra)
    settings = ingest(extra, SEEDS)  # extra first: the reverse of the usual order
    for slug in (OFFICIAL, COMMENTARY):
        assert _ids(settings, slug) == seed_ids[slug]
    assert len(_ids(settings, "quillfeather-testbeds-statement-2025")) == 3


def test_reingesting_keeps_every_id(ingest, seed_ids):
    settings = ingest(SEEDS)
    ingest(SEEDS, settings=settings)
    for slug in (OFFICIAL, COMMENTARY):
        assert _ids(settings, slug) == seed_ids[slug]


def test_correcting_punctuation_changes_that_id_only(ingest, seed_ids, tmp_path):
    def edit(lines):
        assert lines[33] == CORRECTED
        lines[33] = CORRECTED.replace("discussions, Xi", "discussions Xi")

    settings = ingest(_seed_copy(tmp_path, edit))
    ids = _ids(settings, OFFICIAL)
    corrected = CORRECTED.replace("discussions, Xi", "discussions Xi")
    assert corrected in ids and CORRECTED not in ids
    assert ids[corrected] != seed_ids[OFFICIAL][CORRECTED]
    unchanged = {t: i for t, i in ids.items() if t != corrected}
    assert unchanged == {t: i for t, i in seed_ids[OFFICIAL].items() if t != CORRECTED}
    assert _ids(settings, COMMENTARY) == seed_ids[COMMENTARY]


def test_inserting_a_sentence_before_others_changes_no_existing_id(ingest, seed_ids, tmp_path):
    inserted = "The session lasted three hours."

    def edit(lines):
        lines[31] = lines[31].replace("— On the afternoon", f"— {inserted} On the afternoon")
        lines[32] = f"{inserted.replace('three', 'four')} {lines[32]}"

    settings = ingest(_seed_copy(tmp_path, edit))
    ids = _ids(settings, OFFICIAL)
    assert len(ids) == 27
    for text, pid in seed_ids[OFFICIAL].items():
        assert ids[text] == pid, text
