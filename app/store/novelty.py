"""What is new in each official statement, as stored (#20; migration 0006), and what a request reads of it.

`novelty_documents`: per active official document, the sorted 64-bit hashes of its candidate
runs and sentences (a blob of uint64), its sentences' hashes by passage id (for "Said before"),
its list of new formulations, and the ingest version that last wrote the row.
`novelty_first`: per hash, the earliest official document using it. An ingest looks up only the
hashes of the documents it changes; a request looks up only the hashes of one document.
Hashes are stored as signed 64-bit integers (their bits unchanged).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, LargeBinary, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.store.db import driver_query
from app.store.models import Base

HASH = BigInteger().with_variant(Integer(), "sqlite")  # in SQLite the rowid itself: no second index
CHUNK = 500  # values per IN (…) list
PAIRS_AT_ONCE = 50_000  # rows per executemany


class NoveltyDocument(Base):
    __tablename__ = "novelty_documents"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True,
                                             autoincrement=False)
    sort_key: Mapped[str] = mapped_column(String(100))
    runs: Mapped[bytes] = mapped_column(LargeBinary)
    sentences: Mapped[list] = mapped_column(JSON)  # [[passage id, sentence hash], …]
    new: Mapped[list] = mapped_column(JSON)  # [{"phrase": …, "ids": […]}, …], most distinctive first
    reason: Mapped[str | None] = mapped_column(String(32))  # why `new` is empty by rule: "first", "undated"
    computed_version: Mapped[int] = mapped_column(Integer)


class NoveltyFirst(Base):
    __tablename__ = "novelty_first"
    hash: Mapped[int] = mapped_column(HASH, primary_key=True, autoincrement=False)
    document_id: Mapped[int] = mapped_column(Integer)


def signed(hashes: np.ndarray) -> list[int]:
    return np.asarray(hashes, dtype=np.uint64).view(np.int64).tolist()


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def holders(session: Session, hashes: np.ndarray) -> dict[int, int]:
    """The earliest official document of each hash that has one: {unsigned hash: document id}."""
    out: dict[int, int] = {}
    conn = session.connection()
    for chunk in _chunks(signed(np.unique(hashes))):  # plain SQL: see app.store.db.driver_query
        for h, d in driver_query(conn, "SELECT hash, document_id FROM novelty_first WHERE hash IN ({marks})", chunk):
            out[h & 0xFFFFFFFFFFFFFFFF] = d
    return out


def _insert_pairs(session: Session, pairs: list[tuple[int, int]]) -> None:
    """Many (hash, document) rows through the driver's executemany: an ORM or Core insert's
    per-row work would cost more than the rest of the novelty update."""
    if not pairs:
        return
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for chunk in _chunks(pairs, PAIRS_AT_ONCE):
        conn.exec_driver_sql(f"INSERT INTO novelty_first (hash, document_id) VALUES ({mark}, {mark})", chunk)


def set_holders(session: Session, changes: dict[int, int | None]) -> None:
    """Give each hash its earliest document (None: no document uses it any more)."""
    keys = signed(np.fromiter(changes, dtype=np.uint64, count=len(changes)))
    for chunk in _chunks(keys):
        session.execute(delete(NoveltyFirst).where(NoveltyFirst.hash.in_(chunk)))
    pairs = [(k, d) for k, d in zip(keys, changes.values()) if d is not None]
    _insert_pairs(session, sorted(pairs))


def replace_all_holders(session: Session, hashes: np.ndarray, docs: np.ndarray) -> None:
    """Every hash's earliest document, replacing what was stored (hashes distinct)."""
    session.execute(delete(NoveltyFirst))
    keys = np.asarray(hashes, dtype=np.uint64).view(np.int64)
    order = np.argsort(keys, kind="stable")  # ascending signed keys: each insert appends to the table
    keys, docs = keys[order], np.asarray(docs)[order]
    for i in range(0, len(keys), PAIRS_AT_ONCE):  # millions of rows: Python's pairs made a slice at a time
        _insert_pairs(session, list(zip(keys[i:i + PAIRS_AT_ONCE].tolist(), docs[i:i + PAIRS_AT_ONCE].tolist())))


def rows(session: Session, document_ids: Iterable[int] | None = None, *, runs: bool = True) -> dict[int, dict]:
    """Stored rows by document id (all of them when `document_ids` is None), as plain dicts."""
    cols = [NoveltyDocument.document_id, NoveltyDocument.sort_key, NoveltyDocument.computed_version]
    if runs:
        cols.append(NoveltyDocument.runs)
    out: dict[int, dict] = {}
    if document_ids is None:
        batches: Iterable = [None]
    else:
        batches = _chunks(sorted(set(document_ids)))
    for chunk in batches:
        q = select(*cols)
        if chunk is not None:
            q = q.where(NoveltyDocument.document_id.in_(chunk))
        for r in session.execute(q):
            d = dict(r._mapping)
            if runs:
                d["runs"] = np.frombuffer(d["runs"], dtype=np.uint64)
            out[d["document_id"]] = d
    return out


