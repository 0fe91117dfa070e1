"""A phrase's history: its page, its JSON twin, a timeline chart (SVG) and its occurrences as CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from app.search import phrases
from app.search.snippets import clip
from app.web import urls
from app.web.deps import PageSessionDep, SettingsDep, render
from app.web.formats import cell
from app.web.routes.quotes import MAX_QUERY_CHARS, _searcher, _too_long

router = APIRouter(tags=["phrases"])

PAGE = 50
MAX_OFFSET = 100_000
CSV_COLUMNS = ["document", "title", "kind", "date", "id", "position", "text", "permalink"]

PhraseParam = Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description=(
    "The phrase, normalised as quote search normalises a quote (case, punctuation, quote and dash styles "
    "aside) and matched word for word, unstemmed."))]
PageQ = Annotated[str, Query(description="The phrase (empty: the form only); its length is checked against the setting.")]
LimitParam = Annotated[int, Query(ge=1, le=100, description="occurrences per page (at most 100)")]
OffsetParam = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"occurrences to skip (at most {MAX_OFFSET})")]


# --- response models (the OpenAPI schema) -----------------------------------------------------------


class PhraseUse(BaseModel):
    document: str = Field(description="Slug of the document.")
    title: str
    date: str = Field(description="The document's publication date (YYYY, YYYY-MM or YYYY-MM-DD), empty if not stated.")
    id: str = Field(description="The sentence's stable id.")
    url: str = Field(description="The sentence in its document.")
    permalink: str = Field(description="The sentence's own page.")


class PhraseOccurrence(PhraseUse):
    kind: str = Field(description="official or commentary.")
    text: str = Field(description="The sentence, cut with '…' after 5,000 characters.")
    position: int


class PhraseDocument(BaseModel):
    document: str
    title: str
    date: str
    kind: str
    count: int = Field(description="Sentences of this document holding the phrase (all of them, not only this page's).")


class KindHistory(BaseModel):
    count: int = Field(description="Sentences of this kind holding the phrase.")
    documents: int = Field(description="Documents of this kind holding it.")
    by_year: dict[str, int]
    by_month: dict[str, int] | None
    first: PhraseUse | None
    last: PhraseUse | None


class PhraseHistory(BaseModel):
    query: str
    phrase: str = Field(description="The phrase as matched: its normalised words.")
    total: int = Field(description="Sentences holding the phrase, every kind.")
    offset: int
    limit: int
    message: str | None
    first: PhraseUse | None = Field(description="The first use in an official text (a year-only date counts as 1 January).")
    last: PhraseUse | None = Field(description="The last use in an official text.")
    occurrences: list[PhraseOccurrence] = Field(description="This page: official texts first, then commentary; "
                                                            "each earliest first, a document's sentences together.")
    documents: list[PhraseDocument] = Field(description="The documents on this page, in order.")
    by_year: dict[str, int] = Field(description="Dated sentences holding the phrase per year, every kind.")
    by_month: dict[str, int] | None = Field(description=(
        f"Per month, when the dated sentences fall within {phrases.MONTHS_WITHIN_YEARS} calendar years; else null."))
    month_unknown: int = Field(description="Sentences left out of by_month: their date names only the year.")
    undated: int = Field(description="Sentences in documents without a date (in no yearly count).")
    official: KindHistory
    commentary: KindHistory


# --- building answers ----------------------------------------------------------------------------


def _history(request: Request, session, q: str, offset: int = 0, limit: int | None = PAGE) -> phrases.History:
    with _searcher(request, session) as searcher:
        return phrases.history(session, searcher, q, offset=offset, limit=limit)


def _use(o: phrases.Occurrence | None) -> dict | None:
    if o is None:
        return None
    return {"document": o.document, "title": o.title, "date": o.date, "id": o.id,
            "url": urls.document(o.document, o.id), "permalink": urls.passage(o.id)}


def history_json(h: phrases.History) -> dict:
    """/api/phrases (PhraseHistory)."""
    kinds = {k: {"count": s.count, "documents": s.documents, "by_year": s.by_year, "by_month": s.by_month,
                 "first": _use(s.first), "last": _use(s.last)} for k, s in h.kinds.items()}
    docs = {}
    for o in h.occurrences:
        docs.setdefault(o.document, {"document": o.document, "title": o.title, "date": o.date, "kind": o.kind,
                                     "count": h.document_counts.get(o.document, 0)})
    return {
        "query": h.query, "phrase": h.phrase, "total": h.total, "offset": h.offset, "limit": h.limit,
        "message": h.message, "first": _use(h.first), "last": _use(h.last),
        "occurrences": [{**_use(o), "kind": o.kind, "text": clip(o.text)[0], "position": o.position}
                        for o in h.occurrences],
        "documents": list(docs.values()), "by_year": h.by_year, "by_month": h.by_month,
        "month_unknown": h.month_unknown, "undated": h.undated, **kinds,
    }


def _check(q: str, settings) -> None:
    problem = _too_long(q, settings.max_query_chars, "phrase")
    if problem:
        raise HTTPException(422, problem)


# --- the timeline chart ----------------------------------------------------------------------------

W, H = 560, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 40, 40
COLOURS = {"official": "#0f5132", "commentary": "#b4530a"}


def _periods(keys: list[str], monthly: bool) -> list[str]:
    """Every year (or month) from the first to the last of `keys`, the empty ones too."""
    if not keys:
        return []
    if not monthly:
        return [str(y) for y in range(int(min(keys)), int(max(keys)) + 1)]
    (y0, m0), (y1, m1) = (map(int, min(keys).split("-")), map(int, max(keys).split("-")))
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]


def chart(h: phrases.History) -> dict:
    """The chart's rows (period, official, commentary) and bar geometry, for the SVG and the table."""
    monthly = h.by_month is not None and bool(h.by_month)
    counts = {k: (s.by_month if monthly else s.by_year) or {} for k, s in h.kinds.items()}
    periods = _periods(list(h.by_month if monthly else h.by_year), monthly)
    rows = [{"period": p, "official": counts["official"].get(p, 0), "commentary": counts["commentary"].get(p, 0)}
            for p in periods]
    top = max((r["official"] + r["commentary"] for r in rows), default=0) or 1
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(len(rows), 1)
    # Few enough labels under the bars to stay apart on a phone (months' labels are longer).
    every = max(1, -(-len(rows) // (6 if monthly else 10)))
    for i, r in enumerate(rows):
        x = LEFT + i * step + step * 0.15
        base = TOP + plot_h
        r["x"], r["w"] = round(x, 1), round(step * 0.7, 1)
        r["bars"] = []
        for kind in ("official", "commentary"):
            height = plot_h * r[kind] / top
            if r[kind]:
                r["bars"].append({"kind": kind, "y": round(base - height, 1), "h": round(height, 1),
                                  "colour": COLOURS[kind]})
            base -= height
        r["label"] = r["period"] if i % every == 0 else ""
        r["label_x"] = round(x + step * 0.35, 1)
    unit = "month" if monthly else "year"
    described = "; ".join(f"{r['period']}: {r['official']} official, {r['commentary']} commentary"
                          for r in rows if r["official"] or r["commentary"])
    return {
        "rows": rows, "unit": unit, "top": top, "width": W, "height": H, "left": LEFT, "right": W - RIGHT,
        "plot_top": TOP, "base": TOP + plot_h, "mid": round(TOP + plot_h / 2, 1), "half": top // 2 if top % 2 == 0 else None,
        "colours": COLOURS,
        "title": f"Sentences holding “{h.phrase}” per {unit}",
        "desc": (f"Stacked bars, one per {unit} from {periods[0]} to {periods[-1]}: " + described + "."
                 if rows else "No dated sentence holds this phrase."),
    }


# --- API ---------------------------------------------------------------------------------------------


@router.get("/api/phrases", summary="A phrase's history", response_model=PhraseHistory,
            responses={422: {"description": "A phrase over the length limit, or a parameter out of range"}})
def api_phrases(request: Request, session: PageSessionDep, settings: SettingsDep, q: PhraseParam,
                limit: LimitParam = PAGE, offset: OffsetParam = 0) -> JSONResponse:
    """Every sentence holding the phrase verbatim (as quote search's `exact`), one page at a time;
    the first and last official use and the counts per year (per month over a short span) cover all of them."""
    _check(q, settings)
    return JSONResponse(history_json(_history(request, session, q, offset, limit)))


class SvgResponse(Response):
    media_type = "image/svg+xml"


class CsvResponse(Response):
    media_type = "text/csv"


@router.get("/phrases.svg", summary="A phrase's timeline chart (SVG)", response_class=SvgResponse,
            responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
                       422: {"description": "A phrase over the length limit"}})
def phrases_svg(request: Request, session: PageSessionDep, settings: SettingsDep, q: PhraseParam) -> SvgResponse:
    """Sentences holding the phrase per year (or month), official and commentary stacked, drawn on the
    server with a title and a description, for embedding."""
    _check(q, settings)
    h = _history(request, session, q, 0, 0)
    svg = request.app.state.templates.get_template("phrases_chart.xml").render(c=chart(h), standalone=True)
    return SvgResponse(svg, media_type="image/svg+xml")


@router.get("/phrases.csv", summary="A phrase's occurrences as CSV", response_class=CsvResponse,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
                       422: {"description": "A phrase over the length limit"}})
