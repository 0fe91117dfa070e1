"""The search page's form, read once for the page, its JSON twin's link and its CSV: values as typed,
the first problem with them, the search they ask for, and the parameters its links carry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from app.config import Settings
from app.search import engine as search
from app.search.engine import Filters, SearchError
from app.store import browse
from app.store import reads as queries
from app.web import pagecache
from app.web.routes.params import SLUG_MAX, dates_problem

CSV_MAX = 1_000  # results a search's CSV holds at most, best first (each one is graded and looked up)


def version_key(request: Request, session) -> tuple | None:
    """The archive version this request's DB session reads (a cached page's session read it already)."""
    return pagecache.remembered_version(request) or queries.version_key(session)


@contextmanager
def searcher(request: Request, session) -> Iterator:
    """A searcher of the archive version this request's DB session reads, leased for the block."""
    key = version_key(request, session)
    version = key[0] if key else 0
    if not version:
        yield None
        return
    with request.app.state.searchers.lease(version) as leased:
        yield leased


def document_menu(request: Request, session, cap: int) -> list:
    """The form's document menu (the `cap` newest documents): one read per archive version, not
    one per search, since every search page of a version offers the same menu."""
    key = version_key(request, session)
    if key is None:
        return browse.active_documents(session, cap)
    menus = getattr(request.app.state, "document_menus", None)
    if menus is None:
        menus = request.app.state.document_menus = {}
    if (key, cap) not in menus:
        menus.clear()  # an older version's menu is never asked for again
        menus[(key, cap)] = browse.active_documents(session, cap)
    return menus[(key, cap)]


def too_long(value: str, limit: int, what: str) -> str | None:
    if len(value) > limit:
        return f"The {what} is {len(value)} characters long; the limit is {limit}. Shorten it and try again."
    return None


def page_params(settings: Settings, q: str, mode: str, kind: str, doc: str, theme: str,
                date_from: str, date_to: str, offset: str) -> tuple[dict, str | None]:
    """Form values as given (empty means none), and the first problem with them."""
    p = {"q": q, "mode": mode if mode in ("quote", "advanced") else "quote", "kind": kind or None,
         "doc": doc or None, "theme": theme or None, "date_from": date_from or None, "date_to": date_to or None,
         "offset": 0}
    problem = too_long(q, settings.max_query_chars, "query")
    if mode and mode not in ("quote", "advanced"):
        problem = problem or "mode is 'quote' or 'advanced'."
    if kind and kind not in ("official", "commentary"):
        problem = problem or "kind is 'official' or 'commentary'."
    for name in ("doc", "theme"):
        if p[name] and len(p[name]) > SLUG_MAX:
            problem = problem or f"{name} is at most {SLUG_MAX} characters."
    problem = problem or dates_problem(p["date_from"], p["date_to"])
    if offset:
        if offset.isdigit() and len(offset) < 7 and int(offset) <= search.MAX_OFFSET:
            p["offset"] = int(offset)
        else:
            problem = problem or f"offset is a whole number from 0 to {search.MAX_OFFSET}."
    return p, problem


def filters_of(p: dict) -> Filters:
    return Filters(p["kind"], p["doc"], p["theme"], p["date_from"], p["date_to"])


def page_search(request: Request, session, p: dict, problem: str | None, limit: int, offset: int | None = None):
    """The results, the problem and the status: 422 for a bad form, 400 for a query the engine refuses."""
    if problem:
        return None, problem, 422
    if not p["q"].strip():
        return None, None, 200
    try:
        with searcher(request, session) as leased:
            out = search.search(session, leased, p["q"], mode=p["mode"], filters=filters_of(p),
                                offset=p["offset"] if offset is None else offset, limit=limit)
    except SearchError as e:
        return None, str(e), 400
    return out, None, 200


def url_params(p: dict) -> dict:
    """The search's parameters for its links: no offset, and the default mode left out of URLs."""
    params = {k: v for k, v in p.items() if k not in ("offset",)}
    if params["mode"] == "quote":
        params["mode"] = None
    return params