def delete_rows(session: Session, document_ids: Iterable[int]) -> None:
    for chunk in _chunks(sorted(set(document_ids))):
        session.execute(delete(NoveltyDocument).where(NoveltyDocument.document_id.in_(chunk)))


def write_rows(session: Session, values: list[dict]) -> None:
    """Replace the rows of these documents ({document_id, sort_key, runs (uint64 array), sentences, new, reason})."""
    delete_rows(session, [v["document_id"] for v in values])
    for chunk in _chunks(values, 200):
        session.execute(insert(NoveltyDocument), [
            {**v, "runs": np.asarray(v["runs"], dtype=np.uint64).tobytes()} for v in chunk])


def count_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(NoveltyDocument)) or 0


# ---------------------------------------------------------------- what a request reads
# A reader page asks these on every first render: plain SQL through the driver, since compiling
# an expanding IN (…) each time cost more than SQLite takes to answer (BENCHMARKS.md, #20).

class Stored(NamedTuple):
    sentences: list  # [[passage id, sentence hash], …]
    new: list
    reason: str | None
    computed_version: int


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value  # SQLite: text; PostgreSQL: decoded


def of_document(session: Session, document_id: int) -> Stored | None:
    """One document's stored novelty, without its runs blob (a request never needs it)."""
    rows = driver_query(session.connection(), "SELECT sentences, new, reason, computed_version FROM novelty_documents "
                        "WHERE document_id IN ({marks})", [document_id])
    if not rows:
        return None
    sentences, new, reason, version = rows[0]
    return Stored(_json(sentences), _json(new), reason, version)


def _sentences_of(conn, document_ids: Iterable[int]) -> dict[int, list]:
    """The stored [passage id, sentence hash] lists of these documents."""
    out: dict[int, list] = {}
    for chunk in _chunks(sorted(set(document_ids))):
        out.update((d, _json(s)) for d, s in driver_query(
            conn, "SELECT document_id, sentences FROM novelty_documents WHERE document_id IN ({marks})", chunk))
    return out


def _first_documents(conn, signed_hashes: list[int]) -> dict[int, int]:
    """{signed hash: earliest document id} for these hashes."""
    out: dict[int, int] = {}
    for chunk in _chunks(sorted(set(signed_hashes))):
        out.update(driver_query(conn, "SELECT hash, document_id FROM novelty_first WHERE hash IN ({marks})", chunk))
    return out


def _same_wording(a: str, b: str) -> bool:
    """Word for word the same text (spacing aside): an "exact" match rather than a "near" one."""
    return a.split() == b.split()


def said_before(session: Session, document_id: int, sentences: list | None = None) -> list[dict]:
    """The document's sentences that an earlier official document says too, in reading order:
    [{"id", "text", "earlier": [{"document": (slug, title, date), "id", "text", "match"}]}].

    `sentences`: the document's stored [passage id, hash] list when the caller has read it.
    A sentence's hash has the earliest official document saying it (once normalised) as its holder;
    when that is another document, the sentence was said before, first there. "exact": the same
    wording; "near": the same words once normalised (case, punctuation, quote and dash styles)."""
    conn = session.connection()
    mine = sentences if sentences is not None else _sentences_of(conn, [document_id]).get(document_id) or []
    holder = _first_documents(conn, [h for _, h in mine])
    repeated = [(pid, h, holder[h]) for pid, h in mine if holder.get(h, document_id) != document_id]
    if not repeated:
        return []
    where: dict[tuple[int, int], str] = {}  # (holder, hash) -> the holder's first sentence with that hash
    for d, listed in _sentences_of(conn, {d for _, _, d in repeated}).items():
        for pid, h in listed:
            where.setdefault((d, h), pid)
    pairs = [(pid, d, where[(d, h)]) for pid, h, d in repeated if (d, h) in where]
    rows = {}
    for chunk in _chunks(sorted({p for pid, _, other in pairs for p in (pid, other)})):
        rows.update((r.id, r) for r in driver_query(
            conn, "SELECT p.id, p.text, d.slug, d.title, d.date FROM passages p JOIN documents d "
                  "ON d.id = p.document_id WHERE p.id IN ({marks})", chunk))
    out = []
    for pid, d, other in pairs:
        if pid not in rows or other not in rows:
            continue
        mine_text, first = rows[pid].text, rows[other]
        out.append({"id": pid, "text": mine_text, "earlier": [{
            "document": first, "id": other, "text": first.text,
            "match": "exact" if _same_wording(mine_text, first.text) else "near"}]})
    return out
