"""The original is kept: each document's file, exactly as received, downloadable from its page at
/documents/{slug}/source, a PDF shown sandboxed and a web page only as a download; each passage's
page in its JSON, on its sentence page and in its citations; the source hash in the export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import run
from app.web.app import create_app
from tests.text.formats.samples_html import NEWS_HEADLINE, news_agency_page

# A sentence runs over the first page break ("Its first aim ... open / to inspection ...") and the
# next one starts on page 2 inside the same paragraph; a running header on every page.
PAGES = [
    ["Strategy", "", "The council adopts this strategy today, after a year of consultation.", "",
     "Its first aim is to keep every model safe for the people who use it, and",
     "its second aim is to keep every model that the public sector buys open"],
    ["to inspection by the public. Each provider shall report serious incidents",
     "to the regulator within fifteen days of becoming aware of them."],
    ["The strategy is reviewed every two years."],
]
NOTE = "---\ntitle: A note\nkind: commentary\n---\nThe note reads the strategy closely.\n"


def strategy_pdf(pages: list[list[str]] = PAGES, header: str = "Council strategy 2025") -> bytes:
    """A PDF as a word processor lays one out: one column, a running header, page numbers."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    for n, lines in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "I", 9)
        pdf.text(15, 15, header)
        for row, line in enumerate(lines):
            if line:
                pdf.set_font("Helvetica", "B" if row == 0 and n == 1 else "", 14 if row == 0 and n == 1 else 11)
                pdf.text(15, 30 + 7 * row, line)
        pdf.set_font("Helvetica", "", 9)
        pdf.text(180, 285, f"Page {n}")
    return bytes(pdf.output())


@pytest.fixture
def archive(tmp_path, make_settings):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "strategy.pdf").write_bytes(strategy_pdf())
    (folder / "strategy.pdf.toml").write_text('title = "AI strategy"\nkind = "official"\ndate = "2025-03-12"\n',
                                              encoding="utf-8")
    (folder / "rules.html").write_text(news_agency_page(), encoding="utf-8")
    (folder / "rules.html.yaml").write_text("kind: official\n", encoding="utf-8")
    (folder / "note.md").write_text(NOTE, encoding="utf-8")
    settings = make_settings()
    run(settings, [folder])
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c, folder, settings


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_pdf_downloaded_is_the_file_received_shown_sandboxed(archive):
    c, folder, _ = archive
    r = c.get("/documents/strategy/source")
    assert r.status_code == 200
    assert _sha(r.content) == _sha((folder / "strategy.pdf").read_bytes())
    assert r.headers["content-type"] == "application/pdf"
    assert "sandbox" in [v.strip() for v in r.headers.get_list("content-security-policy")]
    assert r.headers["content-disposition"].startswith("inline")


def test_a_web_page_is_only_ever_a_download(archive):
    c, folder, _ = archive
    r = c.get("/documents/rules/source")
    assert r.status_code == 200 and _sha(r.content) == _sha((folder / "rules.html").read_bytes())
    assert c.get("/api/documents/rules").json()["title"] == NEWS_HEADLINE  # the page's own title, the sidecar has none
    assert r.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in [v.strip() for v in r.headers.get_list("content-security-policy")]


def test_a_markdown_file_is_kept_and_served_as_plain_text(archive):
    c, folder, _ = archive
    r = c.get("/documents/note/source")
    assert r.status_code == 200 and r.content == (folder / "note.md").read_bytes()
    assert r.headers["content-type"].startswith("text/plain") and r.headers["content-disposition"].startswith("attachment")


def test_head_gives_the_size_without_the_body(archive):
    c, folder, _ = archive
    r = c.head("/documents/strategy/source")
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["content-length"]) == (folder / "strategy.pdf").stat().st_size


def test_the_document_page_links_to_its_source_file(archive):
    c, folder, _ = archive
    size = (folder / "strategy.pdf").stat().st_size
    page = c.get("/documents/strategy").text
    assert size > 1024 and f'<a href="/documents/strategy/source">Source file (PDF, {size / 1024:.1f} KB)</a>' in page
    assert c.get("/api/documents/strategy").json()["source_file"] == {
        "url": "/documents/strategy/source", "media_type": "application/pdf", "size": size}


def test_a_missing_source_file_is_a_clear_404(archive):
    c, _, settings = archive
    shutil.rmtree(Path(settings.data_dir) / "sources")
    r = c.get("/documents/strategy/source")
    assert r.status_code == 404 and "not in this archive&#39;s data folder" in r.text
    assert c.get("/documents/no-such-document/source").status_code == 404


def _passages(c, slug: str) -> dict[str, dict]:
    return {p["text"]: p for p in c.get(f"/api/documents/{slug}").json()["passages"]}


def test_each_passage_has_the_page_it_starts_on(archive):
    c, _, _ = archive
    by_text = _passages(c, "strategy")
    pages = {text[:20]: p["page"] for text, p in by_text.items()}
    assert pages == {
        "Strategy": 1, "The council adopts t": 1,
        "Its first aim is to ": 1,  # runs over the page break: cited where it starts
        "Each provider shall ": 2,  # starts on page 2, inside the paragraph begun on page 1
        "The strategy is revi": 3,
    }
    assert not any("Council strategy" in text or "Page " in text for text in by_text)  # the header and page numbers
    assert all(p["page"] is None for p in _passages(c, "note").values())  # a format without pages


def test_citations_carry_the_page(archive):
    c, _, _ = archive
    shall = next(p for t, p in _passages(c, "strategy").items() if t.startswith("Each provider shall"))
    assert shall["is_directive"]
    for url in (f"/s/{shall['id']}", f"/d/{shall['id']}"):
        page = c.get(url).text
        assert "2025. p. 2. " in page.replace("\n", " ")  # plain text: after the date
        assert "pages = {2}" in page and '"page": "2"' in page.replace("&#34;", '"').replace("&quot;", '"')
    note = next(iter(_passages(c, "note").values()))
    plain = re.search(r'<pre id="cite-text"[^>]*>(.*?)</pre>', c.get(f"/s/{note['id']}").text, re.S).group(1)
    assert "A note" in plain and " p. " not in plain and "p. 2" in _plain(c, shall["id"])


def _plain(c, pid: str) -> str:
    return re.search(r'<pre id="cite-text"[^>]*>(.*?)</pre>', c.get(f"/s/{pid}").text, re.S).group(1)


def test_the_export_names_each_sentences_source_file_and_page(archive):
    c, folder, _ = archive
    sha = _sha((folder / "strategy.pdf").read_bytes())
    rows = [r for r in json.loads(c.get("/export/sentences.json").text) if r["document"] == "strategy"]
    assert rows and {r["source_sha256"] for r in rows} == {sha}
    assert {r["page"] for r in rows} == {1, 2, 3}
    table = list(csv.DictReader(io.StringIO(c.get("/export/sentences.csv").text.lstrip("\ufeff"))))
    assert {r["source_sha256"] for r in table if r["document"] == "strategy"} == {sha}
