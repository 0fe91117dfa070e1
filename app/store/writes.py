"""Writing the archive: documents and passages in, retired ids kept with their successors."""

from __future__ import annotations

import bisect
import datetime as dt

from rapidfuzz import fuzz
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.store.ids import assign_ids
from app.store.models import ArchiveState, Crossref, Document, DocumentAlias, Passage, PassageTheme
from app.text.normalize import normalize
from app.text.segment import SegmentedText
from app.ingest.sources import SourceDocument

# A corrected sentence redirects (301) to the most similar new sentence of its document when
# their normalised texts are at least this similar (rapidfuzz ratio, 0-1); below it, 410 Gone.
SUCCESSOR_THRESHOLD = 0.75
# Bulk UPDATE/DELETE statements find the affected objects in the session by primary key
# ("fetch": RETURNING, then identity look-ups) instead of the default "evaluate", which tests
# every object the session holds: with a large ingest's objects loaded, each statement then
# cost milliseconds and the whole ingest grew quadratically.
BY_KEY = {"synchronize_session": "fetch"}


def state(session: Session) -> ArchiveState:
    """The single archive-state row, created on first use."""
    row = session.get(ArchiveState, 1)
    if row is None:
        row = ArchiveState(id=1, version=0)
        session.add(row)
        session.flush()
    return row


def document_states(session: Session) -> dict:
    """slug -> row (id, status, fingerprint, source_path) of every document ever ingested.

    Rows, not ORM objects: an ingest compares all documents but changes few, and building
    10,000 documents' objects was a sixth of the time adding one document took.
    """
    return {r.slug: r for r in session.execute(
        select(Document.slug, Document.id, Document.status, Document.fingerprint, Document.source_path)
        .order_by(Document.id))}


def load_documents(session: Session, ids: list[int]) -> dict[int, Document]:
    """The documents with these ids, loaded in a few queries."""
    out: dict[int, Document] = {}
    for chunk in _chunks(ids, 500):
        out.update((d.id, d) for d in session.scalars(select(Document).where(Document.id.in_(chunk))))
    return out


def apply_document(session: Session, src: SourceDocument, seg: SegmentedText, version: int,
                   existing: Document | None) -> Document:
    """Store a new or changed document; returns it with its passages flushed."""
    meta = src.meta
    fields = {k: meta.get(k) for k in (
        "title", "kind", "date", "event_date", "publisher", "author", "translator", "language",
        "source_url", "retrieved", "comments_on", "translation_of",
    )}
    fields.update(
        aliases=meta["aliases"], headline=seg.headline, dateline=seg.dateline,
        source_path=src.path, source_first_line=src.first_line, source_sha256=src.file_sha256,
        source_media_type=src.media_type, source_size=len(src.raw) if src.raw is not None else None,
        fingerprint=src.fingerprint, status="active", changed_version=version,
        sentence_count=sum(1 for s in seg.segments if s.kind != "heading"),
    )
    if existing is None:
        doc = Document(slug=src.slug, first_version=version, **fields)
        session.add(doc)
        session.flush()
        old: dict[str, Passage] = {}
    else:
        doc = existing
        for key, value in fields.items():
            setattr(doc, key, value)
        old = {p.id: p for p in session.scalars(select(Passage).where(Passage.document_id == doc.id))}
    _sync_aliases(session, doc, existing is None)

    ids = assign_ids(src.slug, [s.text for s in seg.segments])
    pages = pages_of(src, seg.segments)
    section_titles: dict[int, str] = {}
    new_ids: list[str] = []
    inserts: list[dict] = []
    for position, (pid, s, page) in enumerate(zip(ids, seg.segments, pages)):
        if s.kind == "heading":
            section_titles[s.section] = s.text
        values = dict(
            kind=s.kind, text=s.text, position=position, paragraph=s.paragraph, section=s.section,
            section_title=section_titles.get(s.section), line=s.line, page=page, active=True,
            retired_version=None, successor_id=None, successor_similarity=None,
            claim=None, is_directive=False, directive_verb=None, speaker=None,  # recomputed by enrich
        )
        passage = old.get(pid)
        if passage is None:
            inserts.append(dict(id=pid, document_id=doc.id, first_version=version, **values))
            new_ids.append(pid)
        else:
            if not passage.active:  # an earlier wording restored: a successor like a new one
                new_ids.append(pid)
            for key, value in values.items():
                setattr(passage, key, value)
    if inserts:  # one executemany instead of an ORM object per passage: most of a full ingest's rows
        session.execute(insert(Passage), inserts)
    kept = set(ids)
    gone = [p for p in old.values() if p.id not in kept and p.active]
    if gone:
        fresh_ids = set(new_ids)
        fresh = [(pid, normalize(s.text)) for pid, s in zip(ids, seg.segments) if pid in fresh_ids]
        for p in gone:
            _retire(p, version, _best_successor(p.text, fresh))
    _clear_derived(session, [p.id for p in old.values()])
    session.flush()
    return doc


