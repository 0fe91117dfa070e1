"""The ingest job: sources -> store -> enrichment -> index -> one atomic switch."""

from __future__ import annotations

import fcntl
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, make_url, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.enrich import alignment, recompute as enrich
from app.index import build as index
from app.ingest import failures, novelty_stage, parallel
from app.store import blobs, writes as store
from app.config import Settings
from app.store.db import make_engine, session_factory, upgrade
from app.store.models import ArchiveState, Document, DocumentAlias, Passage, PassageTheme
from app.progress import Progress
from app.ingest.records import NamedError, shown
from app.ingest.sources import Collected, SourceError, collect, load_known, save_known

# Bump when segmentation or enrichment rules change: every document is then reprocessed (as
# when the longest sentence allowed changes: see _pipeline).
PIPELINE = "4"
PAUSE_ENV = "POLICY_ARCHIVE_TEST_PAUSE_AT"  # test hook: parse | store | enrich | index | switch
KNOWN_SOURCES = "sources.json"  # in the data folder: see _known_sources
# Of a large index build, the part the child process indexes (see _enrich_and_index), chosen
# so both finish at about the same time in a large build: with less, the child sits idle while
# this process indexes long after enrichment. (Shortcuts off: no child, this process does all.)
CHILD_SHARE = 0.9


class IngestError(Exception):
    """Ingest refused; nothing was changed. Carries every source problem found."""

    def __init__(self, message: str, errors: list[SourceError] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class Summary:
    """What an ingest did."""
    version: int
    documents: int = 0
    sentences: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    retired: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    switched: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    novelty: int = 0  # documents whose novelty (what is new in a statement) was recomputed


def _pause(point: str, progress: Progress) -> None:
    """Test hook: stop at a named point and wait to be killed, so crash tests are deterministic."""
    if os.environ.get(PAUSE_ENV) == point:
        print(f"PAUSED AT {point}", file=sys.stderr, flush=True)
        while True:
            time.sleep(1)


@contextmanager
def ingest_lock(data_dir: Path):
    """One ingest at a time. flock dies with its process, so a killed ingest leaves no stale lock."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "ingest.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestError(f"another ingest is running on {data_dir}; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def check(paths: Iterable[Path], settings: Settings, *, follow_outside: bool = False,
          themes_path: Path | None = None) -> Collected:
    """Validate sources without touching the archive: what `run` reads and refuses, the same way."""
    paths = [Path(p) for p in paths]
    collected = collect(paths, settings.max_file_bytes, follow_outside=follow_outside, limits=settings.format_limits)
    try:
        enrich.load_taxonomy_for(paths, themes_path or settings.themes_file)
    except ValueError as exc:  # its message names the themes file and line
        collected.errors.append(NamedError(str(exc)))
    return collected


def run(settings: Settings, paths: Iterable[Path], *, skip_bad: bool = False,
        themes_path: Path | None = None, progress: Progress | None = None, add: bool = False,
        follow_outside: bool = False) -> Summary:
    """Sync the archive to exactly the documents in `paths` (with `add`, retire nothing else).
    With `follow_outside`, symbolic links and manifest files may lead outside the folders given."""
    progress = progress or Progress(quiet=True)
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    try:
        summary, collected = _run_locked(settings, paths, skip_bad, themes_path, progress, add, follow_outside)
    except failures.IO_ERRORS as exc:  # the disk or the database: one line, no traceback
        raise IngestError(f"{failures.describe(exc)}; the archive was not changed") from None
    summary.skipped_files = [shown(f) for f in sorted(collected.bad_files)]  # for printing
    summary.warnings = list(dict.fromkeys(w for d in collected.documents for w in d.warnings))  # once per file
    summary.seconds = time.perf_counter() - started
    summary.timings = dict(progress.timings)
    return summary


def _run_locked(settings: Settings, paths: list[Path], skip_bad: bool, themes_path: Path | None,
                progress: Progress, add: bool, follow_outside: bool) -> tuple[Summary, Collected]:
    """`run` under the ingest lock; a failed write removes the index version it started."""
    with ingest_lock(settings.data_dir):
        engine = make_engine(settings)
        try:
            with progress.stage("read sources"):
                collected = collect(paths, settings.max_file_bytes, _known_sources(settings, engine), follow_outside,
                                    settings.format_limits)
            _pause("parse", progress)
            if collected.errors and not skip_bad:
                raise IngestError(f"{len(collected.errors)} problem(s) in the sources; the archive was not changed",
                                  collected.errors)
            missing = [e for e in collected.errors if not Path(e.path).exists()]
            if missing:  # even with --skip-bad: a mistyped folder must not retire what it holds
                raise IngestError(f"{len(missing)} source path(s) do not exist; the archive was not changed", missing)
            try:
                taxonomy = enrich.load_taxonomy_for(paths, themes_path or settings.themes_file)
            except ValueError as exc:  # a broken taxonomy file: refuse before touching anything
                raise IngestError(str(exc)) from None
            upgrade(settings, engine)
            with session_factory(engine)() as session, session.begin(), _heap_kept():
                summary = _sync(session, settings, collected, taxonomy, progress, add)
                _pause("switch", progress)
            if not add:  # a partial record would drop the shortcut for every file left out
                save_known(settings.data_dir / KNOWN_SOURCES, collected.documents, _pipeline(settings))
            # The commit above was the switch; older index versions can go now.
            if summary.switched:
                keep = range(max(1, summary.version - settings.keep_index_versions + 1), summary.version + 1)
                index.prune(settings.index_root, keep)
        except failures.IO_ERRORS:
            failures.drop_uncommitted(settings, engine)
            raise
        finally:
            engine.dispose()
    return summary, collected


@contextmanager
def _heap_kept():
    """Within the block, objects alive at each gc.freeze() are left out of later collections.

    The session keeps every stored passage's ORM state until the commit (hundreds of MB at
    10,000 documents), which each full collection of the cyclic GC walked again. _sync freezes
    what it has built as it goes; the objects go back to the collector when the block ends."""
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _keeping(settings: Settings):
    """Stored documents' files as received, kept (app/store/blobs.py) on threads that hide each
    write's flush to disk; a failed write (a full disk) fails the ingest before the switch."""
    with ThreadPoolExecutor(2, thread_name_prefix="keep") as pool:
        pending = []

        def keep(src) -> None:  # the bytes are dropped once handed over
            if src.raw is not None:
                pending.append(pool.submit(blobs.keep, settings.data_dir, src.raw, src.file_sha256))
                src.raw = None
        yield keep
        for done in pending:
            done.result()


