"""A phrase's history over the synthetic series (tests/data/phrases): first use, yearly counts, order.

Every expected value comes from the series' plan (which documents hold which phrase, how often),
never from what the archive answers.
"""

from __future__ import annotations

import pytest

from app.config import Settings
from app.index.build import Searchers
from app.ingest.pipeline import run
from app.search import phrases
from app.store.db import make_engine, session_factory
from app.store.reads import current_version
from tests.data.phrases import series
from tests.helpers import fresh_database_url

PLANTED = list(series.SENTENCES)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """(session, searcher) over an archive of the series."""
    folder = series.write(tmp_path_factory.mktemp("phrase-series"))
    settings = Settings(data_dir=tmp_path_factory.mktemp("phrase-data"), database_url=fresh_database_url())
    run(settings, [folder])
    engine = make_engine(settings)
    searchers = Searchers(settings.index_root)
    with session_factory(engine)() as session:
        with searchers.lease(current_version(session)) as searcher:
            yield session, searcher
    searchers.close()
    engine.dispose()


def history(archive, q: str, **kw) -> phrases.History:
    session, searcher = archive
    return phrases.history(session, searcher, q, **kw)


@pytest.mark.parametrize("phrase", PLANTED)
def test_first_official_use_and_yearly_counts_follow_the_plan(archive, phrase):
    h = history(archive, phrase, limit=None)
    official = series.planted(phrase, "official")
    assert h.first.document == official[0].slug and h.first.date == official[0].date
    assert h.last.document == official[-1].slug
    assert h.kinds["official"].by_year == series.by_year(phrase, "official")
    assert h.kinds["commentary"].by_year == series.by_year(phrase, "commentary")
    assert h.by_year == series.by_year(phrase)
    assert h.total == sum(d.phrases[phrase] for d in series.planted(phrase))
    assert h.kinds["official"].documents == len(official)


def test_first_official_use_ignores_an_earlier_commentary(archive):
    h = history(archive, "independent and controllable")
    assert h.kinds["commentary"].first.date < h.first.date  # the analyst said it first
    assert h.first.date.startswith("2019")


def test_a_year_only_date_sorts_at_the_start_of_its_year(archive):
    """'2018' comes before '2018-03-10': the year-only statement is the first use."""
    h = history(archive, "people centred development", limit=None)
    assert [o.date for o in h.occurrences] == ["2018", "2018-03-10"]
    assert h.first.date == "2018" and h.last.date == "2018-03-10"


def test_normalised_as_quote_search_normalises(archive):
    """Case, curly quotes, dashes and punctuation aside, the same phrase; the stored sentence shown as is."""
    plain = history(archive, "safe, reliable and controllable", limit=None)
    styled = history(archive, "“Safe – Reliable, and CONTROLLABLE”", limit=None)
    assert styled.phrase == plain.phrase == "safe reliable and controllable"
    assert [o.id for o in styled.occurrences] == [o.id for o in plain.occurrences]
    assert any("Safe, Reliable and Controllable" in o.text for o in plain.occurrences)


def test_stemming_is_off(archive):
    """'controlled' is not 'controllable': the near miss of 2017 is in one history only."""
    controllable = history(archive, "independent and controllable", limit=None)
    controlled = history(archive, "independent and controlled", limit=None)
    assert "2017" not in controllable.by_year
    assert controlled.total == 1 and controlled.first.date.startswith("2017")
    assert not history(archive, "independent and controllables").total


def test_occurrences_official_first_then_by_date_a_document_together(archive):
    phrase = "safe, reliable and controllable"
    h = history(archive, phrase, limit=None)
    kinds = [o.kind for o in h.occurrences]
    assert kinds == sorted(kinds, key=lambda k: k != "official")  # official block, then commentary
    official = [o for o in h.occurrences if o.kind == "official"]
    assert [o.date for o in official] == sorted(o.date for o in official)
    docs = [o.document for o in h.occurrences]
    assert docs.count(series.planted(phrase, "official")[0].slug) == 2
    # a document's two sentences are next to each other, in reading order
    first_doc = [o for o in h.occurrences if o.document == docs[0]]
    assert docs[:2] == [docs[0]] * 2 and first_doc[0].position < first_doc[1].position


def test_paging_keeps_the_counts_of_every_occurrence(archive):
    phrase = "independent and controllable"
    everything = history(archive, phrase, limit=None)
    pages = [history(archive, phrase, offset=o, limit=4) for o in range(0, everything.total, 4)]
    assert [o.id for p in pages for o in p.occurrences] == [o.id for o in everything.occurrences]
    for p in pages:
        assert p.total == everything.total and p.by_year == everything.by_year
        assert p.first.id == everything.first.id and p.last.id == everything.last.id
    assert len(pages[0].occurrences) == 4


def test_per_month_counts_only_for_a_short_span(archive):
    short = history(archive, "new quality productive forces")
    assert short.by_month == {"2024-03": 1, "2024-09": 1, "2025-03": 1, "2025-04": 1}
    assert short.kinds["commentary"].by_month == {"2025-04": 1}
    assert history(archive, "independent and controllable").by_month is None


def test_boilerplate_is_counted_like_any_phrase(archive):
    """A sentence every statement holds: one per official statement, no cap on the count."""
    h = history(archive, series.BOILERPLATE[0], limit=0)
    assert h.kinds["official"].count == len([d for d in series.DOCS if d.kind == "official"])
    assert h.kinds["commentary"].count == 0 and h.occurrences == []


@pytest.mark.parametrize("q", ["", "   ", "!!! ?", "zzzunknownword", "controllable independent and"])
def test_nothing_to_find(archive, q):
    h = history(archive, q)
    assert h.total == 0 and h.first is None and h.by_year == {} and h.occurrences == []
