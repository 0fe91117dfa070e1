"""Where a wording comes from: the source ranks first, commentary names what it reports, and
words repeated across the archive's documents (titles, party names) do not decide a ranking."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from app.index import weights
from app.index.build import Searchers, version_dir
from app.search import engine as search
from app.store.db import make_engine, session_factory
from app.store.reads import current_version
from app.web.app import create_app
from tests.helpers import OFFICIAL, SEEDS, TEST_DATA, passage_containing

# Plain SQL reads (the reported sentence, the aligned ones) run on PostgreSQL too.
pytestmark = pytest.mark.pg

SOURCE_FIRST = TEST_DATA / "source_first"
TWO_LEADS = TEST_DATA / "two_leads"
FERRY = "operators must keep a licensed pilot aboard every autonomous ferry during its first two hundred hours of service"


def hits(client, q: str) -> list[dict]:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200, r.text
    return r.json()["results"]


@pytest.fixture(scope="module")
def ferry(tmp_path_factory):
    """An official notice and two commentaries quoting it, one published days after it, one months."""
    from app.config import Settings
    from app.ingest.pipeline import run
    from tests.helpers import fresh_database_url

    settings = Settings(data_dir=tmp_path_factory.mktemp("ferry"), database_url=fresh_database_url())
    run(settings, [SOURCE_FIRST])
    with TestClient(create_app(settings)) as c:
        yield settings, c


def _search(settings, q: str):
    """engine.search over the archive's current version (the Result objects, before serialising)."""
    sessions = session_factory(make_engine(settings))
    searchers = Searchers(settings.index_root)
    try:
        with sessions() as session:
            searcher = searchers.get(current_version(session))
            return search.search(session, searcher, q)
    finally:
        searchers.close()


def test_a_verbatim_quote_lists_the_official_text_then_the_earliest_commentary(ferry):
    _, client = ferry
    found = hits(client, FERRY)
    assert [h["match"] for h in found] == ["exact"] * 3
    assert [h["document"] for h in found] == [
        "ferry-testing-notice-2024", "ferry-notice-commentary-earlier", "ferry-notice-commentary-later"]


def test_a_commentary_hit_names_the_official_sentence_it_reports(ferry):
    settings, _ = ferry
    out = _search(settings, FERRY)
    official, *commentary = out.results
    assert official.kind == "official" and official.reports is None
    assert commentary and all(r.reports and r.reports["id"] == official.id for r in commentary)
    assert all(r.reports["document"] == "ferry-testing-notice-2024" for r in commentary)


def test_at_equal_similarity_the_official_sentence_ranks_first(client, official):
    """The commentary's wording and the official's are equally close to this quote."""
    found = hits(client, "China must achieve breakthroughs in basic theories, methods and tools")
    first, second = found[:2]
    assert first["match"] == second["match"] and abs(first["score"] - second["score"]) <= 0.02
    assert first["kind"] == "official" and second["kind"] == "commentary"


@pytest.fixture(scope="module")
def leads(tmp_path_factory):
    """The seeds plus three readouts (written for this test) opening with the same titles and party names."""
    from app.config import Settings
    from app.ingest.pipeline import run
    from tests.helpers import fresh_database_url

    sources = tmp_path_factory.mktemp("leads-sources")
    shutil.copytree(SEEDS, sources / "seeds")
    shutil.copytree(TWO_LEADS, sources / "readouts")
    settings = Settings(data_dir=tmp_path_factory.mktemp("leads"), database_url=fresh_database_url())
    run(settings, [sources])
    with TestClient(create_app(settings)) as c:
        yield settings, c


@pytest.mark.parametrize("rendering", [
    # The 2025 readout's lead as other outlets render it: the titles as the 2018 readout gives them.
    "Xi Jinping, general secretary of the Communist Party of China (CPC) Central Committee, has urged efforts "
    "to promote the healthy and orderly development of artificial intelligence.",
    "Xi Jinping, general secretary of the CPC Central Committee, has urged efforts to promote the healthy and "
    "orderly development of artificial intelligence.",
])
def test_shared_titles_and_party_names_do_not_outrank_the_content(leads, official, rendering):
    _, client = leads
    lead = passage_containing(official, "presided over the session and emphasized")
    found = hits(client, rendering)
    assert found and found[0]["id"] == lead["id"], [(h["document"], h["text"][:60]) for h in found[:3]]


def test_a_loose_translation_finds_its_source_by_its_rare_words(client, official):
    """Most of its words are in no archived sentence; the rare ones it shares are in one."""
    source = passage_containing(official, "promote AI education across all educational stages")
    found = hits(client, "He called for AI education to be popularised at every tier of schooling and for AI "
                         "literacy to be heightened throughout society, so that a vast reservoir of first-rate "
                         "talent is nurtured without pause.")
    assert found and found[0]["id"] == source["id"] and found[0]["match"] == "related"


def test_common_words_shared_by_chance_are_not_related(client):
    assert hits(client, "China will ban open-source AI models by 2027.") == []


def test_archive_word_counts_follow_every_ingest_exactly(tmp_path, make_settings):
    """The counts an ingest updates from the documents it changed equal a count of the whole index."""
    from app.ingest.pipeline import run

    settings = make_settings()
    src = tmp_path / "src"
    shutil.copytree(TWO_LEADS, src)

    def check() -> weights.DocFreq:
        sessions = session_factory(make_engine(settings))
        with sessions() as session:
            folder = version_dir(settings.index_root, current_version(session))
        kept = weights.read(folder)
        from whoosh import index as whoosh_index
        ix = whoosh_index.open_dir(str(folder))
        with ix.reader() as reader:
            whole = weights.count(reader)
        ix.close()
        assert kept is not None and (kept.documents, kept.df) == (whole.documents, whole.df)
        return kept

    run(settings, [src])
    first = check()
    assert first.documents == 3 and first.df["xi"] == 3
    (src / "readout-2021.md").unlink()  # retired
    text = (src / "readout-2023.md").read_text(encoding="utf-8")
    (src / "readout-2023.md").write_text(text.replace("wetlands", "floodplains"), encoding="utf-8")  # changed
    run(settings, [src])
    second = check()
    assert second.documents == 2 and "floodplain" in second.df and "wetland" not in second.df
    assert "granari" not in second.df  # only the retired readout said it