def _pipeline(settings: Settings) -> str:
    """The rules an archive was built with, as stored with it: changing them reprocesses all."""
    return f"{PIPELINE}/s{settings.max_sentence_chars}"


def _known_sources(settings: Settings, engine) -> dict[str, dict]:
    """The last ingest's record of its front-matter files, kept only where the store still holds
    exactly what it describes (a killed ingest or a replaced database leaves it stale)."""
    known = load_known(settings.data_dir / KNOWN_SOURCES, _pipeline(settings))
    database = make_url(settings.url).database if settings.url.startswith("sqlite") else None
    if not known or (database and not Path(database).is_file()):  # never create a database here
        return {}
    try:
        with engine.connect() as conn:
            if conn.scalar(select(ArchiveState.pipeline).where(ArchiveState.id == 1)) != _pipeline(settings):
                return {}
            stored = {slug: (path, sha, fp) for slug, path, sha, fp in conn.execute(
                select(Document.slug, Document.source_path, Document.source_sha256, Document.fingerprint)
                .where(Document.status == "active"))}
    except SQLAlchemyError:
        return {}
    return {path: e for path, e in known.items()
            if stored.get(e["meta"]["slug"]) == (path, e["sha256"], e["fingerprint"])}


def _sync(session: Session, settings: Settings, collected: Collected, taxonomy, progress: Progress,
          add: bool = False) -> Summary:
    """Everything inside the one transaction: store, enrich, build the next index, switch."""
    st = store.state(session)
    previous = st.version
    summary = Summary(version=previous)
    existing = store.document_states(session)
    reprocess_all = st.pipeline != _pipeline(settings)
    themes_changed = st.themes_fingerprint != (taxonomy.fingerprint if taxonomy else None)
    new_version = previous + 1
    wanted = {d.slug for d in collected.documents}

    def is_unchanged(src) -> bool:
        old = existing.get(src.slug)
        return old is not None and old.status == "active" and old.fingerprint == src.fingerprint and not reprocess_all

    changed: list[Document] = []
    unchanged = [is_unchanged(src) for src in collected.documents]
    gone = [] if add else [row for slug, row in existing.items() if row.status == "active" and slug not in wanted
                           and slug not in collected.bad_slugs and row.source_path not in collected.bad_files]
    loaded = store.load_documents(session, [existing[src.slug].id for src, same in zip(collected.documents, unchanged)
                                            if not same and src.slug in existing] + [row.id for row in gone])
    todo = [(src.body, src.meta["title"], src.first_line, settings.max_sentence_chars, src.meta.get("language"))
            for src, same in zip(collected.documents, unchanged) if not same]
    with progress.stage("segment + store", total=len(collected.documents)) as tick, \
            parallel.segmented(todo) as segments, _keeping(settings) as keep:
        for n, src in enumerate(collected.documents):
            if unchanged[n]:
                summary.unchanged += 1
                src.raw = None
            else:
                row = existing.get(src.slug)
                returning = row is None or row.status != "active"
                doc = store.apply_document(session, src, next(segments), new_version, loaded[row.id] if row else None)
                keep(src)
                (summary.added if returning else summary.changed).append(src.slug)
                changed.append(doc)
            tick(1)
            if n % 256 == 255:
                gc.freeze()  # see _heap_kept
            if n == len(collected.documents) // 2:
                _pause("store", progress)
    retired: list[Document] = []
    for row in gone:
        store.retire_document(session, loaded[row.id], new_version)
        retired.append(loaded[row.id])
        summary.retired.append(row.slug)
    session.flush()
    _carry_over_renamed(session)
    gc.freeze()

    def meanwhile() -> None:  # needs the stored texts only: neither enrichment nor the index reads it
        alignment.realign(session, changed, retired)  # translations with their originals, sentence by sentence
        summary.novelty = novelty_stage.update(session, changed, retired, new_version, reprocess_all, progress)

    if not changed and not retired and not themes_changed:
        meanwhile()  # an archive from before novelty was kept gets it even with nothing else to do
        summary.documents = _count_documents(session) if add else len(wanted)
        summary.sentences = _count_sentences(session)
        return summary  # nothing to do: no new version, readers keep the current one

    work = enrich.plan(session, changed, retired, themes_changed or reprocess_all)
    with progress.stage("index"):
        folder, fresh = index.start_version(settings.index_root, previous or None, new_version)
        if fresh:
            docs = list(session.scalars(select(Document).where(Document.status == "active").order_by(Document.id)))
            remove: list[str] = []
        else:
            docs = [d for d in work.touched if d.status == "active"]
            remove = [d.slug for d in work.touched] + [d.slug for d in retired]
    total = sum(d.sentence_count for d in docs)
    build = index.Build(folder, remove, total)
    try:
        _enrich_and_index(session, taxonomy, work, docs, build, progress, meanwhile=meanwhile)
    except BaseException:
        build.cancel()
        raise
    store.switch(session, new_version, taxonomy.fingerprint if taxonomy else None, _pipeline(settings))
    summary.version = new_version
    summary.switched = True
    summary.documents = _count_documents(session) if add else len(wanted)
    summary.sentences = _count_sentences(session)
    return summary


