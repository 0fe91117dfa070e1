"""Search and the quote check: pages and their JSON API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.store import browse

from app.search import engine as search

from app.web import citing, serialize, urls
from app.config import Settings
from app.search.engine import Filters, SearchError
from app.web.deps import PageSessionDep, SessionDep, SettingsDep, render
from app.web.routes.params import DATE_PATTERN, DateFrom, DateTo, Kind, PageFrom, PageTo, Slug, ThemeSlug
from app.web.routes.search_form import CSV_MAX, document_menu, page_params, page_search, searcher as searcher_for, too_long, url_params

router = APIRouter(tags=["search"])

_DEFAULTS = Settings.model_fields
MAX_QUERY_CHARS = _DEFAULTS["max_query_chars"].default
MAX_VERIFY_CHARS = _DEFAULTS["max_verify_chars"].default
MAX_PAGE_SIZE = _DEFAULTS["max_page_size"].default
PAGE = 20
DOCUMENT_CHOICES = 100  # documents the form's menu offers, newest first

Grade = Literal["exact", "near", "altered", "related", "words"]
ChangeKind = Literal["negation", "antonym", "number", "date", "name", "modality", "quantifier", "content"]
GRADES_DOC = (
    "exact: the quote occurs verbatim (case, punctuation, quote and dash styles aside); "
    f"near: similarity >= {search.NEAR_MIN} and every difference is form only (spelling variant, typo, "
    "hyphenation, a function word or article dropped, added or swapped, a known synonym or another form "
    "of a word); altered: similarity >= "
    f"{search.NEAR_MIN} but at least one difference changes the meaning (negation, antonym, number, date, "
    "name, modality, quantifier, content word replaced, dropped or added), listed in `changes`; "
    "related: relevant by words (BM25). Best first: exact, near, altered, related. "
    f"words: a word search (at most {search.WORD_SEARCH_MAX} words, no quotation marks or sentence "
    "punctuation) lists the sentences that contain these words in place of exact; quote the words to grade them."
)


# --- response models (the OpenAPI schema is generated from these) ---------------------------------


class Problem(BaseModel):
    detail: str = Field(description="What was wrong with the request, in plain words.")


class DiffOp(BaseModel):
    """One part of a word diff; every word of the checked text and of the source is in one part, in order."""

    op: Literal["same", "added", "removed", "changed"] = Field(
        description="same: the same words on both sides (case, punctuation aside); added: words only in the "
                    "checked text (`source` empty); removed: source words the checked text leaves out (`quote` "
                    "empty); changed: different words on both sides.")
    quote: str = Field(description="The checked text's words for this part.")
    source: str = Field(description="The source's words for this part.")
    change: ChangeKind | None = Field(None, description="The meaning-bearing difference this part makes, if any; "
                                                         "null for form only (and for same).")


class Change(BaseModel):
    """A meaning-bearing difference between a quote and the sentence it is close to."""

    kind: ChangeKind
    quote: str = Field(description="The quote's words (empty when it leaves the source's out).")
    source: str = Field(description="The source's words (empty when the quote adds words).")


class Invalid(BaseModel):
    detail: str | list[dict[str, Any]] = Field(description=(
        "An over-long query: the message the search page shows too. A parameter out of range: "
        "FastAPI's list of problems, each naming the parameter (`loc`)."))


class ReportedSentence(BaseModel):
    id: str = Field(description="The official sentence's id.")
    document: str = Field(description="Slug of its document.")
    text: str
    relation: Literal["quotes", "paraphrases"] = Field(description="How the commentary reports it.")
    url: str = Field(description="The sentence in its document.")
    permalink: str = Field(description="The sentence's own page.")


class AlignedSentence(BaseModel):
    id: str | None = Field(description="The counterpart sentence's id; null where the translation leaves the sentence out.")
    document: str = Field(description="Slug of the original or translation it belongs to.")
    language: str = Field(description="That document's language (BCP 47).")
    text: str | None = Field(description="Its text; null where the translation leaves the sentence out.")
    confidence: float = Field(ge=0, le=1, description="The alignment's confidence; below 0.5 it is uncertain.")


class SearchHit(BaseModel):
    id: str = Field(description="The sentence's stable id (the first sentence's, for a span).")
    document: str = Field(description="Slug of the document.")
    title: str | None = Field(description="Title of the document.")
    kind: str = Field(description="official or commentary.")
    unit: str = Field(description="sentence or item.")
    text: str = Field(description="The sentence's text (the sentences' text joined, for a span), cut with '…' "
                                  "after 5,000 characters.")
    truncated: bool = Field(description="Whether `text` was cut; the permalink shows the whole sentence.")
    snippet: str = Field(description="HTML: the text escaped, matched words in <mark>, long texts cut with '…'.")
    match: Grade = Field(description=GRADES_DOC)
    score: float = Field(ge=0, le=1, description="0–1 similarity between the query and the words matched; "
                                                 "1.0 only for exact.")
    bm25: float | None = Field(description="The relevance engine's raw score, where one was computed.")
    url: str = Field(description="The sentence in its document.")
    permalink: str = Field(description="The sentence's own page.")
    date: str | None
    publisher: str | None
    position: int
    themes: list[str]
    span: list[str] | None = Field(None, description="Every sentence id a cross-sentence quote covers.")
    reports: ReportedSentence | None = Field(None, description=(
        "For a commentary hit: the official sentence it reports (its best cross-reference), if any."))
    changes: list[Change] | None = Field(None, description="altered: the differences that change the meaning.")
    diff: list[DiffOp] | None = Field(None, description="altered: the query against the sentence's matched words.")
    verdict: str | None = Field(None, description="altered: the verdict in plain words.")
    aligned: list[AlignedSentence] = Field([], description=(
        "The sentence's counterparts in its original or in its translations, sentence by sentence."))


class DocumentFacet(BaseModel):
    slug: str
    title: str
    count: int


class Facets(BaseModel):
    match: dict[str, int] = Field(description="Results per grade; for a word search `words` (contains these words) "
                                              "in place of `exact`.")
    kind: dict[str, int] = Field(description="Results per kind of document.")
    document: list[DocumentFacet] = Field(description="Results per document, the 20 largest.")
    theme: dict[str, int] = Field(description="Results per theme slug (a result counts under each of its themes), "
                                              "the 20 largest first; `theme=` filters by one.")
    year: dict[str, int] = Field(description="Results per year of their document's date, newest first (undated "
                                             "documents not counted); `from=YYYY&to=YYYY` filters by one.")


class SearchResponse(BaseModel):
    query: str
    mode: Literal["quote", "advanced"]
    total: int
    offset: int
    limit: int
    message: str | None = Field(description="A note about the search (e.g. nothing searchable, results capped).")
    results: list[SearchHit]
    facets: Facets


class VerifyRequest(BaseModel):
    text: str = Field(max_length=MAX_VERIFY_CHARS, description=f"The passage to check, at most {MAX_VERIFY_CHARS} characters.")


class SentenceObject(BaseModel):
    """The archive's sentence object (as in /api/passages/{id})."""

    model_config = ConfigDict(extra="allow")
    id: str
    document: str
    kind: str
    unit: str
    text: str
    section: str | None = None
    paragraph: int | None = None
    position: int
    date: str | None = None
    publisher: str | None = None
    language: str | None = None
    themes: list[str] = []
    is_directive: bool = False
    active: bool = True
    url: str
    permalink: str
    document_title: str | None = None


