"""Sentence alignments between a translation and its original: written at ingest, read per passage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.store.db import driver_rows
from app.store.models import Alignment, Document, Passage


def replace(session: Session, translation: Document, rows: Iterable[tuple[int, str | None, str | None, float]]) -> None:
    """The translation's alignment, as (bead, original passage id, translation passage id, confidence)."""
    session.execute(delete(Alignment).where(Alignment.document_id == translation.id))
    values = [{"document_id": translation.id, "bead": b, "original_id": o, "translation_id": t, "confidence": c}
              for b, o, t, c in rows]
    if values:
        session.execute(insert(Alignment), values)


_CHUNK = 500  # ids per IN list: SQLite builds before 3.32 take at most 999 parameters


def clear(session: Session, document_ids: Iterable[int]) -> None:
    """Drop the alignments of these translations (retired, or no longer translating anything)."""
    ids = sorted(set(document_ids))
    if ids and session.scalar(select(Alignment.id).limit(1)) is not None:
        for i in range(0, len(ids), _CHUNK):
            session.execute(delete(Alignment).where(Alignment.document_id.in_(ids[i:i + _CHUNK])))


def active_passages(session: Session, doc: Document) -> list[tuple[str, str]]:
    """(id, text) of a document's active passages in reading order."""
    return [tuple(r) for r in session.execute(select(Passage.id, Passage.text).where(
        Passage.document_id == doc.id, Passage.active.is_(True)).order_by(Passage.position))]


def translations_of(session: Session, slugs: Iterable[str]) -> list[Document]:
    """Active documents translating any of these originals."""
    slugs = sorted(set(slugs))
    out: list[Document] = []
    if not slugs or session.scalar(select(Document.id).where(Document.translation_of.is_not(None)).limit(1)) is None:
        return out  # an archive without translations: one cheap query
    for i in range(0, len(slugs), _CHUNK):
        out += session.scalars(select(Document).where(Document.translation_of.in_(slugs[i:i + _CHUNK]),
                                                      Document.status == "active"))
    return sorted(out, key=lambda d: d.id)


def _entry(p, doc, confidence: float) -> dict:
    return {"id": p.id if p else None, "document": doc.slug, "language": doc.language,
            "text": p.text if p else None, "confidence": round(confidence, 3)}


class _Row(NamedTuple):
    id: int
    document_id: int
    bead: int
    original_id: str | None
    translation_id: str | None
    confidence: float


class _Passage(NamedTuple):
    id: str
    text: str
    document_id: int


class _Doc(NamedTuple):
    id: int
    slug: str
    language: str | None


_ROW = "SELECT id, document_id, bead, original_id, translation_id, confidence FROM alignments"


def _read(conn, sql: str, values, kind) -> list:
    return [kind(*r) for r in driver_rows(conn, sql, values)]


def aligned_for(session: Session, ids: list[str]) -> dict[str, list[dict]]:
    """Each passage's counterparts: in its original (for a translation's sentence), in every
    translation (for an original's), and in the other translations of the same original.
    A sentence a translation leaves out gives an entry of that translation with id and text None.

    Plain SQL through the driver: every search page asks, and building ORM objects for the rows
    cost several times what the database took to find them."""
    if not ids:
        return {}
    conn = session.connection()
    mine = _read(conn, f"{_ROW} WHERE original_id IN ({{marks}}) OR translation_id IN ({{marks}})", ids, _Row)
    if not mine:  # most searches: no sentence with counterparts
        return {}
    out: dict[str, list[dict]] = defaultdict(list)
    keys = {(a.document_id, a.bead) for a in mine}
    originals = {a.original_id for a in mine if a.original_id}
    # Every row of the beads involved (only those, not the whole of each translation), and every
    # translation's rows for the originals concerned.
    beads: dict[int, set[int]] = defaultdict(set)
    for doc_id, bead in keys:
        beads[doc_id].add(bead)
    found = {a.id: a for doc_id in sorted(beads) for a in _read(
        conn, f"{_ROW} WHERE document_id = {int(doc_id)} AND bead IN ({{marks}})", beads[doc_id], _Row)}
    found.update((a.id, a) for a in _read(conn, f"{_ROW} WHERE original_id IN ({{marks}})", originals, _Row))
    rows = [found[i] for i in sorted(found)]
    pids = {x for a in rows for x in (a.original_id, a.translation_id) if x}
    passages = {p.id: p for p in _read(conn, "SELECT id, text, document_id FROM passages WHERE active AND id IN ({marks})",
                                       pids, _Passage)}
    docs = {d.id: d for d in _read(conn, "SELECT id, slug, language FROM documents WHERE status = 'active' AND id IN ({marks})",
                                   {a.document_id for a in rows} | {p.document_id for p in passages.values()}, _Doc)}
    by_bead: dict[tuple[int, int], list[_Row]] = defaultdict(list)
    by_original: dict[str, list[_Row]] = defaultdict(list)
    for a in rows:
        if a.document_id in docs:
            by_bead[(a.document_id, a.bead)].append(a)
            if a.original_id:
                by_original[a.original_id].append(a)
    wanted = set(ids)
    seen: set[tuple[str, str | None, str]] = set()

    def add(pid: str, p: _Passage | None, doc: _Doc, confidence: float) -> None:
        key = (pid, p.id if p else None, doc.slug)
        if key not in seen and (p is None or p.id != pid):
            seen.add(key)
            out[pid].append(_entry(p, doc, confidence))

    for pid in ids:
        if pid not in passages:
            continue
        for a in by_original.get(pid, []):  # an original's sentence: each translation's rendering
            t = passages.get(a.translation_id) if a.translation_id else None
            if a.translation_id is None or t is not None:
                add(pid, t, docs[a.document_id], a.confidence)
        for a in (x for x in rows if x.translation_id == pid and x.document_id in docs):
            for b in by_bead[(a.document_id, a.bead)]:  # a translation's sentence: its original(s)
                o = passages.get(b.original_id) if b.original_id else None
                if o is not None and o.document_id in docs:
                    add(pid, o, docs[o.document_id], a.confidence)
                    for c in by_original.get(o.id, []):  # and the other translations of it
                        other = passages.get(c.translation_id) if c.translation_id else None
                        if c.document_id != a.document_id and other is not None:
                            add(pid, other, docs[c.document_id], min(a.confidence, c.confidence))
    return {k: v for k, v in out.items() if k in wanted}


