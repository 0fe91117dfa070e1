"""Web pages: the article's text and the page's own metadata, nothing from the page around it."""

from __future__ import annotations

import pytest

from app.text.formats import FormatError, extract
from app.text.segment import segment
from tests.text.formats import samples_html as s


def _read(path):
    return extract(path.suffix, path.read_bytes())


def _paragraphs(text):
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def test_news_agency_page_keeps_the_article_and_drops_the_clutter(news_page):
    got = _read(news_page)
    assert got.media_type == "text/html" and got.page_lines is None
    assert _paragraphs(got.text) == s.NEWS_PARAGRAPHS
    for clutter in s.NEWS_CLUTTER:
        assert clutter.lower() not in got.text.lower(), clutter


def test_news_agency_page_metadata_comes_from_its_markup(news_page):
    meta = _read(news_page).meta
    assert meta["title"] == s.NEWS_HEADLINE
    assert meta["date"] == "2018-10-31"
    assert meta["author"] == "Xinhua Editorial Desk"
    assert meta["publisher"] == "Xinhua"
    assert meta["source_url"] == "http://www.xinhuanet.com/english/2018-10/31/c_137571263.htm"
    assert "kind" not in meta


def test_the_dateline_stays_at_the_start_of_the_first_paragraph_for_the_segmenter(news_page):
    got = _read(news_page)
    seg = segment(got.text, title=got.meta["title"])
    assert seg.dateline == "BEIJING, Oct. 31 (Xinhua)"
    assert seg.segments[0].text.startswith("Chinese leaders on Wednesday")


def test_a_dateline_in_bold_is_still_plain_text_at_the_start():
    page = s.news_agency_page().replace(
        "<p>BEIJING, Oct. 31 (Xinhua) --", "<p><strong>BEIJING, Oct. 31 (Xinhua) --</strong>")
    text = extract(".html", page.encode()).text
    assert text.startswith("BEIJING, Oct. 31 (Xinhua) -- Chinese leaders")
    assert "*" not in text


def test_government_page_keeps_headings_and_list_items_and_drops_banners(government_page):
    got = _read(government_page)
    lines = [line for line in got.text.splitlines() if line]
    assert "# Why assurance matters" in lines
    assert "# What organisations should do" in lines
    assert "- Record the data used to train and evaluate the system." in lines
    for clutter in s.GOV_CLUTTER:
        assert clutter.lower() not in got.text.lower(), clutter
    assert got.meta["title"] == s.GOV_HEADLINE
    assert got.meta["date"] == "2025-03-12"
    assert got.meta["publisher"] == "GOV.UK"
    seg = segment(got.text, title=got.meta["title"])
    assert seg.headline == s.GOV_HEADLINE


def test_title_without_og_title_drops_the_site_name_after_the_separator():
    page = s.news_agency_page()
    page = page.replace(f'<meta property="og:title" content="{s.NEWS_HEADLINE}">', "")
    page = page.replace(f'<h1 class="headline">{s.NEWS_HEADLINE}</h1>', "")
    assert extract(".html", page.encode()).meta["title"] == "China's leaders call for healthy development of AI"


def test_nothing_is_invented_for_a_page_without_metadata(wire_page):
    got = _read(wire_page)
    assert got.meta == {"title": "White House issues AI order"}
    assert "Home" not in got.text and "Editing by" not in got.text
    assert got.text.startswith(s.WIRE_FIRST)


def test_markup_characters_in_the_text_are_not_escaped():
    page = s.wire_page().replace("safety tests", "safety_tests * [all]")
    assert "safety_tests * [all]" in extract(".html", page.encode()).text


def test_the_same_page_gives_the_same_text_every_time(news_page):
    assert len({_read(news_page).text for _ in range(3)}) == 1


def test_a_table_row_becomes_one_paragraph():
    page = s.wire_page().replace("</article>", "<table><tr><th>Measure</th><th>Year</th></tr>"
                                 "<tr><td>Compute registry</td><td>2025</td></tr></table></article>")
    assert "Compute registry | 2025" in _paragraphs(extract(".html", page.encode()).text)


@pytest.mark.parametrize("data", [b"", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"])
def test_a_page_without_main_text_is_an_error_not_a_traceback(data):
    with pytest.raises(FormatError, match="no main text|cannot be parsed"):
        extract(".html", data)


def test_a_latin1_page_is_decoded_by_its_declared_charset():
    page = s.wire_page().replace("<head>", '<head><meta charset="iso-8859-1">').replace("phased in", "phased in à la carte")
    assert "à la carte" in extract(".html", page.encode("latin-1")).text


def test_a_wire_dateline_with_a_single_hyphen_is_recognised(wire_page):
    got = _read(wire_page)
    seg = segment(got.text, title=got.meta["title"])
    assert seg.dateline == "WASHINGTON (Reuters)"
    assert seg.segments[0].text.startswith("The White House on Monday issued")


def test_a_dateline_in_an_element_of_its_own_joins_the_first_paragraph():
    page = s.news_agency_page().replace(
        "<p>BEIJING, Oct. 31 (Xinhua) --", "<p><span class='dateline'>BEIJING, Oct. 31 (Xinhua) --</span></p><p>")
    got = extract(".html", page.encode())
    assert _paragraphs(got.text)[0] == s.NEWS_FIRST
    assert segment(got.text, title=got.meta["title"]).dateline == "BEIJING, Oct. 31 (Xinhua)"
