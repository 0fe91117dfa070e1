"""What is new in each official statement, kept up to date by every ingest (#20).

A document's new formulations are the candidate word runs (app.enrich.novelty_runs) that no
official document before it uses. "Before" is the phrase history's order, so a listed phrase's
history (/phrases) has this document as its first official use: publication date, a year-only
date at the start of its year ("2020" before "2020-01-01"), and documents of the same date by
slug. An undated document comes after every dated one and lists nothing; neither does the
earliest official document, which has nothing to be new against.

Each run and sentence is kept as a 64-bit hash (app.store.novelty): per document the sorted
hashes of its runs and sentences, and per hash its earliest official document ("first"). A
document's new runs are exactly the runs it is first for, so an ingest changes only what the
documents it adds, changes or retires touch:

- the hashes of those documents (their old runs and their new ones) are looked up in `first`;
  each gets as its earliest document the earliest of its current holder and the added
  documents that use it; a hash whose holder was removed or changed is looked for in the
  stored hashes of the later documents;
- novelty is recomputed for the documents changed, and for those that lost or gained a first
  use (plus the earliest document, when that changes), and for no other: their rows are not
  written. The ingest summary says how many.

A first ingest, one that reprocesses everything, or one that changes a large share of the
official documents, computes everything at once in memory (one stable sort of all hashes) instead.

"Said before" is not stored as a list: each sentence's hash is (kept in `first` like a run's),
and the reader looks up its earliest document when it draws the panel (app.store.novelty.said_before).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enrich.novelty_runs import listed, runs_of, with_marks, Runs
from app.store import novelty as store
from app.store.models import Document, Passage

FULL_SHARE, FULL_MIN = 0.25, 100  # more official documents touched than this share (and count): recompute all at once
EVERYTHING_BATCH = 250  # documents whose runs are held at once when recomputing all


def sort_key(date: str | None, slug: str) -> str:
    """The phrase history's order as one string: dated first, then date (a year before its days), then slug."""
    return f"{'0' if date else '1'}{date or ''}\t{slug}"


def _officials(session: Session) -> dict[int, str]:
    return {i: sort_key(date, slug) for i, date, slug in session.execute(
        select(Document.id, Document.date, Document.slug)
        .where(Document.status == "active", Document.kind == "official"))}


