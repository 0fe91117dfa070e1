"""Pages served again are the same page, and never outlive the archive version they show."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

import app.web.cite
import app.web.pagecache
from app.ingest.pipeline import run
from app.web.app import DEFAULT_BASE_URL, create_app
from tests.helpers import OFFICIAL, SEED_FILE, SEEDS

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

DIRECTIVE = "pztcufnb7mdp"  # the first directive of the official seed
DIRECTIVE_FROM = "Moreover, Xi urged the use of AI to drive a paradigm shift in scientific research"
DIRECTIVE_TO = "Moreover, Xi urged the use of AI to drive a profound paradigm shift in scientific research"
REMOVED = "Members of the Political Bureau listened carefully and engaged in discussions."
PAGES = ["/", f"/documents/{OFFICIAL}", f"/d/{DIRECTIVE}", f"/s/{DIRECTIVE}", "/themes",
         "/themes/research-compute", "/themes/research-compute?kind=official&offset=1", "/directives?theme=talent-education"]


def _client(settings) -> TestClient:
    return TestClient(create_app(settings), follow_redirects=False)


def _passage_id(c: TestClient, fragment: str) -> str:
    found = [p["id"] for p in c.get(f"/api/documents/{OFFICIAL}").json()["passages"] if fragment in p["text"]]
    assert len(found) == 1
    return found[0]


def _ingested_copy(make_settings, tmp_path, **overrides):
    """A copy of the seeds, ingested into a new archive: (its folder, the settings)."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    settings = make_settings(**overrides)
    run(settings, [folder])
    return folder, settings


