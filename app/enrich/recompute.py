"""Derived data, recomputed only where sources changed: directives, cross-references, themes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.enrich import links as crossref

from app.enrich import directive_rules as directives

from app.store import writes as store

from app.enrich import taxonomy as themes
from app.enrich.taxonomy_file import load_taxonomy
from app.enrich.taxonomy_context import in_paragraphs
from app.store.models import Crossref, Document, Passage, PassageTheme, Theme
from app.progress import Progress


def load_taxonomy_for(paths: Iterable[Path], default: Path | None):
    """The taxonomy: a themes.toml among the sources' folders wins over the configured file."""
    for p in paths:
        candidate = Path(p) / "themes.toml" if Path(p).is_dir() else None
        if candidate and candidate.is_file():
            return load_taxonomy(candidate)
    if default and Path(default).is_file():
        return load_taxonomy(Path(default))
    return None


def store_taxonomy(session: Session, taxonomy) -> None:
    """Replace the themes table with the taxonomy's themes."""
    session.execute(delete(Theme), execution_options=store.BY_KEY)
    for position, t in enumerate(taxonomy):
        session.add(Theme(slug=t.slug, label=t.label, description=t.description, parent=t.parent, position=position,
                          replaces=" ".join(t.replaces)))


class Passages:
    """Each touched document's active passages as rows, read once per ingest.

    Enrichment reads a document's passages two or three times (align, themes, directives) and
    changes only derived columns, which it writes back by key (`_update`). Rows, not ORM objects:
    building and flushing an object per passage was about a sixth of a 10,000-document ingest.
    The derived columns in a row are as the ingest found them: each is written once per ingest.
    """

    def __init__(self, session: Session):
        self._session = session
        self._rows: dict[int, list] = {}

    def of(self, doc: Document) -> list:
        """The document's active passages in reading order."""
        rows = self._rows.get(doc.id)
        if rows is None:
            rows = self._rows[doc.id] = self._session.execute(
                select(Passage.id, Passage.kind, Passage.text, Passage.section, Passage.section_title,
                       Passage.position, Passage.claim, Passage.is_directive, Passage.directive_verb,
                       Passage.speaker, Passage.paragraph)
                .where(Passage.document_id == doc.id, Passage.active.is_(True)).order_by(Passage.position)
            ).all()
        return rows

    def done(self, doc: Document) -> None:
        """The document's rows are not needed again (if they are, they are read again)."""
        self._rows.pop(doc.id, None)


def _update(session: Session, changes: list[dict]) -> None:
    """Write derived columns by primary key: one executemany per set of columns changed."""
    if changes:
        session.execute(update(Passage), changes)


def _units(passages: list) -> list[crossref.Unit]:
    return [crossref.Unit(p.id, p.text, p.kind, p.section_title, p.position) for p in passages]


@dataclass
class Plan:
    """Which documents an ingest enriches: officials to scan for directives, commentaries to
    align, and every document whose passages' derived data (and so index records) change."""

    officials: list[Document]
    to_align: list[tuple[Document, Document | None]]  # (commentary, the official it comments on)
    touched: list[Document]
    passages: Passages

    def commentaries(self) -> list[Document]:
        return [d for d in self.touched if d.kind == "commentary"]

    def others(self) -> list[Document]:
        return [d for d in self.touched if d.kind != "commentary"]


def plan(session: Session, changed: list[Document], retired: list[Document], all_themes: bool) -> Plan:
    """What to enrich after `changed` and `retired` (all themes again when the taxonomy or rules changed)."""
    # Which documents are active and what comments on what, as rows: building every document's
    # ORM object cost more than the rest of adding one document to 10,000.
    rows = session.execute(select(Document.id, Document.slug, Document.kind, Document.comments_on)
                           .where(Document.status == "active").order_by(Document.id)).all()
    ids = {r.slug: r.id for r in rows}
    changed_slugs = {d.slug for d in changed} | {d.slug for d in retired}
    commentaries_by_official: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.kind == "commentary" and r.comments_on:
            commentaries_by_official[r.comments_on].append(r.slug)

    def doc(slug: str) -> Document:
        return session.get(Document, ids[slug])  # changed documents are already in the session

    officials = [d for d in changed if d.status == "active" and d.kind == "official"]
    to_align = {d.slug: d for d in changed if d.kind == "commentary" and d.status == "active"}
    for slug in changed_slugs:
        for c in commentaries_by_official.get(slug, []):
            to_align[c] = doc(c)
    pairs = [(c, doc(c.comments_on) if c.comments_on in ids else None) for c in to_align.values()]

    touched = {d.slug: d for d in changed if d.status == "active"}
    for c, official in pairs:
        touched[c.slug] = c
        if official is not None:
            touched[official.slug] = official
    if all_themes:
        touched = {d.slug: d for d in session.scalars(
            select(Document).where(Document.status == "active").order_by(Document.id))}
    return Plan(officials, pairs, list(touched.values()), Passages(session))