class CheckedSentence(BaseModel):
    text: str
    match: Literal["exact", "near", "altered", "related", "none"] = Field(description=GRADES_DOC + " none: not found.")
    score: float = Field(ge=0, le=1)
    source: SentenceObject | None
    diff: list[DiffOp] = Field(description="The checked sentence against the source's matched words, word by word.")
    span: list[str] | None = None
    changes: list[Change] | None = Field(None, description="altered: the differences that change the meaning.")
    note: str | None = Field(None, description="altered: the verdict in plain words, e.g. \"wording close to a real "
                                               "sentence, but the meaning differs: 'foreign' where the source says "
                                               "'own'\".")


class VerifyResponse(BaseModel):
    verdict: str
    sentences: list[CheckedSentence]


# --- helpers ---------------------------------------------------------------------------------------

_searcher, _too_long = searcher_for, too_long  # the names app.web.routes.phrases imports


# The length is checked by the handler against the setting, not here: the API and the page then
# answer an over-long query with the same status and the same message.
QParam = Annotated[str, Query(description=(
    "A quote or words (mode=quote: every character literal), or Whoosh syntax (mode=advanced: AND, OR, NOT, "
    f"\"phrases\", trailing wildcards, field:value). At most {MAX_QUERY_CHARS} characters "
    "(POLICY_ARCHIVE_MAX_QUERY_CHARS); longer gets a 422 saying so."))]
ModeParam = Annotated[Literal["quote", "advanced"], Query(description="quote (default) or advanced")]
# The names the date filters had before `from` and `to`, still read so old links keep working.
OldFrom = Annotated[str | None, Query(alias="date_from", pattern=DATE_PATTERN, deprecated=True, description="former name of from")]
OldTo = Annotated[str | None, Query(alias="date_to", pattern=DATE_PATTERN, deprecated=True, description="former name of to")]
LimitParam = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"results per page (at most {MAX_PAGE_SIZE})")]
OffsetParam = Annotated[int, Query(ge=0, le=search.MAX_OFFSET, description=f"results to skip (at most {search.MAX_OFFSET})")]


# --- API ---------------------------------------------------------------------------------------


@router.get("/api/search", summary="Search passages", response_model=SearchResponse,
            responses={400: {"model": Problem, "description": "Advanced syntax error, or a configured limit exceeded"},
                       422: {"model": Invalid, "description": "A query over the length limit, or a parameter out of range"}})
