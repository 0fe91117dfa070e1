"""A query that cannot match says why, the same way on the search page and in the API."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from app.search.scripts import missing_script_message, script_of, scripts_in
from app.web.app import create_app
from tests.helpers import SEEDS

NOTICE = re.compile(r'<p class="(?:notice|error-detail)"[^>]*>(.*?)</p>', re.S)


def both(client, q: str) -> tuple[tuple[int, str | None], tuple[int, str | None], str]:
    """(status, message) from /api/search and from /search, and the page itself."""
    r = client.get("/api/search", params={"q": q})
    body = r.json()
    api = (r.status_code, body.get("message") if r.status_code == 200 else body.get("detail"))
    page = client.get("/search", params={"q": q})
    shown = [html.unescape(m).strip() for m in NOTICE.findall(page.text)]
    return api, (page.status_code, shown[0] if shown else None), page.text


@pytest.mark.parametrize("q, script", [
    ("人工智能的健康有序发展", "Chinese"),
    ("Искусственный интеллект", "Cyrillic"),
    ("الذكاء الاصطناعي", "Arabic"),
    ("인공지능", "Korean"),
])
def test_a_script_the_archive_holds_no_text_in_is_named(client, q, script):
    api, page, text = both(client, q)
    expected = f"The archive has no {script} text yet; search in English, or add the original."
    assert api == page == (200, expected)
    assert "check the spelling" not in text


def test_a_query_of_common_words_only_says_so(client):
    api, page, text = both(client, "of the and to")
    assert api == page and api[0] == 200 and api[1] and "common words" in api[1]
    assert "check the spelling" not in text


def test_a_misspelt_english_query_gets_no_script_message(client):
    api, _, text = both(client, "qwertyuiop zxcvbnm")
    assert api == (200, None) and "check the spelling" in text


def test_an_over_long_query_gets_the_same_status_and_message_everywhere(ingest, make_settings):
    settings = ingest(SEEDS, settings=make_settings(max_query_chars=40))
    with TestClient(create_app(settings)) as client:
        api, page, text = both(client, "artificial intelligence " * 2)  # 48 characters
        assert api == page == (422, "The query is 48 characters long; the limit is 40. Shorten it and try again.")
        box = client.get("/search")
        assert re.search(r'<input id="q"[^>]*maxlength="40"', box.text)
        ok = client.get("/api/search", params={"q": "a" * 40})
        assert ok.status_code == 200


def test_a_commentary_hit_on_the_page_shows_the_official_sentence_it_reports(client):
    r = client.get("/api/search", params={"q": "China must achieve breakthroughs in fundamental theories, methods, and tools"})
    commentary = [h for h in r.json()["results"] if h["kind"] == "commentary"]
    assert commentary and commentary[0]["reports"]
    reported = commentary[0]["reports"]
    assert reported["permalink"].endswith(reported["id"]) and "Xi emphasized" in reported["text"]
    page = client.get("/search", params={"q": "China must achieve breakthroughs in fundamental theories, methods, and tools"})
    assert "Reports the official text" in page.text and html.escape(reported["text"][:60]) in page.text


def test_scripts_are_named_from_unicode():
    assert [script_of(c) for c in "aé人ひカ한жα1 "] == [
        "Latin", "Latin", "Chinese", "Japanese", "Japanese", "Korean", "Cyrillic", "Greek", None, None]
    assert scripts_in(["policy", "café", "2025"]) == {"Latin"}
    assert missing_script_message(["ai", "政策"], {"Latin"}) == (
        "The archive has no Chinese text yet; search in English, or add the original.")
    assert missing_script_message(["ひらがな", "漢字"], {"Latin"}).startswith("The archive has no Japanese text")
    assert missing_script_message(["policy"], {"Latin"}) is None
