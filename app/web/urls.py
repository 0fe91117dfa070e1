"""Every URL the app links to is built here, never by hand in templates."""

from __future__ import annotations

from urllib.parse import quote, quote_plus, urlencode


def _q(value: str) -> str:
    return quote(str(value), safe="")


def with_query(path: str, **params) -> str:
    """`path` with the non-empty parameters as a query string."""
    clean = [(k, v) for k, v in params.items() if v not in (None, "", [], ())]
    flat = [(k, x) for k, v in clean for x in (v if isinstance(v, (list, tuple)) else [v])]
    return f"{path}?{urlencode(flat)}" if flat else path


def home() -> str:
    return "/"


def document(slug: str, passage_id: str | None = None) -> str:
    """The reader for a document, optionally landing on one passage."""
    base = f"/documents/{_q(slug)}"
    return f"{base}#{_q(passage_id)}" if passage_id else base


def sentence(slug: str, passage_id: str) -> str:
    """The reader landing on one sentence, in a form the server resolves if the id is corrected or
    removed later (a #fragment alone never reaches it): /documents/{slug}?at={id}#{id}."""
    return f"{with_query(document(slug), at=passage_id)}#{_q(passage_id)}"


def source_file(slug: str) -> str:
    """The document's source file, exactly as it was received."""
    return f"/documents/{_q(slug)}/source"


def passage(passage_id: str) -> str:
    """The permanent page of one passage."""
    return f"/s/{_q(passage_id)}"


def directive(passage_id: str) -> str:
    """The citable page of a directive."""
    return f"/d/{_q(passage_id)}"


def compare(slug: str, passage_id: str | None = None) -> str:
    """The side-by-side view of a commentary and the official text it discusses."""
    base = f"/compare/{_q(slug)}"
    return f"{base}#{_q(passage_id)}" if passage_id else base


# Date filters travel as ?from=…&to=…; callers name them date_from and date_to, `from` being a
# Python keyword.
_PARAM_NAMES = {"date_from": "from", "date_to": "to"}


def _named(params: dict) -> dict:
    return {_PARAM_NAMES.get(k, k): v for k, v in params.items()}


def search(**params) -> str:
    return with_query("/search", **_named(params))


def verify() -> str:
    return "/verify"


def themes(**params) -> str:
    return with_query("/themes", **_named(params))


def theme(slug: str, **params) -> str:
    return with_query(f"/themes/{_q(slug)}", **_named(params))


def directives(**params) -> str:
    return with_query("/directives", **_named(params))


def api_documents() -> str:
    return "/api/documents"


def api_document(slug: str) -> str:
    return f"/api/documents/{_q(slug)}"


def translations(slug: str) -> str:
    """An original beside its translations, sentence by sentence."""
    return f"/translations/{_q(slug)}"


def api_translations(slug: str) -> str:
    return f"/api/translations/{_q(slug)}"


def parallel(slug: str, view: str | None = None) -> str:
    """A translation beside its original, sentence by sentence (view: both, original or translation)."""
    return with_query(f"/parallel/{_q(slug)}", view=None if view == "both" else view)


def api_parallel(slug: str) -> str:
    return f"/api/parallel/{_q(slug)}"


def api_passage(passage_id: str) -> str:
    return f"/api/passages/{_q(passage_id)}"


def api_search(**params) -> str:
    return with_query("/api/search", **_named(params))


def api_crossrefs(slug: str) -> str:
    return with_query("/api/crossrefs", doc=slug)


def api_themes(**params) -> str:
    return with_query("/api/themes", **_named(params))


def api_theme(slug: str, **params) -> str:
    return with_query(f"/api/themes/{_q(slug)}", **_named(params))


def api_directives(**params) -> str:
    return with_query("/api/directives", **_named(params))


def api_openapi() -> str:
    return "/api/openapi.json"


def api_docs() -> str:
    """The API's documentation (Swagger UI over api_openapi)."""
    return "/docs"


def export_csv() -> str:
    return "/export/sentences.csv"


def export_json() -> str:
    return "/export/sentences.json"


def export_themes_csv(**params) -> str:
    """The themes table (counts within the dates given) as CSV."""
    return with_query("/export/themes.csv", **_named(params))


def export_theme_csv(slug: str, **params) -> str:
    """A theme's passages, with the same filters as its page, as CSV."""
    return with_query(f"/export/themes/{_q(slug)}.csv", **_named(params))


def export_directives_csv(**params) -> str:
    return with_query("/export/directives.csv", **_named(params))


def export_search_csv(**params) -> str:
    """A search's results (its first pages), with the same filters, as CSV."""
    return with_query("/export/search.csv", **_named(params))


def feed_documents() -> str:
    return "/feeds/documents.atom"


def feed_theme(slug: str) -> str:
    return f"/feeds/themes/{_q(slug)}.atom"


def anchor(element_id: str) -> str:
    """A link to an element of the same page (a passage shown on it)."""
    return f"#{_q(element_id)}"


def static(path: str) -> str:
    return f"/static/{path}"


def absolute(base_url: str, path: str) -> str:
    """An absolute URL for citations and link previews."""
    return base_url.rstrip("/") + path


def phrases(**params) -> str:
    """A phrase's history (q: the phrase)."""
    return with_query("/phrases", **params)


def phrase(q: str) -> str:
    """A phrase's history, as phrases(q=…) writes it; a reader links up to 30 of them."""
    return f"/phrases?q={quote_plus(q)}"


def api_phrases(**params) -> str:
    return with_query("/api/phrases", **params)


def phrases_svg(q: str) -> str:
    return with_query("/phrases.svg", q=q)


def phrases_csv(q: str) -> str:
    return with_query("/phrases.csv", q=q)


def api_novelty(slug: str) -> str:
    """What is new in a statement, and its sentences said before (#20)."""
    return f"/api/documents/{_q(slug)}/novelty"