def renderings(session: Session, original: Document) -> tuple[list[Passage], list[Document], dict]:
    """The original's passages in reading order, its translations, and for each (original passage
    id, translation id) the translation's sentences rendering it with the bead's confidence;
    ([], confidence) for a sentence the translation leaves out, absent where nothing was aligned."""
    passages = list(session.scalars(select(Passage).where(
        Passage.document_id == original.id, Passage.active.is_(True)).order_by(Passage.position)))
    translations = translations_of(session, [original.slug])
    out: dict[tuple[str, int], tuple[list[Passage], float]] = {}
    if not passages or not translations:
        return passages, translations, out
    rows = list(session.scalars(select(Alignment).where(Alignment.document_id.in_([t.id for t in translations]))))
    rendered = {p.id: p for p in session.scalars(select(Passage).where(
        Passage.id.in_({a.translation_id for a in rows if a.translation_id}), Passage.active.is_(True)))}
    for a in sorted(rows, key=lambda a: a.id):
        if not a.original_id:
            continue
        found, conf = out.setdefault((a.original_id, a.document_id), ([], a.confidence))
        t = rendered.get(a.translation_id) if a.translation_id else None
        if t is not None and t not in found:
            found.append(t)
    return passages, translations, out


def beads(session: Session, original: Document, translation: Document) -> list[tuple[list[Passage], list[Passage], float | None]]:
    """The translation beside its original, bead by bead in reading order: (original sentences,
    translation sentences, confidence). A side is empty where the other has no counterpart (1–0,
    0–1); a passage no bead names (the alignment not yet redone) comes alone, in place, with None."""
    def active(doc: Document) -> list[Passage]:
        return list(session.scalars(select(Passage).where(
            Passage.document_id == doc.id, Passage.active.is_(True)).order_by(Passage.position)))

    left, right = active(original), active(translation)
    by_id = {p.id: p for p in left + right}
    grouped: dict[int, tuple[list[str], list[str], float]] = {}
    for a in session.scalars(select(Alignment).where(Alignment.document_id == translation.id).order_by(Alignment.id)):
        o, t, _ = grouped.setdefault(a.bead, ([], [], a.confidence))
        for pid, side in ((a.original_id, o), (a.translation_id, t)):
            if pid in by_id and pid not in side:
                side.append(pid)
    out: list[tuple[list[Passage], list[Passage], float | None]] = []
    aligned = {pid for o, t, _ in grouped.values() for pid in o + t}
    at = [0, 0]  # how far each side has been shown

    def catch_up(side: int, passages: list[Passage], until: int) -> None:
        for p in passages[at[side]:until]:
            if p.id not in aligned:
                out.append(([p], [], None) if side == 0 else ([], [p], None))
        at[side] = max(at[side], until)

    index = {p.id: i for ps in (left, right) for i, p in enumerate(ps)}
    for n in sorted(grouped):
        o, t, confidence = grouped[n]
        if not o and not t:
            continue  # every sentence of the bead has since gone
        for side, passages, ids in ((0, left, o), (1, right, t)):
            if ids:
                catch_up(side, passages, min(index[x] for x in ids))
                at[side] = max(at[side], max(index[x] for x in ids) + 1)
        out.append(([by_id[x] for x in sorted(o, key=index.get)], [by_id[x] for x in sorted(t, key=index.get)], confidence))
    catch_up(0, left, len(left))
    catch_up(1, right, len(right))
    return out