def phrases_csv(request: Request, session: PageSessionDep, settings: SettingsDep, q: PhraseParam) -> CsvResponse:
    """One row per sentence holding the phrase, in the order of the history (no cell starts a formula)."""
    _check(q, settings)
    h = _history(request, session, q, 0, None)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    base = request.app.state.base_url
    for o in h.occurrences:
        writer.writerow([cell(v) for v in (o.document, o.title, o.kind, o.date, o.id, o.position, o.text,
                                           urls.absolute(base, urls.passage(o.id)))])
    return CsvResponse("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                       headers={"Content-Disposition": 'attachment; filename="phrase-occurrences.csv"'})


# --- the page ----------------------------------------------------------------------------------------


def groups(h: phrases.History) -> list[dict]:
    """This page's occurrences by kind, then by document, in the history's order."""
    out: list[dict] = []
    for o in h.occurrences:
        if not out or out[-1]["kind"] != o.kind:
            out.append({"kind": o.kind, "documents": []})
        docs = out[-1]["documents"]
        if not docs or docs[-1]["document"] != o.document:
            docs.append({"document": o.document, "title": o.title, "date": o.date,
                         "count": h.document_counts.get(o.document, 0), "occurrences": []})
        docs[-1]["occurrences"].append(o)
    return out


@router.get("/phrases", include_in_schema=False)
def phrases_page(request: Request, session: PageSessionDep, settings: SettingsDep, q: PageQ = "",
                 offset: OffsetParam = 0):
    """The phrase form; with ?q= the phrase's history: chart, table of counts, occurrences by document."""
    problem = _too_long(q, settings.max_query_chars, "phrase")
    h = None if problem or not q.strip() else _history(request, session, q, offset, PAGE)
    return render(request, "phrases.html", {
        "h": h, "problem": problem, "c": chart(h) if h is not None and h.total else None, "page_size": PAGE,
        "groups": groups(h) if h is not None else [],
        "max_query_chars": settings.max_query_chars, "phrase_q": q,
        "page_url": lambda o: urls.phrases(q=q, offset=o or None),
        "json_url": urls.api_phrases(q=q, offset=offset or None) if h is not None else None,
    }, status_code=422 if problem else 200)