def _enrich_and_index(session: Session, taxonomy, work: enrich.Plan, docs: list[Document],
                      build: index.Build, progress: Progress, meanwhile: Callable[[], None]) -> None:
    """Finish enriching and write the index, the two overlapped on two cores.

    A document's index records are final once its themes are: commentary (themed from its own
    headings, first of all, a batch at a time) and untouched documents at once, each official
    text as soon as enrichment reaches it. While this process enriches, the index child takes
    final documents, up to CHILD_SHARE of all sentences (fixed, not balanced by timing, so the
    same sources give the same document numbers), writing its segment once it has them; this
    process indexes the rest after enrichment. `meanwhile` (alignment of translations, novelty:
    neither needs them) runs once the child has the commentaries, not with the second core idle.
    """
    touched = {d.slug for d in work.touched}
    waiting = {d.slug: d for d in docs if d.kind != "commentary" and d.slug in touched}
    first = [d for d in docs if d.slug not in waiting]
    budget = int(sum(d.sentence_count for d in docs) * CHILD_SHARE) if build.parallel else 0
    sent = sum(d.sentence_count for d in first)
    to_theme = {d.slug: d for d in work.commentaries()} if taxonomy is not None else {}
    with progress.stage("themes: commentary, index sent ahead", total=len(first)) as tick:
        for start in range(0, len(first), 50):  # the child starts on the first themed batch
            batch = first[start:start + 50]
            for doc in batch:
                if to_theme.pop(doc.slug, None) is not None:
                    enrich.theme(session, taxonomy, doc, work.passages)
            build.ahead(_index_fields(session, batch))
            tick(len(batch))
        for doc in to_theme.values():  # none expected: every touched commentary is active, so in `first`
            enrich.theme(session, taxonomy, doc, work.passages)
    meanwhile()
    if build.parallel and sent >= budget:
        build.ahead_done()
    later: list[Document] = []
    ready: list[Document] = []
    for doc in enrich.the_rest(session, taxonomy, work, progress):
        doc = waiting.pop(doc.slug, None)
        if doc is None:
            continue
        if sent < budget or not build.parallel:
            ready.append(doc)
            sent += doc.sentence_count
            full = build.parallel and sent >= budget
            if len(ready) >= 50 or full:  # a few queries for many documents
                build.ahead(_index_fields(session, ready))
                ready = []
                _pause("enrich", progress)  # a large build: its index child is at work
            if full:
                build.ahead_done()
        else:
            later.append(doc)
    build.ahead(_index_fields(session, ready))
    build.ahead_done()
    later += waiting.values()  # none expected: every touched document comes back from the_rest
    if taxonomy is not None:
        enrich.store_taxonomy(session, taxonomy)
    with progress.stage("index passages", total=sum(d.sentence_count for d in later)) as tick:
        build.rest(_index_fields(session, later), progress=tick)
        build.commit()
        _pause("index", progress)


