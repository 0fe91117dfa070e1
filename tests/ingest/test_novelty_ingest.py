"""The ingest keeps "what is new in a statement" up to date (#20): computed for the whole series by the
first ingest, and by `ingest --add` of one more statement for it and the later statements whose first
uses move only, the count in the summary; a failed ingest leaves the previous novelty serving."""

from __future__ import annotations

import errno

import pytest
from fastapi.testclient import TestClient

from app.ingest import pipeline
from app.ingest.pipeline import IngestError, run
from app.web.app import create_app
from tests.enrich.test_novelty_series import PLANTED, first_of, statements, stored_novelty, write

PHRASE = "independent and controllable"
ADDED = first_of(PHRASE)  # statement-2017: without it, the phrase is first said a year later
LATER = sorted(PLANTED[PHRASE])[1]


def _lists(novelty: dict, slug: str, phrase: str) -> bool:
    return any(x["phrase"] == phrase for x in novelty[slug]["new"])


def test_the_first_ingest_computes_every_statement(tmp_path, make_settings):
    settings = make_settings()
    summary = run(settings, [write(tmp_path / "all")])
    assert summary.novelty == len(statements())
    again = run(settings, [tmp_path / "all"])  # nothing changed: nothing recomputed
    assert again.novelty == 0 and not again.switched


def test_adding_a_statement_recomputes_it_and_the_later_ones_it_changes_only(tmp_path, make_settings):
    settings = make_settings()
    first = run(settings, [write(tmp_path / "rest", leave_out={ADDED})])
    assert first.novelty == len(statements()) - 1
    before = stored_novelty(settings)
    assert _lists(before, LATER, PHRASE)  # the phrase's first statement while ADDED is missing

    summary = run(settings, [write(tmp_path / "one", only={ADDED})], add=True)
    after = stored_novelty(settings)
    assert summary.added == [ADDED] and summary.switched
    assert _lists(after, ADDED, PHRASE) and not _lists(after, LATER, PHRASE)
    # ADDED shares with the others only the boilerplate (first said in 2015, which stays first) and
    # the phrase, which moves from LATER to ADDED: those two are recomputed, no other.
    assert summary.novelty == 2
    untouched = [s for s in before if s != LATER]
    assert all(after[s]["version"] == before[s]["version"] for s in untouched)
    assert all(after[s]["new"] == before[s]["new"] for s in untouched)

    gone = run(settings, [tmp_path / "rest"])  # ADDED retired again: the phrase goes back to LATER
    assert gone.retired == [ADDED] and gone.novelty == 1
    assert _lists(stored_novelty(settings), LATER, PHRASE)


def test_a_failed_ingest_leaves_the_previous_novelty_serving(tmp_path, make_settings, monkeypatch):
    settings = make_settings()
    run(settings, [write(tmp_path / "rest", leave_out={ADDED})])
    before = stored_novelty(settings)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline.store, "switch", full_disk)  # fails after the novelty stage wrote its rows
    with pytest.raises(IngestError):
        run(settings, [write(tmp_path / "one", only={ADDED})], add=True)
    monkeypatch.undo()
    assert stored_novelty(settings) == before
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/documents/{ADDED}/novelty").status_code == 404
        later = client.get(f"/api/documents/{LATER}/novelty").json()
    assert PHRASE in [x["phrase"] for x in later["new"]]
