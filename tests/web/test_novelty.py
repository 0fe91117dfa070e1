"""What is new in a statement (#20) over HTTP: /api/documents/{slug}/novelty and the reader's panel,
on the synthetic series of tests/enrich/test_novelty_series.py."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest.pipeline import run
from app.web.app import create_app
from app.web.routes.novelty import marked
from tests.enrich.test_novelty_series import COPIES, ORIGINAL, PLANTED, first_of, write
from tests.helpers import fresh_database_url

PHRASE = "independent and controllable"
COMMENTARY = "analysis-2019"


@pytest.fixture(scope="module")
def series_client(tmp_path_factory):
    folder = write(tmp_path_factory.mktemp("novelty-series"))
    (folder / f"{COMMENTARY}.md").write_text(
        f"---\ntitle: Analysis\nkind: commentary\nslug: {COMMENTARY}\ndate: \"2019-05-01\"\n---\n"
        "Analysts expect sovereign compute clusters to spread quickly.\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("novelty-web"), database_url=fresh_database_url())
    run(settings, [folder])
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def test_the_json_lists_new_formulations_with_their_sentences(series_client):
    slug = first_of(PHRASE)
    r = series_client.get(f"/api/documents/{slug}/novelty")
    assert r.status_code == 200
    body = r.json()
    assert body["document"] == slug and body["reason"] is None
    entry = next(n for n in body["new"] if n["phrase"] == PHRASE)
    assert entry["ids"] and entry["history"] == "/phrases?" + urlencode({"q": PHRASE})
    doc = series_client.get(f"/api/documents/{slug}").json()
    texts = {p["id"]: p["text"] for p in doc["passages"]}
    assert all(PHRASE in texts[i] for i in entry["ids"])
    later = series_client.get(f"/api/documents/{PLANTED[PHRASE][-1]}/novelty").json()
    assert PHRASE not in [n["phrase"] for n in later["new"]]


def test_the_json_lists_sentences_said_before_with_the_earliest_statement(series_client):
    for slug, (copy, match) in COPIES.items():
        body = series_client.get(f"/api/documents/{slug}/novelty").json()
        said = next(s for s in body["said_before"] if s["text"] == copy)
        (earlier,) = said["earlier"]
        assert set(earlier) >= {"document", "date", "id", "match"}
        assert earlier["document"] == "statement-2016" and earlier["match"] == match
        assert earlier["date"] == "2016-03-10"
        original = series_client.get(f"/api/passages/{earlier['id']}").json()
        assert original["text"] == ORIGINAL


def test_nothing_to_compare_with_says_why(series_client):
    first = series_client.get("/api/documents/statement-2015/novelty").json()
    assert first["reason"] == "first" and first["new"] == [] and first["said_before"] == []
    commentary = series_client.get(f"/api/documents/{COMMENTARY}/novelty").json()
    assert commentary["reason"] == "commentary" and commentary["new"] == []


def test_an_unknown_document_is_a_404(series_client):
    r = series_client.get("/api/documents/no-such-statement/novelty")
    assert r.status_code == 404 and "no-such-statement" in r.json()["detail"]


def test_the_route_is_in_the_openapi_description(series_client):
    paths = series_client.get("/api/openapi.json").json()["paths"]
    op = paths["/api/documents/{slug}/novelty"]["get"]
    assert "404" in op["responses"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/Novelty")


def test_the_reader_shows_the_panel_and_marks_the_new_formulations(series_client):
    slug = first_of(PHRASE)
    html = series_client.get(f"/documents/{slug}").text
    start = html.index('<section class="novelty"')
    end = html.index("</section>", start)
    panel = html[start:end]
    assert "New in this statement" in panel
    assert f'href="/phrases?{urlencode({"q": PHRASE})}"' in panel
    assert f'<mark class="novel">{PHRASE}</mark>' in html[end:]  # in the text, past the panel
    assert "<script>" not in panel  # no inline script: the CSP forbids it


def test_the_reader_links_a_sentence_said_before_to_its_first_statement(series_client):
    html = series_client.get("/documents/statement-2022").text
    said = html[html.index('<details class="said-before"'):]
    said = said[:said.index("</details>")]
    assert "Word for word in" in said
    links = re.findall(r'href="([^"]+)"', said)
    assert any(unescape(u).startswith("/documents/statement-2016?at=") for u in links)
    assert "Nearly word for word" in series_client.get("/documents/statement-2023").text


def test_no_panel_where_there_is_nothing_to_compare_with(series_client):
    assert 'class="novelty"' not in series_client.get("/documents/statement-2015").text
    assert 'class="novelty"' not in series_client.get(f"/documents/{COMMENTARY}").text


def test_marks_escape_the_text_around_them():
    out = marked('A <b>"new quality"</b> & productive forces', ["new quality", "productive forces"])
    assert str(out) == ('A &lt;b&gt;&#34;<mark class="novel">new quality</mark>&#34;&lt;/b&gt; &amp; '
                        '<mark class="novel">productive forces</mark>')
    assert marked("Nothing here.", ["new quality"]) == "Nothing here."
    assert str(marked("New quality, and new quality again.", ["new quality"])).count('<mark class="novel">') == 2
    zh = str(marked("要加快建设数据资源丰富的体系。", ["数 据 资 源"]))
    assert zh == '要加快建设<mark class="novel">数据资源</mark>丰富的体系。'
