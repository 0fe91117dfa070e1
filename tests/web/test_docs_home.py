"""/docs (Swagger UI without a CDN or inline script), the home page's ways in, and the reader's
folded metadata box (#21 items 5, 7, 8)."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import run
from app.web.app import create_app
from app.web.routes import docs
from tests.helpers import OFFICIAL, TEST_DATA

pytestmark = pytest.mark.pg

SCRIPT_SRC = re.compile(r"<script\b([^>]*)>", re.I)


def _scripts(page: str) -> list[str]:
    """The src of every <script> of a page; an inline one counts as ''."""
    return [(re.search(r'src="([^"]+)"', attrs) or [None, ""])[1] for attrs in SCRIPT_SRC.findall(page)]


def _official_sentences(client) -> list[str]:
    docs_ = client.get("/api/documents", params={"kind": "official", "limit": 500}).json()["documents"]
    texts = []
    for d in docs_:
        texts += [p["text"] for p in client.get(f"/api/documents/{d['slug']}").json()["passages"]]
    return texts


def _examples(page: str) -> list[str]:
    block = page.split('class="start-quotes"', 1)[1].split("</section>", 1)[0]
    return [html.unescape(q).removesuffix(" …") for q in re.findall(r"<a href=\"/search\?[^\"]*\">“(.*?)”</a>", block)]


def test_docs_is_served_from_local_files_under_the_csp(client):
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    scripts = _scripts(r.text)
    assert "" not in scripts, "an inline script, which the CSP blocks"
    assert all(s.startswith("/") and not s.startswith("//") for s in scripts), scripts
    assert f"{docs.ASSETS_URL}/swagger-ui-bundle.js" in scripts and "/static/docs.js" in scripts
    assert 'data-openapi="/api/openapi.json"' in r.text
    assert "http://" not in r.text.replace("http://testserver", "") and "https://" not in r.text
    for name in docs.ASSETS:
        asset = client.get(f"{docs.ASSETS_URL}/{name}")
        assert asset.status_code == 200 and len(asset.content) > 10_000, name
    assert client.get(f"{docs.ASSETS_URL}/swagger-ui-bundle.js").headers["content-type"].startswith(
        ("application/javascript", "text/javascript"))
    assert client.get(f"{docs.ASSETS_URL}/../../app/config.py").status_code == 404


def test_docs_is_not_an_operation_of_the_api_it_documents(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/docs" not in paths and not any(p.startswith(docs.ASSETS_URL) for p in paths)


def test_every_page_footer_leads_to_the_docs(client):
    for path in ("/", f"/documents/{OFFICIAL}", "/themes", "/docs", "/documents/no-such-document"):
        footer = client.get(path).text.split('<footer class="site">', 1)[1]
        assert '<a href="/docs">API documentation</a>' in footer, path


def test_home_says_what_it_is_for_and_offers_ways_in(client):
    page = client.get("/").text
    assert re.search(r'<p class="lede">[^<]{40,200}</p>', page)
    assert 'href="/directives"' in page.split('class="start-browse"', 1)[1].split("</section>", 1)[0]
    themes = client.get("/api/themes").json()["themes"]
    carried = [t for t in themes if not t["parent"] and t["official"] + t["commentary"]]
    assert carried
    for t in carried:
        assert f'href="/themes/{t["slug"]}"' in page, t["slug"]
    assert "Newest documents" in page
    newest = client.get("/api/documents", params={"limit": 1}).json()["documents"][0]
    assert page.index("Newest documents") < page.index(f'href="/documents/{newest["slug"]}"')
    assert len(page.encode()) < 60_000


def test_the_example_quotes_are_the_archives_own_and_find_their_source(client):
    quotes = _examples(client.get("/").text)
    assert 1 <= len(quotes) <= 3
    sentences = _official_sentences(client)
    for q in quotes:
        assert any(s.startswith(q) for s in sentences), q
        hits = client.get("/api/search", params={"q": q}).json()["results"]
        assert hits and hits[0]["kind"] == "official" and hits[0]["text"].startswith(q), q


def test_the_example_quotes_follow_another_archive(make_settings, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(TEST_DATA / "docs" / "extra-official.txt", sources)
    settings = make_settings()
    run(settings, [sources])
    with TestClient(create_app(settings)) as c:
        quotes = _examples(c.get("/").text)
        sentences = _official_sentences(c)
    assert quotes and all(any(s.startswith(q) for s in sentences) for q in quotes)


def test_later_pages_and_filters_keep_to_the_list(client):
    page = client.get("/", params={"kind": "commentary"}).text
    assert 'class="start-quotes"' not in page and "<h2" in page


def test_the_readers_metadata_is_folded_until_a_wide_screen_opens_it(client):
    page = client.get(f"/documents/{OFFICIAL}").text
    box = re.search(r"<details class=\"meta-box\"([^>]*)>\s*<summary>About this document", page)
    assert box and "open" not in box.group(1).replace("data-open-wide", "")
    assert "data-open-wide" in box.group(1)
    inside = page.split('<details class="meta-box"', 1)[1].split("</details>", 1)[0]
    assert '<dl class="meta">' in inside and "Publisher" in inside
