"""Reading the archive: documents, passages and the redirects and tombstones of old ids."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select, union_all
from sqlalchemy.orm import Session, aliased

from app.store.alignments import aligned_for, translations_of
from app.store.models import Crossref, Document, DocumentAlias, Passage, PassageTheme, Theme

MAX_REDIRECT_HOPS = 20
# Statements used on every page are built once, below: building and cache-keying a statement
# costs more than SQLite takes to run it. `ids` is expanded to the list given at execution.
_IDS = bindparam("ids", expanding=True)


# Plain SQL, so a raw DBAPI connection (the page cache's probe) and a session read it alike.
VERSION_SQL = "SELECT version, ingested_at FROM archive_state WHERE id = 1"


def version_key_of(row) -> tuple[int, str] | None:
    """(version, time of its ingest) from a VERSION_SQL row; None before the first ingest.

    The time tells apart two archives that reached the same number (a database rebuilt from
    scratch); str() gives one form whichever connection read it.
    """
    if row is None or not row[0]:
        return None
    return int(row[0]), str(row[1])


def version_key(session: Session) -> tuple[int, str] | None:
    """The version key of the snapshot `session` reads."""
    # Plain SQL: every search asks, and an ORM select costs more than SQLite takes to answer.
    return version_key_of(session.connection().exec_driver_sql(VERSION_SQL).first())


def current_version(session: Session) -> int:
    """The archive version this request reads (0 before the first ingest)."""
    key = version_key(session)
    return key[0] if key else 0


@dataclass
class Resolved:
    """An id or slug looked up: live (`ok`), replaced (`moved` to `target`) or `gone`."""

    status: str
    item: object
    target: object | None = None


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


def quotable(session: Session, n: int = 3, newest: int = 8) -> list[Passage]:
    """Official sentences to offer as example quotes, taken in turn from the newest official documents
    (so a small archive still offers `n`), directives first, each of a quotable length."""
    docs = select(Document.id).where(Document.status == "active", Document.kind == "official") \
        .order_by(Document.date.desc().nulls_last(), Document.slug).limit(newest)
    rows = session.scalars(
        select(Passage).where(Passage.document_id.in_(docs), Passage.active.is_(True), Passage.kind == "sentence",
                              func.length(Passage.text).between(40, 200))
        .order_by(Passage.is_directive.desc(), Passage.position))
    per_doc: dict[int, list[Passage]] = defaultdict(list)
    for p in rows:
        per_doc[p.document_id].append(p)
    queues = [per_doc[d] for d in session.scalars(docs) if per_doc[d]]
    picked: list[Passage] = []
    for turn in range(n):
        picked += [q[turn] for q in queues if turn < len(q)]
    return picked[:n]


def broad_themes(session: Session) -> list[Theme]:
    """The themes without a parent that some active sentence carries, in the taxonomy's order."""
    carried = select(PassageTheme.passage_id).join(Passage, Passage.id == PassageTheme.passage_id) \
        .where(PassageTheme.theme == Theme.slug, Passage.active.is_(True)).exists()
    return list(session.scalars(select(Theme).where(Theme.parent.is_(None), carried).order_by(Theme.position, Theme.slug)))


_BY_SLUG = select(Document).where(Document.slug == bindparam("slug"))


def resolve_document(session: Session, slug: str) -> Resolved | None:
    """Find a document by slug or alias."""
    doc = session.scalar(_BY_SLUG, {"slug": slug})
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


# Its document comes along, so the page's own session.get(Document, ...) needs no query.
_PASSAGE_AND_DOCUMENT = (select(Passage, Document).join(Document, Document.id == Passage.document_id)
                         .where(Passage.id == bindparam("id")))


def resolve_passage(session: Session, passage_id: str) -> Resolved | None:
    """Find a passage by id; follow successors of corrected text; say when it is gone."""
    row = session.execute(_PASSAGE_AND_DOCUMENT, {"id": passage_id}).first()
    if row is None:
        return None
    p = row[0]
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


_SUCCEEDED_BY = select(Passage).where(Passage.successor_id.in_(_IDS))


def history(session: Session, passage_id: str) -> list[Passage]:
    """Earlier wordings that were corrected into this passage, newest first."""
    out: list[Passage] = []
    frontier = [passage_id]
    seen = set(frontier)
    while frontier and len(out) < 50:
        rows = list(session.scalars(_SUCCEEDED_BY, {"ids": frontier}))
        frontier = [r.id for r in rows if r.id not in seen]
        seen.update(frontier)
        out.extend(r for r in rows if r.id in frontier)
    # The id breaks ties: the query's row order is the database's storage order.
    return sorted(out, key=lambda r: (-(r.retired_version or 0), r.id))


_THEMES_OF = select(PassageTheme.passage_id, PassageTheme.theme).where(PassageTheme.passage_id.in_(_IDS)).order_by(PassageTheme.theme)


