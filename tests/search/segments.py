"""A small Whoosh index written in several segments, one with deletions, as long-lived archives
end up: what postings, columns and counts must read the same across segments."""

from __future__ import annotations

from collections.abc import Callable

from whoosh import index as whoosh_index

from app.index.build import SCHEMA_VERSION, completed, make_schema


def segmented_index(path, fields_of: Callable[[int], dict], *, per_segment: int, delete_every: int,
                    segments: int = 3):
    """An index of `segments` segments of `per_segment` sentences each (`fields_of(n)` gives
    sentence n's fields; its id is "p{n}"), the second segment deleting every `delete_every`-th
    sentence of the whole index. The caller closes it."""
    ix = whoosh_index.create_in(str(path), make_schema())
    for batch in range(segments):
        w = ix.writer()
        for n in range(batch * per_segment, (batch + 1) * per_segment):
            w.add_document(**completed(dict(fields_of(n), id=f"p{n}", schema_version=SCHEMA_VERSION)))
        if batch == 1:
            for n in range(0, segments * per_segment, delete_every):
                w.delete_by_term("id", f"p{n}")
        w.commit(merge=False)
    return ix