def _searches_counted(monkeypatch) -> list:
    """The queries app.search.engine.search is called with from now on (the page cache's misses)."""
    calls: list = []
    real = app.search.engine.search
    monkeypatch.setattr(app.search.engine, "search", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    return calls


def test_a_page_served_again_is_the_same_bytes_with_the_same_headers(seed_settings):
    with _client(seed_settings) as c:
        for page in PAGES:
            first, again = c.get(page), c.get(page)
            assert first.status_code == again.status_code == 200, page
            assert first.content == again.content, page
            assert first.headers == again.headers, page
            assert again.headers["content-security-policy"].startswith("default-src 'self'")
            assert again.headers["x-frame-options"] == "DENY"


def test_the_next_request_after_an_ingest_shows_the_new_version(make_settings, tmp_path):
    folder, settings = _ingested_copy(make_settings, tmp_path)
    with _client(settings) as c:
        directive = _passage_id(c, DIRECTIVE_FROM)
        removed = _passage_id(c, REMOVED)
        urls = [f"/d/{directive}", f"/s/{directive}", f"/s/{removed}", f"/documents/{OFFICIAL}",
                "/themes/research-compute", "/directives?theme=research-compute"]
        for _ in range(2):  # the second round is answered from memory
            for url in urls:
                r = c.get(url)
                assert r.status_code == 200, url
        assert DIRECTIVE_FROM in c.get(f"/documents/{OFFICIAL}").text

        path = folder / SEED_FILE.name
        text = path.read_text(encoding="utf-8")
        assert text.count(DIRECTIVE_FROM) == 1 and text.count(REMOVED) == 1
        path.write_text(text.replace(DIRECTIVE_FROM, DIRECTIVE_TO).replace(" " + REMOVED, ""), encoding="utf-8")
        assert run(settings, [folder]).version == 2  # the same data folder, the same running app

        r = c.get(f"/d/{directive}")
        assert r.status_code == 301
        new = r.headers["location"].removeprefix("/d/")
        assert new != directive and DIRECTIVE_TO in c.get(f"/d/{new}").text
        assert c.get(f"/s/{directive}").headers["location"] == f"/s/{new}"
        r = c.get(f"/s/{removed}")
        assert r.status_code == 410 and REMOVED in r.text
        for url in (f"/documents/{OFFICIAL}", "/themes/research-compute", "/directives?theme=research-compute"):
            r = c.get(url)
            assert r.status_code == 200 and DIRECTIVE_TO in r.text and DIRECTIVE_FROM not in r.text, url
        assert REMOVED not in c.get(f"/documents/{OFFICIAL}").text


def test_a_document_ingested_after_a_404_is_served(make_settings, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(SEEDS.parent / "tests" / "data" / "docs" / "extra-official.txt", extra)
    settings = make_settings()
    run(settings, [SEEDS])
    with _client(settings) as c:
        home = c.get("/").text
        assert c.get("/documents/quillfeather-testbeds-statement-2025").status_code == 404
        run(settings, [SEEDS, extra])
        assert c.get("/documents/quillfeather-testbeds-statement-2025").status_code == 200
        assert "Quillfeather" in c.get("/").text and "Quillfeather" not in home
        run(settings, [SEEDS])
        assert c.get("/documents/quillfeather-testbeds-statement-2025").status_code == 410
        assert "Quillfeather" not in c.get("/").text


def test_absolute_links_name_the_configured_address_whatever_host_a_request_names(seed_settings):
    with _client(seed_settings) as c:
        for host in ("archive.example", "mirror.example", "archive.example"):
            r = c.get(f"/d/{DIRECTIVE}", headers={"host": host})
            assert f'<meta property="og:url" content="{DEFAULT_BASE_URL}/d/{DIRECTIVE}">' in r.text
            assert "archive.example" not in r.text and "mirror.example" not in r.text


def test_the_search_box_shows_each_requests_own_query_escaped(seed_settings):
    with _client(seed_settings) as c:
        for q in ("alpha", '<b>"beta"</b>', "alpha"):
            r = c.get(f"/d/{DIRECTIVE}", params={"q": q})
            assert r.status_code == 200
            assert "<b>" not in r.text
            shown = q.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            assert f'value="{shown}"' in r.text


def test_a_citation_served_on_another_day_carries_that_days_access_date(seed_settings, monkeypatch):
    class Day(dt.date):
        current = dt.date(2031, 2, 28)

        @classmethod
        def today(cls):
            return cls.current

    clock = SimpleNamespace(date=Day)
    monkeypatch.setattr(app.web.cite, "dt", clock)
    monkeypatch.setattr(app.web.pagecache, "dt", clock)
    with _client(seed_settings) as c:
        assert "accessed 28 February 2031" in c.get(f"/d/{DIRECTIVE}").text
        assert "accessed 28 February 2031" in c.get(f"/d/{DIRECTIVE}").text
        Day.current = dt.date(2031, 3, 1)
        page = c.get(f"/d/{DIRECTIVE}").text
        assert "accessed 1 March 2031" in page and "28 February 2031" not in page


@pytest.mark.parametrize("page", ["/d/pnotanidxxxx", "/documents/no-such-document", "/themes/no-such-theme"])
def test_error_pages_keep_their_status_and_headers_when_asked_again(seed_settings, page):
    with _client(seed_settings) as c:
        for _ in range(2):
            r = c.get(page)
            assert r.status_code == 404
            assert r.headers["x-content-type-options"] == "nosniff"


def test_a_search_asked_again_is_answered_from_memory_until_the_next_ingest(make_settings, tmp_path, monkeypatch):
    folder, settings = _ingested_copy(make_settings, tmp_path)
    calls = _searches_counted(monkeypatch)
    with _client(settings) as c:
        api, page = {"q": DIRECTIVE_TO}, {"q": DIRECTIVE_TO}
        before = [c.get("/api/search", params=api).json(), c.get("/search", params=page).text]
        assert before == [c.get("/api/search", params=api).json(), c.get("/search", params=page).text]
        assert len(calls) == 2  # the repeats were not searched again
        assert before[0]["facets"]["match"]["exact"] == 0

        path = folder / SEED_FILE.name
        path.write_text(path.read_text(encoding="utf-8").replace(DIRECTIVE_FROM, DIRECTIVE_TO), encoding="utf-8")
        run(settings, [folder])
        after = c.get("/api/search", params=api).json()
        assert after["facets"]["match"]["exact"] == 1 and len(calls) == 3
        assert DIRECTIVE_TO in after["results"][0]["text"]
        assert c.get("/api/search", params={"q": "<b>"}).status_code == 200
        assert c.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422


def test_with_a_version_check_interval_a_new_version_is_seen_within_it(make_settings, tmp_path):
    folder, settings = _ingested_copy(make_settings, tmp_path, version_check_seconds=0.5)
    with _client(settings) as c:
        assert DIRECTIVE_FROM in c.get(f"/documents/{OFFICIAL}").text
        path = folder / SEED_FILE.name
        path.write_text(path.read_text(encoding="utf-8").replace(DIRECTIVE_FROM, DIRECTIVE_TO), encoding="utf-8")
        run(settings, [folder])
        switched = time.monotonic()
        while DIRECTIVE_FROM in c.get(f"/documents/{OFFICIAL}").text:
            assert time.monotonic() - switched < 0.5 + 0.5, "the new version was not seen within the interval"
            time.sleep(0.02)
        assert DIRECTIVE_TO in c.get(f"/documents/{OFFICIAL}").text


@pytest.mark.parametrize("accept, gzipped", [("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.5", True),
                                             ("identity", False), ("gzip;q=0", False), ("*", True), (None, False)])
def test_accept_encoding_decides_whether_a_page_comes_gzipped(accept, gzipped):
    headers = [] if accept is None else [(b"accept-encoding", accept.encode())]
    assert app.web.pagecache.accepts_gzip({"headers": headers}) is gzipped


def test_a_page_is_the_same_text_gzipped_or_not_first_time_and_from_memory(seed_settings):
    import gzip

    with _client(seed_settings) as c:
        plain = {"accept-encoding": "identity"}
        for page in ("/search?q=artificial+intelligence", f"/documents/{OFFICIAL}", "/api/search?q=chips"):
            raw = [c.get(page, headers=plain) for _ in range(2)]  # rendered, then from memory
            packed = [c.get(page, headers={"accept-encoding": "gzip"}) for _ in range(2)]
            assert all("content-encoding" not in r.headers for r in raw), page
            assert all(r.headers["content-encoding"] == "gzip" for r in packed), page
            assert raw[0].content == raw[1].content == packed[0].content == packed[1].content, page
            assert int(raw[0].headers["content-length"]) == len(raw[0].content)
            assert "Accept-Encoding" in packed[0].headers["vary"] and "Accept-Encoding" in raw[0].headers["vary"]
        # what memory holds is the gzipped page: a results page takes a fraction of its size
        stored = [v for v in c.app.state.page_cache._items.values()]
        assert stored and all(gzip.decompress(body) for _, _, body in stored)
        search = c.get("/search?q=artificial+intelligence", headers=plain).content
        assert min(len(body) for _, _, body in stored if gzip.decompress(body) == search) < len(search) / 3


def test_a_page_too_big_to_keep_is_served_whole_and_rendered_again(seed_settings):
    with _client(seed_settings) as c:
        cache = c.app.state.page_cache
        cache.max_size = 8 * 2000  # pages over 2,000 bytes gzipped are not kept
        first, again = (c.get(f"/documents/{OFFICIAL}", headers={"accept-encoding": "identity"}) for _ in range(2))
        assert first.status_code == again.status_code == 200
        assert first.content == again.content and int(first.headers["content-length"]) == len(first.content)
        assert REMOVED in first.text and len(cache) == 0


def test_the_search_forms_document_menu_is_the_current_versions(make_settings, tmp_path):
    folder, settings = _ingested_copy(make_settings, tmp_path)
    with _client(settings) as c:
        before = c.get("/search", params={"q": "talent"}).text
        assert 'value="later-statement"' not in before
        (folder / "later.md").write_text(
            "---\ntitle: A later statement\nkind: official\nslug: later-statement\ndate: 2031-01-01\n"
            "publisher: Example Ministry\n---\nThe ministry will fund regional computing centres.\n", encoding="utf-8")
        run(settings, [folder])
        # another query, so the page is rendered afresh: the menu read once per version shows the new document
        after = c.get("/search", params={"q": "computing"}).text
        assert 'value="later-statement"' in after
        assert after.index('value="later-statement"') < after.index(f'value="{OFFICIAL}"')  # newest first


def test_with_no_page_cache_every_search_is_run_again(make_settings, monkeypatch):
    settings = make_settings(page_cache_mb=0)
    run(settings, [SEEDS])
    calls = _searches_counted(monkeypatch)
    with _client(settings) as c:
        pages = [c.get("/search", params={"q": DIRECTIVE_FROM}) for _ in range(2)]
        assert [p.status_code for p in pages] == [200, 200] and pages[0].content == pages[1].content
        assert len(calls) == 2 and len(c.app.state.page_cache) == 0
