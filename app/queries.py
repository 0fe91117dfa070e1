"""Reading the archive: documents, passages and the redirects and tombstones of old ids."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app import urls
from app.models import ArchiveState, Crossref, Document, DocumentAlias, Passage, PassageTheme

MAX_REDIRECT_HOPS = 20


def current_version(session: Session) -> int:
    """The archive version this request reads (0 before the first ingest)."""
    return session.scalar(select(ArchiveState.version).where(ArchiveState.id == 1)) or 0


@dataclass
class Resolved:
    """An id or slug looked up: live (`ok`), replaced (`moved` to `target`) or `gone`."""

    status: str
    item: object
    target: object | None = None


def document_obj(d: Document, sentences: int | None = None) -> dict:
    """The JSON form of a document's metadata."""
    return {
        "slug": d.slug, "title": d.title, "kind": d.kind, "date": d.date, "event_date": d.event_date,
        "publisher": d.publisher, "author": d.author, "translator": d.translator, "language": d.language,
        "source_url": d.source_url, "retrieved": d.retrieved, "comments_on": d.comments_on,
        "aliases": list(d.aliases or []), "headline": d.headline, "dateline": d.dateline,
        "sha256": d.source_sha256, "status": d.status,
        "sentences": d.sentence_count if sentences is None else sentences,
        "url": urls.document(d.slug), "api_url": urls.api_document(d.slug),
    }


def passage_obj(p: Passage, d: Document, themes: list[str] | None = None) -> dict:
    """The JSON form of one passage (the archive's "sentence object")."""
    obj = {
        "id": p.id, "document": d.slug, "kind": d.kind, "unit": p.kind, "text": p.text,
        "section": p.section_title, "paragraph": p.paragraph, "position": p.position,
        "date": d.date, "publisher": d.publisher, "language": d.language,
        "themes": themes or [], "is_directive": bool(p.is_directive), "active": bool(p.active),
        "url": urls.document(d.slug, p.id), "permalink": urls.passage(p.id),
    }
    if p.is_directive:
        obj.update(speaker=p.speaker, directive_verb=p.directive_verb, citation_url=urls.directive(p.id))
    if d.kind == "commentary" and p.kind != "heading":
        obj["claim"] = p.claim
    return obj


def list_documents(session: Session, *, kind: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Document]]:
    """Active documents, newest first; returns (total, page)."""
    q = select(Document).where(Document.status == "active")
    if kind:
        q = q.where(Document.kind == kind)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.scalars(q.order_by(Document.date.desc().nulls_last(), Document.slug).limit(limit).offset(offset))
    return total, list(rows)


def archive_counts(session: Session) -> dict:
    """Totals for the home page."""
    rows = session.execute(
        select(Document.kind, func.count(), func.sum(Document.sentence_count))
        .where(Document.status == "active").group_by(Document.kind)
    )
    counts = {kind: {"documents": n, "sentences": s or 0} for kind, n, s in rows}
    return counts


def resolve_document(session: Session, slug: str) -> Resolved | None:
    """Find a document by slug or alias."""
    doc = session.scalar(select(Document).where(Document.slug == slug))
    if doc is not None and doc.status == "active":
        return Resolved("ok", doc)
    alias = session.get(DocumentAlias, slug)
    if alias is not None:
        target = session.get(Document, alias.document_id)
        if target is not None and target.status == "active":
            return Resolved("moved", doc, target)
    if doc is not None:
        return Resolved("gone", doc)
    return None


def resolve_passage(session: Session, passage_id: str) -> Resolved | None:
    """Find a passage by id; follow successors of corrected text; say when it is gone."""
    p = session.get(Passage, passage_id)
    if p is None:
        return None
    if p.active:
        return Resolved("ok", p)
    q, hops = p, 0
    while q.successor_id and hops < MAX_REDIRECT_HOPS:
        q = session.get(Passage, q.successor_id)
        hops += 1
        if q is None:
            break
        if q.active:
            return Resolved("moved", p, q)
    return Resolved("gone", p)


def history(session: Session, passage_id: str) -> list[Passage]:
    """Earlier wordings that were corrected into this passage, newest first."""
    out: list[Passage] = []
    frontier = [passage_id]
    seen = set(frontier)
    while frontier and len(out) < 50:
        rows = list(session.scalars(select(Passage).where(Passage.successor_id.in_(frontier))))
        frontier = [r.id for r in rows if r.id not in seen]
        seen.update(frontier)
        out.extend(r for r in rows if r.id in frontier)
    return sorted(out, key=lambda r: r.retired_version or 0, reverse=True)


