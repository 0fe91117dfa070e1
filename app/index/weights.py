"""How many documents of the archive use each word: the archive-wide half of every word weight.

BM25 counts sentences, so a title or a party name that opens every readout once is as rare,
to it, as a word said once in the whole archive. What the archive repeats across documents
(titles, institutions, datelines) says little about which sentence a quote comes from; the
number of documents using a word says that, and search scales each word's weight by it.

Each index version keeps the counts in a file of its own (``docfreq.json``), written once the
version's segments are committed. An ingest updates the previous version's counts by the
documents it removes and adds (their stems read from the index), so the counts are exact for
every version while the work stays proportional to what changed; an index without the file
(or a fresh build) is counted whole.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.index import whoosh_fast

FILE = "docfreq.json"


@dataclass
class DocFreq:
    """Documents in the archive, and how many of them use each stem of the `text` field."""

    documents: int = 0
    df: Counter = field(default_factory=Counter)

    def add(self, stem_sets: Iterable[set[str]], sign: int = 1) -> None:
        for stems in stem_sets:
            self.documents += sign
            for s in stems:
                self.df[s] += sign
        if sign < 0:
            self.df = Counter({s: n for s, n in self.df.items() if n > 0})

    def spread(self) -> dict[str, float]:
        """Each stem's share of weight, from 1 (in one document) down towards 0 (in every one).

        The document-level BM25 idf against its value for a word of one document, smoothed by one
        so that a small archive (two documents that quote each other) is not swung by it, and
        squared so that a large one really silences what every document repeats:
        ``((1 + idf_d(s)) / (1 + idf_d(one document))) ** 2``.
        """
        n = self.documents
        if n <= 0:
            return {}
        top = 1 + math.log(1 + (n - 0.5) / 1.5)
        return {s: ((1 + math.log(1 + (n - d + 0.5) / (d + 0.5))) / top) ** 2 for s, d in self.df.items()}


def read(folder: Path | str) -> DocFreq | None:
    """The counts kept with an index version (None for an index written without them)."""
    try:
        data = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
        return DocFreq(int(data["documents"]), Counter({str(k): int(v) for k, v in data["df"].items()}))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(folder: Path, counts: DocFreq) -> None:
    """Write the counts beside a version's segments. The file may be a hard link to the previous
    version's, which readers still use: a new file replaces the link, never its contents."""
    tmp = folder / f"{FILE}.tmp"
    tmp.write_text(json.dumps({"documents": counts.documents, "df": dict(sorted(counts.df.items()))},
                              separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, folder / FILE)


def _leaf_stems(leaf) -> list[bytes] | None:
    """The `stems` column of one segment, one value per document number (None: no such column)."""
    if not leaf.has_column("stems"):
        return None
    raw = leaf.column_reader("stems", translate=False)
    n = leaf.doc_count_all()
    got = whoosh_fast.var_bytes_column(raw, n) if whoosh_fast.enabled() else None
    if got is None:
        return [raw[d] for d in range(n)]
    data, lengths = got
    out, pos = [], 0
    for length in lengths:
        out.append(data[pos:pos + length])
        pos += length
    return out


def doc_stems(reader, slugs: set[str] | None = None) -> dict[str, set[str]]:
    """The stems each live document uses (those of `slugs`, or all), read from the index."""
    out: dict[str, set[str]] = {}
    for leaf, _ in reader.leaf_readers():
        values = None
        wanted = slugs if slugs is not None else [t.decode("utf-8") for t in leaf.lexicon("doc")]
        for slug in wanted:
            if ("doc", slug) not in leaf:
                continue
            if values is None:
                values = _leaf_stems(leaf)
                if values is None:
                    return {}  # an index written before the column: nothing to count by
            deleted = leaf.has_deletions()
            live = [d for d in leaf.postings("doc", slug).all_ids() if not (deleted and leaf.is_deleted(d))]
            if live:
                got = out.setdefault(slug, set())
                for d in live:
                    got.update(values[d].decode("utf-8").split())
    return out


def count(reader) -> DocFreq:
    """The counts of a whole index."""
    counts = DocFreq()
    counts.add(doc_stems(reader).values())
    return counts
