"""What is new in each official statement, as stored (#20; migration 0006), and what a request reads of it.

`novelty_documents`: per active official document, the sorted 64-bit hashes of its candidate
runs and sentences (a blob of uint64), its sentences' hashes by passage id (for "Said before"),
its list of new formulations, and the ingest version that last wrote the row.
`novelty_first`: per hash, the earliest official document using it. An ingest looks up only the
hashes of the documents it changes; a request looks up only the hashes of one document.
Hashes are stored as signed 64-bit integers (their bits unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, LargeBinary, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.store.models import Base, Document, Passage

HASH = BigInteger().with_variant(Integer(), "sqlite")  # in SQLite the rowid itself: no second index
CHUNK = 500  # values per IN (…) list


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
    for chunk in _chunks(signed(np.unique(hashes))):
        for h, d in session.execute(select(NoveltyFirst.hash, NoveltyFirst.document_id)
                                    .where(NoveltyFirst.hash.in_(chunk))):
            out[h & 0xFFFFFFFFFFFFFFFF] = d
    return out


def _insert_pairs(session: Session, pairs: list[tuple[int, int]]) -> None:
    """Many (hash, document) rows through the driver's executemany: an ORM or Core insert's
    per-row work would cost more than the rest of the novelty update."""
    if not pairs:
        return
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for chunk in _chunks(pairs, 50_000):
        conn.exec_driver_sql(f"INSERT INTO novelty_first (hash, document_id) VALUES ({mark}, {mark})", chunk)


def set_holders(session: Session, changes: dict[int, int | None]) -> None:
    """Give each hash its earliest document (None: no document uses it any more)."""
    keys = signed(np.fromiter(changes, dtype=np.uint64, count=len(changes)))
    for chunk in _chunks(keys):
        session.execute(delete(NoveltyFirst).where(NoveltyFirst.hash.in_(chunk)))
    pairs = [(k, d) for k, d in zip(keys, changes.values()) if d is not None]
    _insert_pairs(session, sorted(pairs))


def replace_all_holders(session: Session, hashes: np.ndarray, docs: np.ndarray) -> None:
    """Every hash's earliest document, replacing what was stored (hashes sorted, distinct)."""
    session.execute(delete(NoveltyFirst))
    keys = np.asarray(hashes, dtype=np.uint64).view(np.int64)
    order = np.argsort(keys, kind="stable")  # ascending signed keys: each insert appends to the table
    _insert_pairs(session, list(zip(keys[order].tolist(), np.asarray(docs)[order].tolist())))


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

def of_document(session: Session, document_id: int) -> NoveltyDocument | None:
    """One document's stored novelty, without its runs blob (a request never needs it)."""
    row = session.execute(select(NoveltyDocument.sentences, NoveltyDocument.new, NoveltyDocument.reason,
                                 NoveltyDocument.computed_version)
                          .where(NoveltyDocument.document_id == document_id)).first()
    return row


def sentences_of(session: Session, document_ids: Iterable[int]) -> dict[int, list]:
    """The stored [passage id, sentence hash] lists of these documents."""
    out: dict[int, list] = {}
    for chunk in _chunks(sorted(set(document_ids))):
        for d, s in session.execute(select(NoveltyDocument.document_id, NoveltyDocument.sentences)
                                    .where(NoveltyDocument.document_id.in_(chunk))):
            out[d] = s
    return out


def first_documents(session: Session, signed_hashes: list[int]) -> dict[int, int]:
    """{signed hash: earliest document id} for these hashes."""
    out: dict[int, int] = {}
    for chunk in _chunks(sorted(set(signed_hashes))):
        out.update(session.execute(select(NoveltyFirst.hash, NoveltyFirst.document_id)
                                   .where(NoveltyFirst.hash.in_(chunk))).all())
    return out


def documents_by_id(session: Session, ids: Iterable[int]) -> dict[int, Document]:
    out: dict[int, Document] = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update({d.id: d for d in session.scalars(select(Document).where(Document.id.in_(chunk)))})
    return out


def _same_wording(a: str, b: str) -> bool:
    """Word for word the same text (spacing aside): an "exact" match rather than a "near" one."""
    return a.split() == b.split()


def said_before(session: Session, document_id: int) -> list[dict]:
    """The document's sentences that an earlier official document says too, in reading order:
    [{"id", "text", "earlier": [{"document": Document, "id", "text", "match"}]}].

    A sentence's hash has the earliest official document saying it (once normalised) as its holder;
    when that is another document, the sentence was said before, first there. "exact": the same
    wording; "near": the same words once normalised (case, punctuation, quote and dash styles)."""
    mine = sentences_of(session, [document_id]).get(document_id) or []
    holder = first_documents(session, [h for _, h in mine])
    repeated = [(pid, h, holder[h]) for pid, h in mine if holder.get(h, document_id) != document_id]
    if not repeated:
        return []
    where: dict[tuple[int, int], str] = {}  # (holder, hash) -> the holder's first sentence with that hash
    for d, listed in sentences_of(session, {d for _, _, d in repeated}).items():
        for pid, h in listed:
            where.setdefault((d, h), pid)
    pairs = [(pid, d, where.get((d, h))) for pid, h, d in repeated]
    pairs = [p for p in pairs if p[2] is not None]
    texts: dict[str, str] = {}
    ids = sorted({p for pid, _, other in pairs for p in (pid, other)})
    for chunk in _chunks(ids):
        texts.update(session.execute(select(Passage.id, Passage.text).where(Passage.id.in_(chunk))).all())
    docs = documents_by_id(session, {d for _, d, _ in pairs})
    out = []
    for pid, d, other in pairs:
        if pid not in texts or other not in texts or d not in docs:
            continue
        match = "exact" if _same_wording(texts[pid], texts[other]) else "near"
        out.append({"id": pid, "text": texts[pid],
                    "earlier": [{"document": docs[d], "id": other, "text": texts[other], "match": match}]})
    return out