def _texts(session: Session, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The documents' indexed passages (not headings: the index leaves them out), reading order."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for i in range(0, len(ids), 200):
        for d, pid, text in session.execute(
                select(Passage.document_id, Passage.id, Passage.text)
                .where(Passage.document_id.in_(ids[i:i + 200]), Passage.active.is_(True), Passage.kind != "heading")
                .order_by(Passage.document_id, Passage.position)):
            out[d].append((pid, text))
    return out


def _row(doc_id: int, key: str, r: Runs, first_here: np.ndarray, earliest: bool, version: int,
         texts: list[tuple[str, str]]) -> dict:
    reason = "first" if earliest else "undated" if key.startswith("1") else None
    new = [] if reason else with_marks(listed(r, first_here), dict(texts))
    return {"document_id": doc_id, "sort_key": key, "runs": r.distinct, "sentences": r.sentences,
            "new": new, "reason": reason, "computed_version": version}


def _member(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values in sorted_values, by binary search."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[pos] == values


def update(session: Session, changed: list[Document], retired: list[Document], version: int, *,
           everything: bool = False) -> int:
    """Bring stored novelty up to date after an ingest's changes; how many documents' novelty was recomputed."""
    officials = _officials(session)
    stored = store.rows(session, runs=False)
    touched = {d.id for d in changed} | {d.id for d in retired}
    if not touched and not everything and set(stored) == set(officials):
        return 0
    intact = all(i in stored and stored[i]["sort_key"] == k for i, k in officials.items() if i not in touched) \
        and all(i in officials or i in touched for i in stored)
    if everything or not intact or len(touched) > max(FULL_SHARE * len(officials), FULL_MIN):
        return _everything(session, officials, version)
    return _incremental(session, officials, stored, changed, touched, version)


def _everything(session: Session, officials: dict[int, str], version: int) -> int:
    """Every official document's novelty from scratch, in order, EVERYTHING_BATCH documents at a time.

    A document's firsts are the hashes no earlier document used: those not in `seen` (every hash
    of the batches before) and first met in the batch at it. Only one batch's runs are held at once:
    every statement's runs together were most of a large first ingest's peak memory.
    """
    ordered = sorted(officials, key=officials.__getitem__)
    store.delete_rows(session, [i for i in store.rows(session, runs=False) if i not in officials])
    seen = np.zeros(0, dtype=np.uint64)  # sorted
    firsts, owners = [], []
    for start in range(0, len(ordered), EVERYTHING_BATCH):
        batch = ordered[start:start + EVERYTHING_BATCH]
        texts = _texts(session, batch)
        runs = [runs_of(texts.get(d, [])) for d in batch]
        offsets = np.concatenate([[0], np.cumsum([len(r.distinct) for r in runs])]).astype(np.int64)
        every = np.concatenate([r.distinct for r in runs])  # a batch is never empty
        unseen = np.nonzero(~_member(seen, every))[0]
        hashes, at = np.unique(every[unseen], return_index=True)
        at = unseen[at]  # where in `every` each new hash is first met: in the earliest document using it
        is_first = np.zeros(len(every), dtype=bool)
        is_first[at] = True
        firsts.append(hashes)
        owners.append(np.asarray(batch, dtype=np.int64)[np.searchsorted(offsets, at, side="right") - 1])
        store.write_rows(session, [
            _row(d, officials[d], r, _member(r.distinct[is_first[offsets[n]:offsets[n + 1]]], r.hashes),
                 start + n == 0, version, texts.get(d, []))
            for n, (d, r) in enumerate(zip(batch, runs))])
        seen = np.insert(seen, np.searchsorted(seen, hashes), hashes)
    hashes = np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.uint64)
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    store.replace_all_holders(session, hashes, owner)
    return len(ordered)


def _incremental(session: Session, officials: dict[int, str], stored: dict[int, dict], changed: list[Document],
                 touched: set[int], version: int) -> int:
    """Only the hashes of the touched documents, and only the documents whose first uses change."""
    removed = [i for i in touched if i in stored]  # their stored hashes are no longer theirs
    old = store.rows(session, removed)
    added = sorted({d.id for d in changed if d.id in officials}, key=officials.__getitem__)
    texts = _texts(session, added)
    fresh = {d: runs_of(texts.get(d, [])) for d in added}
    parts = [old[i]["runs"] for i in removed] + [r.distinct for r in fresh.values()]
    hashes = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)
    current = store.holders(session, hashes)
    replaced = set(removed) | set(added)

    best: dict[int, tuple[str, int]] = {}  # hash -> (sort key, document) of its earliest user
    orphans: dict[int, str] = {}  # hash -> sort key after which another user may be found
    for h in hashes.tolist():
        holder = current.get(h)
        if holder is None:
            continue
        if holder in replaced or holder not in officials:
            orphans[h] = stored[holder]["sort_key"] if holder in stored else ""
        else:
            best[h] = (officials[holder], holder)
    for d in added:
        key = officials[d]
        for h in fresh[d].distinct.tolist():
            if h not in best or key < best[h][0]:
                best[h] = (key, d)
    _find_orphans(session, officials, stored, replaced, orphans, best)

    changes = {h: (best[h][1] if h in best else None) for h in hashes.tolist()}
    changes = {h: d for h, d in changes.items() if current.get(h) != d}
    affected = set(added)
    for h, d in changes.items():
        for doc in (current.get(h), d):
            if doc is not None and doc in officials:
                affected.add(doc)
    earliest = min(officials, key=officials.__getitem__) if officials else None
    before = [i for i in stored if i not in replaced]
    was_earliest = min(before, key=lambda i: stored[i]["sort_key"]) if before else None
    if earliest != was_earliest:  # the earliest lists nothing; the one after it now has a document before it
        affected.update(d for d in (earliest, was_earliest) if d is not None and d in officials)
    store.set_holders(session, changes)
    store.delete_rows(session, [i for i in removed if i not in officials])
    again = sorted(affected - set(added), key=officials.__getitem__)
    texts.update(_texts(session, again))
    rows = []
    for d in sorted(affected, key=officials.__getitem__):
        r = fresh.get(d) or runs_of(texts.get(d, []))
        mine = store.holders(session, r.hashes)
        first_here = np.fromiter((mine.get(h) == d for h in r.hashes.tolist()), dtype=bool, count=len(r.hashes))
        rows.append(_row(d, officials[d], r, first_here, d == earliest, version, texts.get(d, [])))
    store.write_rows(session, rows)
    return len(rows)


def _find_orphans(session: Session, officials: dict[int, str], stored: dict[int, dict], replaced: set[int],
                  orphans: dict[int, str], best: dict[int, tuple[str, int]]) -> None:
    """The earliest remaining user of each hash whose first document was removed or changed: found in
    the stored hashes of the documents after that one (none before it can hold the hash)."""
    if not orphans:
        return
    after = min(orphans.values())
    candidates = sorted((i for i in officials if i not in replaced and officials[i] > after),
                        key=officials.__getitem__)
    wanted = np.array(sorted(orphans), dtype=np.uint64)
    for start in range(0, len(candidates), 200):
        if not len(wanted):
            break
        batch = candidates[start:start + 200]
        blobs = store.rows(session, batch)
        for d in batch:
            if d not in blobs or not len(wanted):
                continue
            hit = _member(blobs[d]["runs"], wanted)
            if not hit.any():
                continue
            key = officials[d]
            for h in wanted[hit].tolist():
                if h not in best or key < best[h][0]:
                    best[h] = (key, d)
            wanted = wanted[~hit]  # documents come in order: this one is the earliest of the rest
