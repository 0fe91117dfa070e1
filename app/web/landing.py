"""Links to a sentence of the reader that always land: /documents/{slug}?at={id}#{id}.

The server sees `at` (a fragment never reaches it), so an id that was corrected or removed since the
link was made is resolved here: a corrected one redirects to its successor with a notice, a removed
one is shown with its last text. Without `at` (a bare #fragment), static/app.js asks the JSON twin
whether the archive knows the id and, if it does, reloads with `at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from app.store import reads
from app.store.models import Document, Passage
from app.web import urls
from app.web.resolve import Answered


# The reader's `at` and `was` parameters: ids are 12 characters; anything far longer is refused (422).
SentenceId = Annotated[str | None, Query(max_length=64, description="The id of the sentence a link is for")]


@dataclass
class Landing:
    """What the reader says about the sentence a link asked for."""

    status: str  # "corrected", "removed" or "unknown"
    asked: str  # the id the link named
    old: Passage | None = None  # the wording the link was made for
    current: Passage | None = None  # its successor, for a correction
    # Where a removed sentence stood: after this current sentence, or before this one when it opened
    # the text (positions of the version that removed it, so near, not exact, after many edits).
    after_id: str | None = None
    before_id: str | None = None


def _landed(slug: str, current: str, asked: str) -> str:
    return f"{urls.with_query(urls.document(slug), at=current, was=asked)}#{urls.anchor(current)[1:]}"


def landing(session: Session, doc: Document, at: str | None, was: str | None) -> Landing | None:
    """The notice for a reader opened with `?at=` (None when the sentence is simply there), or raise
    the redirect that lands on it: to the successor of a corrected sentence, or to the page of a
    sentence of another document."""
    if not at:
        return None
    found = reads.resolve_passage(session, at)
    if found is None:
        return Landing("unknown", at)
    p = found.item
    if found.status == "ok":
        if p.document_id != doc.id:
            raise Answered(RedirectResponse(urls.passage(p.id), status_code=302))
        if was:  # arrived here by the redirect below: say so, if `was` really is an older wording of `at`
            before = reads.resolve_passage(session, was)
            if before is not None and before.status == "moved" and before.target.id == p.id:
                return Landing("corrected", was, before.item, p)
        return None
    if p.document_id != doc.id:
        raise Answered(RedirectResponse(urls.passage(p.id), status_code=302))
    if found.status == "moved":
        target = found.target
        if target.document_id != doc.id:
            raise Answered(RedirectResponse(urls.passage(target.id), status_code=302))
        raise Answered(RedirectResponse(_landed(doc.slug, target.id, p.id), status_code=302))
    before, after = reads.context(session, p)
    return Landing("removed", at, p, after_id=before[-1].id if before else None,
                   before_id=after[0].id if after and not before else None)
