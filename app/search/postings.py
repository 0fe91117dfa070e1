"""Posting lists: which sentences hold a word, read from the index and shared across requests.

Whoosh's phrase and intersection matchers are slow when a common word ("the", "of") takes
part: every skip into a long posting list decodes blocks in Python. So search reads whole
posting lists of the quote's rarest words (through app.index.whoosh_fast when its shortcuts
are on, through Whoosh's public matchers otherwise: the same ids either way) and keeps them.
"""

from __future__ import annotations

from array import array

from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from app.index import whoosh_fast
from app.lru import SizedLRU
from app.search.types import POSTINGS_CACHE


def _postings_size(value) -> int:
    """Postings held by a cached list, or by an (ids, weights) pair."""
    return len(value[0]) * 2 if isinstance(value, tuple) else len(value)


# Posting lists shared by all threads reading one index version (which never changes), bounded
# by the number of postings held (4 bytes each).
POSTINGS = SizedLRU(POSTINGS_CACHE, _postings_size)


def index_key(searcher: Searcher) -> tuple:
    """Identifies one index version's contents: its folder and segments (with their deletions)."""
    leaves = []
    folder = None
    try:
        for leaf, offset in searcher.reader().leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            name = segment.segment_id() if segment is not None else id(leaf)
            leaves.append((name, offset, leaf.doc_count()))
            folder = folder or _folder(leaf)
    except Exception:  # noqa: BLE001 - an unusual reader: do not share its postings
        return (id(searcher), id(searcher))
    return (folder or id(searcher), tuple(leaves))


def _folder(leaf) -> str | None:
    """The folder a segment reader reads its files from (a compound segment's overlay: the index's)."""
    storage = leaf.storage() if hasattr(leaf, "storage") else None
    return getattr(storage, "folder", None) or getattr(getattr(storage, "b", None), "folder", None)


def _public_leaf_postings(leaf, fieldname: str, word: str, weights: bool) -> tuple[list[int], list[float] | None]:
    """Doc ids (and weights) of a term's live postings in one segment, through Whoosh's matcher."""
    m = leaf.postings(fieldname, word)  # deleted documents already left out
    if not weights:
        return list(m.all_ids()), None
    ids, ws = [], []
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        m.next()
    return ids, ws


def read_postings(reader, fieldname: str, word: str, weights: bool = False) -> tuple[array, array | None]:
    """Doc ids of a term's live postings, in order (and their weights): what Matcher.all_ids() gives."""
    ids, ws = array("i"), array("f") if weights else None
    fast = whoosh_fast.enabled()
    for leaf, base in reader.leaf_readers():
        try:
            if fast:
                got, w = whoosh_fast.leaf_postings(leaf, fieldname, word, weights)
            else:
                got, w = _public_leaf_postings(leaf, fieldname, word, weights)
        except TermNotFound:
            continue
        deleted = leaf.deleted_docs_set if fast and leaf.has_deletions() else ()
        if deleted:
            keep = [i for i, d in enumerate(got) if d not in deleted]
            got = [got[i] for i in keep]
            w = [w[i] for i in keep] if weights else None
        ids.extend([d + base for d in got] if base else got)
        if weights:
            ws.extend(w)
    return ids, ws
