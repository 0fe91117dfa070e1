"""Export records and Atom feeds, built from the store in batches so memory stays flat."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.store import browse

from app.web import urls
from app.store.models import Document, Passage, Theme
from app.store.reads import crossrefs_for, themes_for

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

COLUMNS = [
    "id", "document", "kind", "title", "date", "publisher", "unit", "position", "section", "text",
    "themes", "is_directive", "speaker", "claim", "links", "permalink", "page", "source_sha256",
]
BATCH = 1000


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…) can leak data
# or run commands); OWASP's advice is a leading single quote, which makes the cell plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A CSV cell: lists joined with '|', booleans as true/false, None empty, never a formula."""
    if isinstance(value, list):
        text = "|".join(str(v) for v in value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def records(sessions) -> Iterator[dict]:
    """Every active sentence of every active document, in document and reading order."""
    with sessions() as session:
        q = (select(Passage, Document).join(Document, Document.id == Passage.document_id)
             .where(Passage.active.is_(True), Passage.kind != "heading", Document.status == "active")
             .order_by(Document.slug, Passage.position)
             .execution_options(yield_per=BATCH))
        batch: list[tuple[Passage, Document]] = []
        for row in session.execute(q):
            batch.append(tuple(row))
            if len(batch) >= BATCH:
                yield from batch_records(session, batch)
                batch = []
        if batch:
            yield from batch_records(session, batch)


def csv_chunks(sessions) -> Iterator[str]:
    """The records as CSV text, a chunk at a time, for a streamed response."""
    return csv_of(records(sessions))


def csv_of(rows, columns: list[str] = COLUMNS) -> Iterator[str]:
    """Records (dicts holding `columns`) as CSV text, a chunk at a time; every cell through cell()."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8
    writer.writerow(columns)
    for record in rows:
        writer.writerow([cell(record[c]) for c in columns])
        if buf.tell() > 64_000:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def json_chunks(sessions) -> Iterator[str]:
    """The same records as one JSON array, a record at a time."""
    yield "["
    for n, record in enumerate(records(sessions)):
        yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"


def batch_records(session, batch) -> Iterator[dict]:
    """The export record of each (Passage, Document) pair, themes and links read for all at once."""
    ids = [p.id for p, _ in batch]
    themes = themes_for(session, ids)
    links = crossrefs_for(session, ids)
    for p, d in batch:
        yield {
            "id": p.id, "document": d.slug, "kind": d.kind, "title": d.title, "date": d.date,
            "publisher": d.publisher, "unit": p.kind, "position": p.position, "section": p.section_title,
            "text": p.text, "themes": themes.get(p.id, []), "is_directive": bool(p.is_directive),
            "speaker": p.speaker, "claim": p.claim,
            "links": [f"{link.relation}:{link.passage.id}" for link in links.get(p.id, [])],
            "permalink": urls.passage(p.id),
            # Where to check the sentence: the page of the source file, and that file's hash (the
            # file itself is /documents/{slug}/source).
            "page": p.page, "source_sha256": d.source_sha256,
        }


def _feed(base: str, path: str, title: str, subtitle: str) -> FeedGenerator:
    from feedgen.feed import FeedGenerator  # with lxml about 10 MB, loaded by a worker's first feed only

    fg = FeedGenerator()
    fg.id(urls.absolute(base, path))
    fg.title(title)
    fg.subtitle(subtitle)
    fg.link(href=urls.absolute(base, path), rel="self")
    fg.link(href=urls.absolute(base, urls.home()), rel="alternate")
    fg.language("en")
    return fg


def _when(date: str | None) -> dt.datetime:
    """Feed timestamps from document dates (partial dates padded to the first day)."""
    if not date:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    parts = [int(x) for x in date.split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)


def _finish(fg: FeedGenerator, entries) -> bytes:
    """Add (url, title, document, summary) entries; the feed is as new as its newest entry."""
    latest = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    for url, title, d, summary in entries:
        e = fg.add_entry(order="append")
        e.id(url)
        e.title(title)
        e.link(href=url)
        e.author({"name": d.author or d.publisher or "Unknown"})
        e.updated(_when(d.date))
        e.summary(summary)
        latest = max(latest, _when(d.date))
    fg.updated(latest)
    return fg.atom_str(pretty=True)


def documents_feed(session, base: str, limit: int = 50) -> bytes:
    """Atom feed of the newest documents."""
    fg = _feed(base, urls.feed_documents(), "Policy Archive: documents", "New official texts and commentary")
    docs = session.scalars(select(Document).where(Document.status == "active")
                           .order_by(Document.date.desc().nulls_last(), Document.slug).limit(limit))
    return _finish(fg, (
        (urls.absolute(base, urls.document(d.slug)), d.title, d,
         f"{d.kind.title()} · {d.publisher or 'publisher not stated'} · {d.sentence_count} sentences")
        for d in docs
    ))


def theme_feed(session, theme: Theme, base: str, limit: int = 100) -> bytes:
    """Atom feed of the newest passages on a theme."""
    fg = _feed(base, urls.feed_theme(theme.slug), f"Policy Archive: {theme.label}", theme.description or theme.label)
    page = browse.theme_passages(session, theme.slug, browse.Filters(), 0, limit)
    return _finish(fg, (
        (urls.absolute(base, urls.passage(r.passage.id)), r.passage.text[:120], r.document,
         f"{r.passage.text} ({r.document.title})")
        for r in page.rows
    ))