def the_rest(session: Session, taxonomy, work: Plan, progress: Progress) -> Iterator[Document]:
    """Cross-references and the themes of the other touched documents, one at a time, yielding
    each as soon as its derived data is final; then directives, which nothing else reads.

    An official text's themes borrow from the commentary linked to it, so its commentaries are
    aligned just before it is themed, rather than all alignments before all themes.
    """
    by_official: dict[str, list[tuple[Document, Document]]] = defaultdict(list)
    loose: list[tuple[Document, None]] = []
    for c, official in work.to_align:
        if official is None:
            loose.append((c, None))
        else:
            by_official[official.slug].append((c, official))
    others = work.others()
    with progress.stage("cross-references + themes", total=len(work.to_align) + len(others)) as tick:
        # Each document's rows are dropped at their last use: held to the end, they are a
        # large share of this process's peak memory on a big archive (see BENCHMARKS.md).
        scanned = {d.id for d in work.officials}
        for c, official in loose:
            _align(session, work.passages, c, official)
            work.passages.done(c)
            tick(1)
        for doc in others:
            for c, official in by_official.pop(doc.slug, []):
                _align(session, work.passages, c, official)
                work.passages.done(c)
                tick(1)
            if taxonomy is not None:
                theme(session, taxonomy, doc, work.passages)
            if doc.id not in scanned:
                work.passages.done(doc)
            tick(1)
            yield doc
        for pairs in by_official.values():  # officials outside `others` (not expected: plan adds them)
            for c, official in pairs:
                _align(session, work.passages, c, official)
                tick(1)
    with progress.stage("directives", total=len(work.officials)) as tick:
        for d in work.officials:
            _directives(session, work.passages, d)
            work.passages.done(d)
            tick(1)


def _directives(session: Session, passages: Passages, doc: Document) -> None:
    """Flag the official document's directives with their verb and speaker."""
    rows = [p for p in passages.of(doc) if p.kind != "heading"]
    found = directives.detect(rows, kind=doc.kind, default_speaker=doc.publisher)
    changes = []
    for i, p in enumerate(rows):
        d = found.get(i)
        # The columns are 80 and 200 characters.
        now = (d is not None, d.verb[:80] if d else None, d.speaker[:200] if d and d.speaker else None)
        if now != (p.is_directive, p.directive_verb, p.speaker):
            changes.append(dict(id=p.id, is_directive=now[0], directive_verb=now[1], speaker=now[2]))
    _update(session, changes)


def _align(session: Session, passages: Passages, commentary: Document, official: Document | None) -> None:
    """Label the commentary's claims and link them to the official text they report on."""
    rows = passages.of(commentary)
    ids = [p.id for p in rows]
    session.execute(delete(Crossref).where(Crossref.commentary_id.in_(ids)), execution_options=store.BY_KEY)
    official_units = [u for u in _units(passages.of(official)) if u.kind != "heading"] if official else []
    result = crossref.align(_units(rows), official_units)
    changes = []
    for p in rows:
        claim = result.claims.get(p.id) if p.kind != "heading" else None
        if claim != p.claim:
            changes.append(dict(id=p.id, claim=claim))
    _update(session, changes)
    links = [dict(commentary_id=link.commentary_id, official_id=link.official_id, relation=link.relation,
                  score=round(link.score, 4)) for link in result.links]
    if links:  # one executemany, in link order (so the rows' ids are what one insert each would give)
        session.execute(insert(Crossref), links)


def theme(session: Session, taxonomy, doc: Document, passages: Passages) -> None:
    """Give every passage of `doc` its themes: vocabulary (with headings as evidence) for
    commentary, vocabulary and links for official texts.

    A commentary's depend on its own headings only, so they are final before anything else is
    enriched; an official text's borrow from the commentary aligned with it."""
    rows = passages.of(doc)
    ids = [p.id for p in rows]
    for i in range(0, len(ids), 500):
        session.execute(delete(PassageTheme).where(PassageTheme.passage_id.in_(ids[i:i + 500])),
                        execution_options=store.BY_KEY)
    if doc.kind == "commentary":
        _commentary_themes(session, taxonomy, rows)
    else:
        _official_themes(session, taxonomy, rows)


def _commentary_themes(session: Session, taxonomy, passages: list) -> None:
    """Every commentary sentence through the classifier; its section heading and its paragraph
    add evidence."""
    heading_text: dict[int, str] = {}
    body, found = [], []
    for p in passages:
        if p.kind == "heading":
            heading_text[p.section] = p.text
            continue
        body.append(p)
        found.append(themes.commentary_themes(taxonomy, p.text, heading_text.get(p.section)))
    found = in_paragraphs(taxonomy, [p.text for p in body], [p.paragraph for p in body], found)
    _insert_themes(session, [dict(passage_id=p.id, theme=slug, score=round(score, 4), source=source)
                             for p, t in zip(body, found) for slug, score, source in t])


def _official_themes(session: Session, taxonomy, passages: list) -> None:
    """An official passage takes themes from commentary linked to it and from the classifier."""
    ids = [p.id for p in passages]
    linked: dict[str, set[str]] = defaultdict(set)
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(Crossref.official_id, PassageTheme.theme)
            .join(PassageTheme, PassageTheme.passage_id == Crossref.commentary_id)
            .where(Crossref.official_id.in_(ids[i:i + 500]))
        )
        for official_id, theme in rows:
            linked[official_id].add(theme)
    body = [p for p in passages if p.kind != "heading"]
    found = in_paragraphs(taxonomy, [p.text for p in body], [p.paragraph for p in body],
                         [themes.assign_themes(taxonomy, p.text, linked.get(p.id, ())) for p in body])
    _insert_themes(session, [dict(passage_id=p.id, theme=slug, score=round(score, 4), source=source)
                             for p, t in zip(body, found) for slug, score, source in t])


def _insert_themes(session: Session, rows: list[dict]) -> None:
    """One executemany rather than an ORM object per row: themes are a large share of all rows."""
    if rows:
        session.execute(insert(PassageTheme), rows)