def api_search(request: Request, session: PageSessionDep, settings: SettingsDep, q: QParam = "", mode: ModeParam = "quote",
               kind: Kind = None, doc: Slug = None, theme: ThemeSlug = None,
               date_from: DateFrom = None, date_to: DateTo = None,
               limit: LimitParam = PAGE, offset: OffsetParam = 0,
               old_from: OldFrom = None, old_to: OldTo = None) -> JSONResponse:
    """Quote mode grades every result exact, near, altered or related (see the `match` field); advanced
    mode takes Whoosh query syntax. Facets count results per grade, kind, document, theme and year."""
    problem = _too_long(q, settings.max_query_chars, "query")
    if problem:
        raise HTTPException(422, problem)  # what the search page answers too
    if limit > settings.max_page_size:
        raise HTTPException(400, f"limit is at most {settings.max_page_size}.")
    filters = Filters(kind, doc or None, theme or None, date_from or old_from, date_to or old_to)
    try:
        with _searcher(request, session) as searcher:
            out = search.search(session, searcher, q, mode=mode, filters=filters, offset=offset, limit=limit)
    except SearchError as e:
        raise HTTPException(400, str(e)) from e
    # Returned as a response, so SearchResponse documents the shape without FastAPI
    # re-validating every hit on each request (the tests check answers against the schema).
    return JSONResponse(serialize.search_json(out))


@router.post("/api/verify", summary="Check a quoted passage", response_model=VerifyResponse,
             responses={400: {"model": Problem, "description": "Text over the configured limit"}})
def api_verify(body: VerifyRequest, request: Request, session: SessionDep, settings: SettingsDep) -> dict:
    """Splits the passage into sentences and finds each one's best source in the archive: exact,
    near, related or none, with a similarity score and a word-level diff, plus a one-line verdict."""
    problem = _too_long(body.text, settings.max_verify_chars, "text")
    if problem:
        raise HTTPException(400, problem)
    with _searcher(request, session) as searcher:
        return serialize.verification_json(search.verify(session, searcher, body.text))


# --- pages ---------------------------------------------------------------------------------------


@router.get("/search", include_in_schema=False)
def search_page(request: Request, session: PageSessionDep, settings: SettingsDep, q: str = "", mode: str = "",
                kind: str = "", doc: str = "", theme: str = "", date_from: PageFrom = "", date_to: PageTo = "",
                offset: str = "", old_from: Annotated[str, Query(alias="date_from", max_length=200)] = "",
                old_to: Annotated[str, Query(alias="date_to", max_length=200)] = ""):
    """The search form and one page of graded results with facets; every search is a URL."""
    p, problem = page_params(settings, q, mode, kind, doc, theme, date_from or old_from, date_to or old_to, offset)
    out, problem, status = page_search(request, session, p, problem, PAGE)
    params = url_params(p)

    def page_url(offset: int | None = None, **changes) -> str:
        merged = {**params, **changes}
        return urls.search(**merged, offset=offset or None)

    searched = bool(q.strip()) and not problem
    return render(request, "search.html", {
        "out": out, "p": p, "problem": problem, "page_size": PAGE, "page_url": page_url,
        "labels": browse.theme_labels(session), "near_min": search.NEAR_MIN, "max_query_chars": settings.max_query_chars,
        "documents": document_menu(request, session, DOCUMENT_CHOICES), "doc_cap": DOCUMENT_CHOICES,
        "json_url": urls.api_search(**params, offset=p["offset"] or None) if searched else None,
        "csv_url": urls.export_search_csv(**params) if searched and out and out.total else None, "csv_max": CSV_MAX,
        "cites": citing.for_results(session, request.app.state.base_url, [r.id for r in out.results] if out else []),
    }, status_code=status)


def _verify_page(request: Request, session, settings: Settings, text: str | None):
    result, problem, status = None, None, 200
    if text is not None:
        problem = _too_long(text, settings.max_verify_chars, "text")
        if problem:
            status = 422
        elif text.strip():
            with _searcher(request, session) as searcher:
                result = serialize.verification_json(search.verify(session, searcher, text))
    share = urls.with_query(urls.verify(), text=text) if result and text and len(text) <= 1500 else None
    return render(request, "verify.html", {
        "text": text or "", "result": result, "problem": problem, "max_chars": settings.max_verify_chars,
        "share_url": share, "near_min": search.NEAR_MIN,
        "cites": citing.for_results(session, request.app.state.base_url,
                                    [s["source"]["id"] for s in result["sentences"] if s["source"]] if result else []),
    }, status_code=status)


@router.get("/verify", include_in_schema=False)
def verify_page(request: Request, session: SessionDep, settings: SettingsDep, text: str | None = None):
    """The quote check form; with ?text=… it also shows the results (shareable, no JS needed)."""
    return _verify_page(request, session, settings, text)


@router.post("/verify", include_in_schema=False)
def verify_form(request: Request, session: SessionDep, settings: SettingsDep, text: Annotated[str, Form()] = ""):
    """The quote check form, submitted."""
    return _verify_page(request, session, settings, text)
