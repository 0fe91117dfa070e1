"""Old addresses keep working: a renamed document or corrected passage redirects, a removed one says so."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.store import reads
from app.store.models import Document, Passage


class Answered(Exception):
    """The request's answer is known before its handler's own work: a redirect or a tombstone."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


async def _answer(request: Request, exc: Answered) -> Response:
    # Async, so the answer never queues behind the handlers in the thread pool.
    return exc.response


def install(app) -> None:
    app.add_exception_handler(Answered, _answer)


def _live(found: reads.Resolved | None, key: Callable, missing: str, moved_to: Callable[[str], str] | None,
          gone: Callable | None):
    """The live item `found` names, or raise its answer.

    Unknown: 404 `missing`. Replaced: 301 to `moved_to(key(successor))`, or without `moved_to`
    the successor itself is returned. Removed: 410 as `gone(item)` builds it, or without `gone` a 404.
    """
    if found is None or (found.status == "gone" and gone is None):
        raise HTTPException(404, missing)
    if found.status == "moved":
        if moved_to is None:
            return found.target
        raise Answered(RedirectResponse(moved_to(key(found.target)), status_code=301))
    if found.status == "gone":
        raise Answered(gone(found.item))
    return found.item


def document(session: Session, slug: str, moved_to: Callable[[str], str] | None = None,
             gone: Callable[[Document], Response] | None = None) -> Document:
    """The active document `slug` (or an alias of it) names; see _live for the other answers."""
    return _live(reads.resolve_document(session, slug), lambda d: d.slug,
                 f"No document '{slug}' in the archive.", moved_to, gone)


def passage(session: Session, passage_id: str, moved_to: Callable[[str], str] | None = None,
            gone: Callable[[Passage], Response] | None = None) -> Passage:
    """The active passage `passage_id` names, following corrections; see _live for the other answers."""
    return _live(reads.resolve_passage(session, passage_id), lambda p: p.id,
                 f"No passage '{passage_id}' in the archive.", moved_to, gone)