def themes_for(session: Session, ids: list[str]) -> dict[str, list[str]]:
    """Theme slugs of each passage."""
    out: dict[str, list[str]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        for pid, theme in session.execute(
            select(PassageTheme.passage_id, PassageTheme.theme)
            .where(PassageTheme.passage_id.in_(ids[i:i + 500])).order_by(PassageTheme.theme)
        ):
            out[pid].append(theme)
    return out


@dataclass
class Link:
    """A cross-reference seen from one side: the passage on the other side and how they relate."""

    passage: Passage
    document: Document
    relation: str
    score: float


def crossrefs_for(session: Session, ids: list[str]) -> dict[str, list[Link]]:
    """Cross-references of each passage, in both directions, best first."""
    out: dict[str, list[Link]] = defaultdict(list)
    other = aliased(Passage)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for here, there in ((Crossref.commentary_id, Crossref.official_id), (Crossref.official_id, Crossref.commentary_id)):
            rows = session.execute(
                select(here, other, Document, Crossref.relation, Crossref.score)
                .join(other, other.id == there).join(Document, Document.id == other.document_id)
                .where(here.in_(chunk))
            )
            for pid, p, d, relation, score in rows:
                out[pid].append(Link(p, d, relation, score))
    for links in out.values():
        links.sort(key=lambda link: (-link.score, link.passage.position))
    return out


@dataclass
class Paragraph:
    number: int
    passages: list[Passage] = field(default_factory=list)


@dataclass
class Section:
    heading: Passage | None
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class DocumentView:
    """A document laid out for reading, with everything its passages link to."""

    document: Document
    sections: list[Section]
    passages: list[Passage]
    themes: dict[str, list[str]]
    links: dict[str, list[Link]]
    commentaries: list[Document]
    official: Document | None


def document_view(session: Session, doc: Document) -> DocumentView:
    """The document's active passages grouped into sections and paragraphs."""
    passages = list(session.scalars(
        select(Passage).where(Passage.document_id == doc.id, Passage.active.is_(True)).order_by(Passage.position)
    ))
    sections: list[Section] = []
    for p in passages:
        if p.kind == "heading" or not sections:
            sections.append(Section(p if p.kind == "heading" else None))
            if p.kind == "heading":
                continue
        paras = sections[-1].paragraphs
        if not paras or paras[-1].number != p.paragraph:
            paras.append(Paragraph(p.paragraph))
        paras[-1].passages.append(p)
    ids = [p.id for p in passages]
    commentaries = list(session.scalars(
        select(Document).where(Document.comments_on == doc.slug, Document.status == "active").order_by(Document.slug)
    )) if doc.kind == "official" else []
    official = None
    if doc.kind == "commentary" and doc.comments_on:
        official = session.scalar(select(Document).where(Document.slug == doc.comments_on, Document.status == "active"))
    return DocumentView(doc, sections, passages, themes_for(session, ids), crossrefs_for(session, ids), commentaries, official)


def document_json(view: DocumentView) -> dict:
    """The JSON twin of the reader."""
    obj = document_obj(view.document)
    obj["passages"] = [
        passage_obj(p, view.document, view.themes.get(p.id)) for p in view.passages
    ]
    obj["commentaries"] = [c.slug for c in view.commentaries]
    return obj


def passage_json(session: Session, p: Passage) -> dict:
    """One passage with its document's slug and kind, themes and cross-references."""
    doc = session.get(Document, p.document_id)
    obj = passage_obj(p, doc, themes_for(session, [p.id]).get(p.id))
    obj["crossrefs"] = [
        {"passage": passage_obj(link.passage, link.document), "relation": link.relation, "score": link.score}
        for link in crossrefs_for(session, [p.id]).get(p.id, [])
    ]
    return obj


def context(session: Session, p: Passage, before: int = 1, after: int = 1) -> tuple[list[Passage], list[Passage]]:
    """The passages just before and after `p` in its document (headings skipped)."""
    base = select(Passage).where(Passage.document_id == p.document_id, Passage.active.is_(True), Passage.kind != "heading")
    prev = list(session.scalars(base.where(Passage.position < p.position).order_by(Passage.position.desc()).limit(before)))
    nxt = list(session.scalars(base.where(Passage.position > p.position).order_by(Passage.position).limit(after)))
    return prev[::-1], nxt
