"""The index's fields and analyzers, and the records written to it: what search reads, in one place."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh.analysis import StandardAnalyzer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from app.index.analysis import TextAnalyzer, text_words
from app.text.normalize import normalize
from app.text.zh import has_han
from app.text.stems import stem_line

SCHEMA_VERSION = "5"  # bump when the schema changes: ingest then rebuilds instead of updating


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
        # Only the exact value is indexed (shift_step=0): Whoosh's default also indexes seven
        # coarser terms per sentence to speed up wide ranges, a large share of all postings written,
        # and positions within a document are few enough for a plain term range.
        position=NUMERIC(stored=True, sortable=True, shift_step=0),
        # Stemmed and stop-worded: relevance ranking and "regulations" finding "regulation";
        # Chinese runs as jieba's words of Simplified-folded text (see app.index.analysis).
        text=TEXT(analyzer=TextAnalyzer(), phrase=True, stored=True),
        # Every word, unstemmed, 1-letter words kept: candidates for exact and near quotes. In
        # Chinese every character is a word (app.text.zh.spaced), so no segmenter decides a match.
        plain=TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=1), phrase=True),
        # The same normalised text as a column: search checks candidates against it, and a
        # column value is one slice of a mapped file where stored fields are a decompressed pickle.
        norm=COLUMN(VarBytesColumn()),
        # Its words' stems (stop words out), as `text` indexes them: "related" results count the
        # quote's stems in a few dozen candidates, and stemming each candidate again was much of that work.
        stems=COLUMN(VarBytesColumn()),
        schema_version=STORED(),
    )


def passage_fields(p, doc, theme_slugs: Iterable[str]) -> dict:
    """The indexed form of one passage, less what `completed` derives from its text."""
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
        "schema_version": SCHEMA_VERSION,
    }


def completed(fields: dict) -> dict:
    """A record with its normalised text added, computed by the process that indexes it
    (records sent to the child process travel without it: half the bytes to queue)."""
    plain = normalize(fields["text"])
    stems = " ".join(text_words(fields["text"])) if has_han(fields["text"]) else stem_line(plain)
    return {**fields, "plain": plain, "norm": plain.encode("utf-8"), "stems": stems.encode("utf-8")}
