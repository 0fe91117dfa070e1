"""Web pages as saved from a browser: the article's text without the page around it.

trafilatura finds the main text (navigation, cookie banners, share bars, related stories and
footers fall away); this module turns its XML tree into the segmenter's form itself rather than
taking trafilatura's Markdown, which escapes characters ("to\\_ensure") and adds emphasis marks
that would end up inside sentences. Metadata is read here from the page's own markup only:
trafilatura's metadata step also guesses dates and authors from the visible text, which the
archive must not do.
"""

from __future__ import annotations

import re
from copy import deepcopy
from datetime import date, datetime

from app.text.formats import Extracted, FormatError

MEDIA_TYPE = "text/html"
# Separators a <title> puts between the headline and the site's name ("Plan - GOV.UK").
_TITLE_SUFFIX_RE = re.compile(r"\s+(?:[-|–—:·•]|::)\s+")
_SPACE_RE = re.compile(r"\s+")
# "BEIJING, Oct. 31 (Xinhua) --" as a block of its own: short, ending in a dash.
_DATELINE_ALONE_RE = re.compile(r"^[A-Z(][^\n!?]{1,79}?\s(?:—|–|--|-)$")
_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "citation_publication_date",
    "citation_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
    "publish-date", "publish_date", "publication_date", "pubdate", "date", "sailthru.date",
    "parsely-pub-date", "govuk:first-published-at",
)
_AUTHOR_KEYS = ("author", "article:author", "citation_author", "dc.creator", "dcterms.creator",
                "parsely-author", "sailthru.author")
_PUBLISHER_KEYS = ("og:site_name", "publisher", "dc.publisher", "dcterms.publisher", "application-name")


def extract(data: bytes) -> Extracted:
    import trafilatura
    from trafilatura.settings import use_config
    from trafilatura.utils import decode_file, load_html

    tree = load_html(decode_file(data))
    if tree is None:
        raise FormatError("the page cannot be parsed as HTML")
    meta = _meta(tree)
    # A fresh config each time: no state carried between pages, no timer signal, and the
    # page never fetched again (no URL is given, so trafilatura has nothing to download).
    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    doc = trafilatura.bare_extraction(
        deepcopy(tree), include_comments=False, include_images=False, include_links=False,
        include_tables=True, include_formatting=True, deduplicate=False, with_metadata=False,
        config=config,
    )
    body = getattr(doc, "body", None)
    blocks = _blocks(body) if body is not None else []
    if not blocks:
        raise FormatError("no main text found in the page")
    if len(blocks) > 1 and _DATELINE_ALONE_RE.match(blocks[0]) and not blocks[1].startswith(("# ", "- ")):
        # A dateline set in an element of its own belongs at the start of the first paragraph,
        # where the segmenter takes it off.
        blocks[:2] = [f"{blocks[0]} {blocks[1]}"]
    headline = _headline(tree, meta, blocks)
    if headline:
        meta["title"] = headline
    return Extracted(text="\n\n".join(blocks) + "\n", media_type=MEDIA_TYPE, meta=meta)


# ------------------------------------------------------------------ text


def _text(element) -> str:
    return _SPACE_RE.sub(" ", "".join(element.itertext())).strip()


def _inline_text(element) -> str:
    """The element's own text with line breaks kept as spaces, without nested lists."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != "list":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return _SPACE_RE.sub(" ", "".join(parts)).strip()


def _blocks(body) -> list[str]:
    blocks: list[str] = []

    def add(text: str, prefix: str = "") -> None:
        if text:
            blocks.append(prefix + text)

    def walk_list(lst) -> None:
        items = []
        for item in lst.iter("item"):
            text = _inline_text(item)
            if text:
                items.append("- " + text)
        if items:
            blocks.append("\n".join(items))

    for element in body:
        tag = element.tag
        if tag == "head":
            add(_text(element), "# ")
        elif tag == "list":
            walk_list(element)
        elif tag == "table":
            # Each row is one paragraph: its cells read left to right.
            for row in element.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                add(" | ".join(c for c in cells if c))
        elif tag in ("p", "quote", "code"):
            add(_text(element))
        elif tag in ("div", "section"):
            blocks.extend(_blocks(element))
        else:
            add(_text(element))
    return blocks


# ------------------------------------------------------------------ metadata


def _meta_tags(tree) -> dict[str, str]:
    """First non-empty content of each <meta> by its property, name or itemprop, lower-cased."""
    found: dict[str, str] = {}
    for tag in tree.iter("meta"):
        content = _SPACE_RE.sub(" ", tag.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (tag.get(attr) or "").strip().lower()
            if key and key not in found:
                found[key] = content
    return found


def _first(tags: dict[str, str], keys) -> str | None:
    for key in keys:
        if tags.get(key):
            return tags[key]
    return None


def _iso_date(value: str) -> str | None:
    """The date a meta tag states, as YYYY-MM-DD; None when it states none unambiguously."""
    value = value.strip()
    m = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)", value) or re.match(r"(\d{4})(\d{2})(\d{2})(?!\d)", value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    for fmt in ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _meta(tree) -> dict[str, str]:
    tags = _meta_tags(tree)
    meta: dict[str, str] = {}
    for key in _DATE_KEYS:
        if key in tags and (iso := _iso_date(tags[key])):
            meta["date"] = iso
            break
    author = _first(tags, _AUTHOR_KEYS)
    if author and not author.lower().startswith(("http://", "https://")):
        meta["author"] = author
    publisher = _first(tags, _PUBLISHER_KEYS)
    if publisher:
        meta["publisher"] = publisher
    urls = [link.get("href", "") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()]
    urls.append(tags.get("og:url", ""))
    for url in urls:
        url = url.strip()
        if url.startswith(("http://", "https://")):
            meta["source_url"] = url
            break
    return meta


def _strip_site(title: str, site: str | None) -> str:
    """"Plan - GOV.UK" -> "Plan": the part after a separator goes when it names the site."""
    if site:
        for sep in _TITLE_SUFFIX_RE.finditer(title):
            if sep.start() and site.lower() in title[sep.end():].lower():
                return title[:sep.start()].strip()
    return title


def _headline(tree, meta: dict[str, str], blocks: list[str]) -> str | None:
    """The article's headline as the page marks it up.

    The page's single <h1> when the extracted text opens with it (that is the headline the
    reader sees, and the segmenter then recognises it), else og:title, else the page's <h1>,
    else <title> without the site's name after it.
    """
    tags = _meta_tags(tree)
    site = meta.get("publisher")
    h1s = [t for t in (_text(h) for h in tree.iter("h1")) if t]
    h1 = h1s[0] if len(h1s) == 1 else None
    if h1 and blocks[0] == "# " + h1:
        return h1
    og = tags.get("og:title") or tags.get("twitter:title")
    if og:
        return _strip_site(og, site)
    if h1:
        return h1
    titles = [t for t in (_text(t) for t in tree.iter("title")) if t]
    if titles:
        return _strip_site(titles[0], site)
    return None
