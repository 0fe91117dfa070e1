"""The Whoosh index: one folder per archive version, built by ingest, opened read-only by the web."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.searching import Searcher

from app.normalize import normalize

SCHEMA_VERSION = "2"  # bump when the schema changes: ingest then rebuilds instead of updating


def make_schema() -> Schema:
    """Sentence-level schema; both text fields keep positions because phrase queries need them."""
    return Schema(
        id=ID(stored=True, unique=True),
        # doc, kind and date are sortable (columns): search facets and orders read them per hit.
        doc=ID(stored=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        unit=ID(stored=True),
        date=ID(stored=True, sortable=True),
        publisher=ID(stored=True),
        themes=KEYWORD(stored=True, commas=True, scorable=False),
        position=NUMERIC(stored=True, sortable=True),
        # Stemmed and stop-worded: relevance ranking and "regulations" finding "regulation".
        text=TEXT(analyzer=StemmingAnalyzer(), phrase=True, stored=True),
        # Every word, unstemmed, 1-letter words kept: candidates for exact and near quotes.
        plain=TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=1), phrase=True),
        schema_version=STORED(),
    )


def version_dir(root: Path, version: int) -> Path:
    """The folder of one archive version's index."""
    return root / f"v{version:06d}"


def passage_fields(p, doc, theme_slugs: Iterable[str]) -> dict:
    """The indexed form of one passage."""
    return {
        "id": p.id,
        "doc": doc.slug,
        "kind": doc.kind,
        "unit": p.kind,
        "date": doc.date or "",
        "publisher": doc.publisher or "",
        "themes": ",".join(sorted(theme_slugs)),
        "position": p.position,
        "text": p.text,
        "plain": normalize(p.text),
        "schema_version": SCHEMA_VERSION,
    }


def start_version(root: Path, previous: int | None, version: int) -> tuple[Path, bool]:
    """Create the folder for `version`, seeded from `previous` when it can be updated in place.

    Whoosh never rewrites a file it has written (segments and TOCs get new names), so the
    previous version's files are hard-linked, not copied: adding one document stays cheap
    and the previous version, still serving readers, is never touched.
    Returns (folder, whether it starts empty and needs every document).
    """
    target = version_dir(root, version)
    if target.exists():
        shutil.rmtree(target)  # left by a killed ingest that never switched
    root.mkdir(parents=True, exist_ok=True)
    source = version_dir(root, previous) if previous else None
    if source and source.is_dir() and _schema_matches(source):
        target.mkdir()
        for f in source.iterdir():
            if f.is_file() and not f.name.endswith("LOCK"):
                try:
                    os.link(f, target / f.name)
                except OSError:  # a filesystem without hard links
                    shutil.copy2(f, target / f.name)
        return target, False
    target.mkdir()
    whoosh_index.create_in(str(target), make_schema())
    return target, True


def _schema_matches(folder: Path) -> bool:
    """True when the folder holds an index with this code's schema version."""
    try:
        ix = whoosh_index.open_dir(str(folder))
    except Exception:  # noqa: BLE001 - any unreadable index is simply rebuilt
        return False
    try:
        with ix.searcher() as s:
            doc = next(s.documents(), None)
            names = set(ix.schema.names())
        return names == set(make_schema().names()) and (doc is None or doc.get("schema_version") == SCHEMA_VERSION)
    finally:
        ix.close()


def update(folder: Path, remove_docs: Iterable[str], add: Iterable[dict], progress=None) -> int:
    """Delete the passages of `remove_docs`, add `add`, commit; returns passages added."""
    ix = whoosh_index.open_dir(str(folder))
    # procs=1: whoosh's multiprocess writer needs the parent's memory twice over for little gain on 2 cores.
    # compound=False: a compound segment is copied into each searcher's private memory (about
    # 475 MB per searcher at 10,000 documents); separate files are mapped and shared instead.
    writer = ix.writer(limitmb=256, compound=False)
    added = 0
    try:
        for slug in remove_docs:
            writer.delete_by_term("doc", slug)
        for fields in add:
            writer.add_document(**fields)
            added += 1
            if progress:
                progress(1)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    return added


def prune(root: Path, keep: Iterable[int]) -> None:
    """Delete index versions not in `keep` (old ones, and abandoned ones from killed ingests)."""
    if not root.is_dir():
        return
    wanted = {version_dir(root, v).name for v in keep}
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("v") and child.name not in wanted:
            shutil.rmtree(child, ignore_errors=True)


class Searchers:
    """One open searcher per archive version and thread, opened lazily and reused.

    Searchers are reopened rather than refresh()ed: in the Whoosh forks refresh after a
    merge can return duplicate documents. Versions are immutable once switched to, so a
    searcher for a version never goes stale.
    """

    def __init__(self, root: Path):
        self.root = root
        self._local = threading.local()

    def get(self, version: int) -> Searcher | None:
        """The calling thread's searcher for `version`, or None when that index is missing."""
        cache: dict[int, Searcher] = getattr(self._local, "cache", None) or {}
        self._local.cache = cache
        if version not in cache:
            folder = version_dir(self.root, version)
            if not folder.is_dir():
                return None
            for old in list(cache):
                cache.pop(old).close()
            cache[version] = whoosh_index.open_dir(str(folder)).searcher()
        return cache[version]