def page_of(page_lines: list[int] | None, line: int | None) -> int | None:
    """The page a paragraph starting on `line` is on: the last page starting at or before it."""
    if not page_lines or line is None:
        return None
    return max(1, bisect.bisect_right(page_lines, line))


def _chars(text: str) -> int:
    """Characters other than white space: the measure of a sentence's place in its paragraph
    that the segmenter's joining of lines and spaces leaves alone (and that works for Chinese)."""
    return len("".join(text.split()))


def pages_of(src: SourceDocument, segments) -> list[int | None]:
    """The page each segment starts on. A segment knows only its paragraph's first line; when a
    page starts inside the paragraph, the sentences from the one at that page's first character
    on are on that page."""
    if not src.page_lines or src.body is None:
        return [None] * len(segments)
    lines, starts = src.body.split("\n"), set(src.page_lines)
    out: list[int | None] = []
    key, done, breaks = None, 0, []
    for s in segments:
        if (s.line, s.paragraph) != key:
            key, done, breaks = (s.line, s.paragraph), 0, []
            count, i = 0, s.line - src.first_line
            while 0 <= i < len(lines) and lines[i].strip():
                if i > s.line - src.first_line and src.first_line + i in starts:
                    breaks.append((count, page_of(src.page_lines, src.first_line + i)))
                count += _chars(lines[i])
                i += 1
        page = page_of(src.page_lines, s.line)
        for before, later in breaks:
            if done >= before:
                page = later
        out.append(page)
        done += _chars(s.text)
    return out


def _best_successor(text: str, candidates: list[tuple[str, str]]) -> tuple[str, float] | None:
    """The most similar candidate at or above SUCCESSOR_THRESHOLD, if any."""
    target = normalize(text)
    best: tuple[str, float] | None = None
    for pid, cand in candidates:
        score = fuzz.ratio(target, cand) / 100
        if score >= SUCCESSOR_THRESHOLD and (best is None or score > best[1]):
            best = (pid, score)
    return best


def _retire(p: Passage, version: int, successor: tuple[str, float] | None) -> None:
    """Mark a passage as history, pointing at its successor when it has one."""
    p.active = False
    p.retired_version = version
    p.successor_id, p.successor_similarity = successor if successor else (None, None)


def retire_document(session: Session, doc: Document, version: int) -> None:
    """A document no longer in the sources: kept as history, its ids answer 410."""
    doc.status = "retired"
    doc.changed_version = version
    session.execute(
        update(Passage).where(Passage.document_id == doc.id, Passage.active.is_(True))
        .values(active=False, retired_version=version, successor_id=None), execution_options=BY_KEY,
    )
    ids = list(session.scalars(select(Passage.id).where(Passage.document_id == doc.id)))
    _clear_derived(session, ids)
    session.execute(delete(DocumentAlias).where(DocumentAlias.document_id == doc.id), execution_options=BY_KEY)


def _clear_derived(session: Session, passage_ids: list[str]) -> None:
    """Drop links and themes of passages whose document changed; enrichment recomputes them."""
    for chunk in _chunks(passage_ids, 500):
        session.execute(delete(Crossref).where(Crossref.commentary_id.in_(chunk)), execution_options=BY_KEY)
        session.execute(delete(Crossref).where(Crossref.official_id.in_(chunk)), execution_options=BY_KEY)
        session.execute(delete(PassageTheme).where(PassageTheme.passage_id.in_(chunk)), execution_options=BY_KEY)


def _sync_aliases(session: Session, doc: Document, new: bool = False) -> None:
    """Make the alias table match the document's `aliases` list."""
    if not new:  # a document just inserted has no aliases yet
        session.execute(delete(DocumentAlias).where(DocumentAlias.document_id == doc.id), execution_options=BY_KEY)
    for alias in doc.aliases:
        session.execute(delete(DocumentAlias).where(DocumentAlias.slug == alias), execution_options=BY_KEY)
        session.add(DocumentAlias(slug=alias, document_id=doc.id))


def switch(session: Session, version: int, themes_fingerprint: str | None, pipeline: str) -> None:
    """Point readers at `version`; committed with everything else in the ingest's transaction."""
    row = state(session)
    row.version = version
    row.ingested_at = dt.datetime.now(dt.UTC)
    row.themes_fingerprint = themes_fingerprint
    row.pipeline = pipeline


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def carry_over(session: Session, old: Document, new: Document) -> int:
    """A renamed document (its old slug now an alias): point its retired ids at the new ones.

    Ids include the slug, so the same sentence has a new id under the new slug; without this
    every permalink into the old slug would answer 410.
    """
    candidates = [
        (p.id, normalize(p.text))
        for p in session.scalars(select(Passage).where(Passage.document_id == new.id, Passage.active.is_(True)))
    ]
    moved = 0
    for p in session.scalars(select(Passage).where(Passage.document_id == old.id, Passage.active.is_(False),
                                                   Passage.successor_id.is_(None))):
        best = _best_successor(p.text, candidates)
        if best:
            p.successor_id, p.successor_similarity = best
            moved += 1
    return moved