def themes_for(session: Session, ids: list[str]) -> dict[str, list[str]]:
    """Theme slugs of each passage."""
    out: dict[str, list[str]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        for pid, theme in session.execute(_THEMES_OF, {"ids": ids[i:i + 500]}):
            out[pid].append(theme)
    return out


@dataclass
class Link:
    """A cross-reference seen from one side: the passage on the other side and how they relate."""

    passage: Passage
    document: Document
    relation: str
    score: float


def _links_statement():
    """Both directions in one statement: (passage asked about, passage on the other side, ...)."""
    pairs = union_all(
        select(Crossref.commentary_id.label("here"), Crossref.official_id.label("there"), Crossref.relation, Crossref.score)
        .where(Crossref.commentary_id.in_(_IDS)),
        select(Crossref.official_id, Crossref.commentary_id, Crossref.relation, Crossref.score)
        .where(Crossref.official_id.in_(_IDS)),
    ).subquery("pairs")
    other = aliased(Passage, name="other")
    return (select(pairs.c.here, other, Document, pairs.c.relation, pairs.c.score).select_from(pairs)
            .join(other, other.id == pairs.c.there).join(Document, Document.id == other.document_id))


_LINKS = _links_statement()


def crossrefs_for(session: Session, ids: list[str]) -> dict[str, list[Link]]:
    """Cross-references of each passage, in both directions, best first."""
    out: dict[str, list[Link]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        for pid, p, d, relation, score in session.execute(_LINKS, {"ids": ids[i:i + 500]}):
            out[pid].append(Link(p, d, relation, score))
    for links in out.values():
        # Down to the passage id, a total order: the statement's rows come in storage order.
        links.sort(key=lambda link: (-link.score, link.passage.position, link.document.slug, link.passage.id))
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
    # The original it translates, the (other) translations of that original or of this
    # document, and each passage's aligned counterparts.
    original: Document | None = None
    translations: list[Document] = field(default_factory=list)
    aligned: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def theme_share(self) -> tuple[int, int]:
        """(sentences with a theme, sentences): how much of the document theme browsing reaches."""
        sentences = [p for p in self.passages if p.kind != "heading"]
        return sum(bool(self.themes.get(p.id)) for p in sentences), len(sentences)


_READING_ORDER = (select(Passage).where(Passage.document_id == bindparam("doc"), Passage.active.is_(True))
                  .order_by(Passage.position))
_COMMENTARIES_ON = (select(Document).where(Document.comments_on == bindparam("slug"), Document.status == "active")
                    .order_by(Document.slug))
_ACTIVE_BY_SLUG = select(Document).where(Document.slug == bindparam("slug"), Document.status == "active")


def document_view(session: Session, doc: Document) -> DocumentView:
    """The document's active passages grouped into sections and paragraphs."""
    passages = list(session.scalars(_READING_ORDER, {"doc": doc.id}))
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
    commentaries = list(session.scalars(_COMMENTARIES_ON, {"slug": doc.slug})) if doc.kind == "official" else []
    official = None
    if doc.kind == "commentary" and doc.comments_on:
        official = session.scalar(_ACTIVE_BY_SLUG, {"slug": doc.comments_on})
    original = session.scalar(_ACTIVE_BY_SLUG, {"slug": doc.translation_of}) if doc.translation_of else None
    translations = [t for t in translations_of(session, [(original or doc).slug]) if t.id != doc.id]
    return DocumentView(doc, sections, passages, themes_for(session, ids), crossrefs_for(session, ids), commentaries,
                        official, original, translations, aligned_for(session, ids))


@dataclass
class PassageView:
    """One passage with its document, themes and cross-references; for its page, its neighbours
    and the earlier wordings corrected into it too."""

    passage: Passage
    document: Document
    themes: list[str]
    links: list[Link]
    before: list[Passage] = field(default_factory=list)
    after: list[Passage] = field(default_factory=list)
    history: list[Passage] = field(default_factory=list)
    aligned: list[dict] = field(default_factory=list)  # counterparts in the original or translations


def passage_view(session: Session, p: Passage, *, around: bool = False) -> PassageView:
    """What a passage's API answer shows, and with `around` what its page shows besides."""
    view = PassageView(p, session.get(Document, p.document_id), themes_for(session, [p.id]).get(p.id, []),
                       crossrefs_for(session, [p.id]).get(p.id, []))
    view.aligned = aligned_for(session, [p.id]).get(p.id, [])
    if around:
        view.before, view.after = context(session, p)
        view.history = history(session, p.id)
    return view


def _context_statement():
    """The nearest `before` and `after` readable passages around a position, in one statement."""
    near = select(Passage.id).where(Passage.document_id == bindparam("doc"), Passage.active.is_(True),
                                    Passage.kind != "heading")
    prev = near.where(Passage.position < bindparam("pos")).order_by(Passage.position.desc()).limit(bindparam("before"))
    nxt = near.where(Passage.position > bindparam("pos")).order_by(Passage.position).limit(bindparam("after"))
    # Wrapped as subqueries: SQLite accepts ORDER BY and LIMIT only there, not in a UNION's members.
    around = union_all(select(prev.subquery().c.id), select(nxt.subquery().c.id))
    return select(Passage).where(Passage.id.in_(around)).order_by(Passage.position)


_CONTEXT = _context_statement()


def context(session: Session, p: Passage, before: int = 1, after: int = 1) -> tuple[list[Passage], list[Passage]]:
    """The passages just before and after `p` in its document (headings skipped)."""
    rows = list(session.scalars(_CONTEXT, {"doc": p.document_id, "pos": p.position, "before": before, "after": after}))
    return [r for r in rows if r.position < p.position], [r for r in rows if r.position > p.position]
