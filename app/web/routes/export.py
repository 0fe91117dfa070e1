"""Bulk export for researchers (CSV, JSON, streamed) and Atom feeds."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import select

from app.store import browse
from app.store.models import Document, Passage

from app.web import formats as exporter, urls
from app.web.routes import themes
from app.web.routes.params import DateFrom, DateTo, Kind, PageFrom, PageTo, Slug, Sort, Text, filters
from app.web.routes.search_form import CSV_MAX, page_params, page_search
from app.web.deps import SessionDep, SettingsDep

router = APIRouter(tags=["export"])


# Response classes named by the routes, so the OpenAPI description declares the real content types.
class CsvResponse(StreamingResponse):
    media_type = "text/csv"
    charset = "utf-8"


class JsonStreamResponse(StreamingResponse):
    media_type = "application/json"


class AtomResponse(Response):
    media_type = "application/atom+xml"


def _base(request: Request) -> str:
    """The public address links are built from (POLICY_ARCHIVE_BASE_URL), never the Host header."""
    return request.app.state.base_url


@router.get("/export/sentences.csv", summary="All sentences as CSV", response_class=CsvResponse,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def export_csv(request: Request):
    """One row per active sentence: document, kind, themes, directive flag, links. Streamed."""
    return CsvResponse(exporter.csv_chunks(request.app.state.sessions), media_type="text/csv; charset=utf-8",
                       headers={"Content-Disposition": 'attachment; filename="policy-archive-sentences.csv"'})


@router.get("/export/sentences.json", summary="All sentences as JSON", response_class=JsonStreamResponse,
            responses={200: {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}})
def export_json(request: Request):
    """The same records as the CSV, as one JSON array, streamed."""
    return JsonStreamResponse(exporter.json_chunks(request.app.state.sessions),
                              headers={"Content-Disposition": 'attachment; filename="policy-archive-sentences.json"'})


# --- a filtered list as CSV: the rows its pages show, in their order, every page of them ------------

_CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
THEME_COLUMNS = ["theme", "label", "parent", "official", "commentary", "description"]
SEARCH_COLUMNS = ["rank", "match", "score", *exporter.COLUMNS]


def _csv(chunks, name: str) -> CsvResponse:
    return CsvResponse(chunks, media_type="text/csv; charset=utf-8",
                       headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _list_records(sessions, fetch):
    """Every row of a filtered passage list: `fetch(session, offset, limit)` pages through it (browse.Page)."""
    with sessions() as session:
        offset = 0
        while True:
            page = fetch(session, offset, exporter.BATCH)
            yield from exporter.batch_records(session, [(r.passage, r.document) for r in page.rows])
            offset += len(page.rows)
            if not page.rows or offset >= page.total:
                return


@router.get("/export/themes.csv", summary="The themes table as CSV", response_class=CsvResponse, responses=_CSV)
def export_themes_csv(session: SessionDep, date_from: DateFrom = None, date_to: DateTo = None):
    """One row per theme with its sentence counts per kind, within `from` and `to` as on /themes."""
    rows = browse.themes_with_counts(session, filters(date_from=date_from, date_to=date_to))
    records = ({"theme": t["slug"], **{k: t[k] for k in THEME_COLUMNS[1:]}} for t in rows)
    return _csv(exporter.csv_of(records, THEME_COLUMNS), "policy-archive-themes.csv")


@router.get("/export/themes/{theme}.csv", summary="A theme's passages as CSV", response_class=CsvResponse,
            responses={**_CSV, 301: {"description": "Retired theme: moved to the theme that replaces it"},
                       404: {"description": "Unknown theme"}})
def export_theme_csv(request: Request, theme: str, session: SessionDep, kind: Kind = None, doc: Slug = None,
                     publisher: Text = None, sort: Sort = "date-desc", date_from: DateFrom = None, date_to: DateTo = None):
    """Every passage the theme's page lists with the same filters, in its order (the columns of
    /export/sentences.csv). Streamed."""
    slug = themes.theme_or_404(request, session, theme, urls.export_theme_csv).slug
    f = filters(kind, doc, publisher, None, sort, date_from, date_to)
    fetch = lambda s, offset, limit: browse.theme_passages(s, slug, f, offset, limit)  # noqa: E731
    return _csv(exporter.csv_of(_list_records(request.app.state.sessions, fetch)), f"policy-archive-{slug}.csv")


@router.get("/export/directives.csv", summary="Directives as CSV", response_class=CsvResponse, responses=_CSV)
def export_directives_csv(request: Request, theme: Text = None, doc: Slug = None, publisher: Text = None,
                          sort: Sort = "date-desc", date_from: DateFrom = None, date_to: DateTo = None):
    """Every directive /directives lists with the same filters, in its order. Streamed."""
    f = filters(None, doc, publisher, theme, sort, date_from, date_to)
    fetch = lambda s, offset, limit: browse.directives(s, f, offset, limit)  # noqa: E731
    return _csv(exporter.csv_of(_list_records(request.app.state.sessions, fetch)), "policy-archive-directives.csv")


# Out of the API description: an advanced query's syntax error is a 400 there is no schema for.
@router.get("/export/search.csv", include_in_schema=False)
def export_search_csv(request: Request, session: SessionDep, settings: SettingsDep, q: str = "", mode: str = "",
                      kind: str = "", doc: str = "", theme: str = "", date_from: PageFrom = "", date_to: PageTo = ""):
    """A search's results with the same filters, best first (at most CSV_MAX), with their grade and score."""
    p, problem = page_params(settings, q, mode, kind, doc, theme, date_from, date_to, "")
    out, problem, status = page_search(request, session, p, problem, CSV_MAX, offset=0)
    if problem:
        raise HTTPException(status, problem)
    results = out.results if out else []  # no query: no results, the header only
    ids = [r.id for r in results]
    found = {p.id: (p, d) for p, d in session.execute(
        select(Passage, Document).join(Document, Document.id == Passage.document_id).where(Passage.id.in_(ids)))}
    records = {r["id"]: r for r in exporter.batch_records(session, [found[i] for i in ids if i in found])}
    rows = ({"rank": n, "match": r.match, "score": r.score, **records[r.id]}
            for n, r in enumerate(results, 1) if r.id in records)
    return _csv(exporter.csv_of(rows, SEARCH_COLUMNS), "policy-archive-search.csv")


_ATOM = {200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}}}


@router.get("/feeds/documents.atom", summary="Atom feed of documents", response_class=AtomResponse, responses=_ATOM)
def feed_documents(request: Request, session: SessionDep):
    """The newest documents."""
    return AtomResponse(exporter.documents_feed(session, _base(request)))


@router.get("/feeds/themes/{slug}.atom", summary="Atom feed of a theme", response_class=AtomResponse,
            responses={**_ATOM, 301: {"description": "Retired theme: moved to the theme that replaces it"},
                       404: {"description": "Unknown theme"}})
def feed_theme(slug: str, request: Request, session: SessionDep):
    """The newest passages on one theme."""
    theme = browse.get_theme(session, slug)
    if theme is None:
        if (to := themes.moved(request, session, slug, urls.feed_theme)) is not None:
            return to  # a retired theme's feed follows it, as its page does
        raise HTTPException(404, f"No theme '{slug}'.")
    return AtomResponse(exporter.theme_feed(session, theme, _base(request)))
