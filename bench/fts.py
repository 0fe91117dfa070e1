"""The SQLite FTS5 baseline: the archive's sentences in an FTS5 table, phrase-queried.

The same database file is what the Datasette baseline serves: table `sentences` (id, document,
kind, text) with an external-content FTS5 index `sentences_fts` (content="sentences"), which is
the layout Datasette detects for `?_search=`.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bench.stats import summary_ms


def build(archive_db: Path, out: Path) -> dict:
    """(Re)build the FTS5 database from the archive's active, non-heading passages."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    conn = sqlite3.connect(out)
    try:
        conn.executescript(f"""
            ATTACH DATABASE 'file:{archive_db}?mode=ro' AS archive;
            CREATE TABLE sentences (id TEXT PRIMARY KEY, document TEXT NOT NULL, kind TEXT NOT NULL,
                                    text TEXT NOT NULL);
            INSERT INTO sentences (id, document, kind, text)
                SELECT p.id, d.slug, d.kind, p.text FROM archive.passages p
                JOIN archive.documents d ON d.id = p.document_id
                WHERE p.active = 1 AND p.kind != 'heading' AND d.status = 'active'
                ORDER BY d.slug, p.position;
            CREATE VIRTUAL TABLE sentences_fts USING fts5(text, content="sentences", tokenize="unicode61");
            INSERT INTO sentences_fts (rowid, text) SELECT rowid, text FROM sentences;
            INSERT INTO sentences_fts (sentences_fts) VALUES ('optimize');
        """)
        conn.commit()
        conn.execute("DETACH DATABASE archive")
        rows = conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    finally:
        conn.close()
    return {"rows": rows, "build_s": time.perf_counter() - started, "bytes": out.stat().st_size}


def phrase(text: str) -> str:
    """An FTS5 phrase for `text`: FTS5 tokenizes inside the quotes the same way it indexed."""
    return '"' + text.replace('"', '""') + '"'


def time_phrases(db: Path, quotes: list[str], *, limit: int = 20, warmup: int = 20) -> dict:
    """Latency of the phrase query (best-ranked `limit` rows with their text) for each quote."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    sql = ("SELECT s.id, s.document, s.text FROM sentences_fts JOIN sentences s ON s.rowid = sentences_fts.rowid "
           "WHERE sentences_fts MATCH ? ORDER BY rank LIMIT ?")
    try:
        for q in quotes[:warmup]:
            conn.execute(sql, (phrase(q), limit)).fetchall()
        samples, hits = [], 0
        for q in quotes:
            t0 = time.perf_counter()
            rows = conn.execute(sql, (phrase(q), limit)).fetchall()
            samples.append((time.perf_counter() - t0) * 1000)
            hits += bool(rows)
    finally:
        conn.close()
    return {**summary_ms(samples), "found": hits}
