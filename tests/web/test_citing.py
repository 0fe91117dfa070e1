"""Cite in one step (#21): quote-check results and reader sentences offer the citation, in plain
text, BibTeX and CSL-JSON, with a readable reference in place of the sentence's id; reader pages
stay small because the citations are fetched when asked for; margin notes are strong, unique
and foldable; list rows link to sentences in the form the server resolves."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from app.config import Settings
from app.web import urls
from tests.helpers import COMMENTARY, OFFICIAL

PAGE_BUDGET = 60 * 1024


def _sentence(doc: dict) -> dict:
    """A long-enough sentence of the document, to quote."""
    return max((p for p in doc["passages"] if p["unit"] == "sentence" and not p["is_directive"]), key=lambda p: len(p["text"]))


def test_the_cite_endpoint_gives_every_format(client, official):
    p = _sentence(official)
    r = client.get(f"/api/passages/{p['id']}/cite")
    assert r.status_code == 200
    c = r.json()
    assert c["link"].endswith(urls.passage(p["id"])) and p["text"] in c["text"]
    assert c["bibtex"].startswith("@misc{") and c["link"] in c["bibtex"]
    assert json.loads(c["csl_json"])["URL"] == c["link"]
    assert official["publisher"] in c["reference"] and "¶" in c["reference"] and p["id"] not in c["reference"]


def test_the_cite_endpoint_answers_an_unknown_id_with_404(client):
    r = client.get("/api/passages/pnotasentence/cite")
    assert r.status_code == 404 and "detail" in r.json()


def test_a_quote_check_result_offers_the_citation_and_a_readable_reference(client, official):
    p = _sentence(official)
    page = client.get("/verify", params={"text": p["text"]}).text
    result = page[page.index('<ol class="checked">'):]
    assert "Copy citation" in result and "Copy link" in result
    assert f'{urls.passage(p["id"])}#cite-h' in result  # without JavaScript: the sentence's Cite block
    assert unescape(re.search(r'id="cite-' + p["id"] + r'">(.*?)</pre>', result, re.S).group(1)).count(p["text"]) == 1
    assert official["publisher"] in result and re.search(r"¶ \d+", result)
    assert f"¶ {p['id']}" not in result  # the reference, not the hash
    # the source link lands on the sentence in a form the server resolves after a correction
    assert f'href="{unescape(urls.sentence(OFFICIAL, p["id"]))}"'.replace("&", "&amp;") in result


def _reader(client, slug):
    r = client.get(urls.document(slug))
    assert r.status_code == 200
    return r.content


@pytest.mark.parametrize("slug", [OFFICIAL, COMMENTARY])
def test_reader_pages_stay_small_and_carry_no_citation_text(client, slug):
    body = _reader(client, slug)
    assert len(body) < PAGE_BUDGET, len(body)
    html = body.decode()
    assert "Policy Archive, http" not in html  # citations are fetched on demand, not repeated per sentence
    assert html.count('#cite-h"') == html.count('class="passage ')  # each sentence links to its Cite block


def test_margin_notes_are_strong_unique_and_foldable(client, commentary):
    html = _reader(client, COMMENTARY).decode()
    notes = re.findall(r'<details class="margin"[^>]*>(.*?)</details>', html, re.S)
    assert notes, "the seed commentary has cross-references"
    minimum = Settings().margin_note_min
    for note in notes:
        assert "<summary>" in note
        scores = [float(s) for s in re.findall(r'class="score">([0-9.]+)<', note)]
        assert scores and min(scores) >= minimum
        targets = re.findall(r'data-pid="([^"]+)"', note)
        assert len(targets) == len(set(targets))
    assert "<aside" not in html
    # every sentence that shows a note names its targets, so hovering it can light them up
    for pid, targets in re.findall(r'<span id="([^"]+)" class="passage[^"]*" data-links="([^"]+)"', html):
        for t in targets.split():
            assert f'data-from="{pid}" data-pid="{t}"' in html


def test_list_rows_link_sentences_through_the_resolvable_form(client):
    themes = client.get("/api/themes").json()
    slug = (themes.get("themes") if isinstance(themes, dict) else themes)[0]["slug"]
    html = client.get(urls.theme(slug)).text
    rows = re.findall(r'<li class="row"[^>]*>.*?</li>', html, re.S)
    assert rows
    for row in rows:
        for href in re.findall(r'href="(/documents/[^"]+)"', row):
            assert "?at=" in href, href