def _carry_over_renamed(session: Session) -> None:
    """Retired documents whose slug is now another's alias hand their ids to that document."""
    rows = session.execute(
        select(Document, DocumentAlias.document_id)
        .join(DocumentAlias, DocumentAlias.slug == Document.slug)
        .where(Document.status == "retired")
    ).all()
    for old, new_id in rows:
        store.carry_over(session, old, session.get(Document, new_id))


def _count_documents(session: Session) -> int:
    """Active documents, for an ingest that added to them rather than defining them."""
    return session.scalar(select(func.count()).select_from(Document).where(Document.status == "active")) or 0


def _count_sentences(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Passage).where(
        Passage.active.is_(True), Passage.kind != "heading")) or 0


def _index_fields(session: Session, docs: list[Document]):
    """Index records for the active passages of `docs`, read back from the store."""
    for chunk_start in range(0, len(docs), 200):
        chunk = {d.id: d for d in docs[chunk_start:chunk_start + 200]}
        # Rows, not ORM objects: a fraction of the time.
        passages = session.execute(
            select(Passage.id, Passage.document_id, Passage.kind, Passage.position, Passage.text)
            .where(Passage.document_id.in_(chunk), Passage.active.is_(True), Passage.kind != "heading")
            .order_by(Passage.document_id, Passage.position)
        ).all()
        themes: dict[str, list[str]] = {}
        ids = [p.id for p in passages]
        for i in range(0, len(ids), 500):
            for pid, theme in session.execute(
                select(PassageTheme.passage_id, PassageTheme.theme).where(PassageTheme.passage_id.in_(ids[i:i + 500]))
                .order_by(PassageTheme.passage_id, PassageTheme.theme)
            ):
                themes.setdefault(pid, []).append(theme)
        for p in passages:
            yield index.passage_fields(p, chunk[p.document_id], themes.get(p.id, []))
        gc.freeze()  # see _heap_kept: here the index writer's postings, kept until its segment is written
