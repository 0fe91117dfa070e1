"""Security properties of every route, found by walking the app's routes (new routes are covered
automatically): echoed input is escaped, security headers are on every response, the app is
read-only but for the quote check, and bad or over-long input gets a clear 4xx, never a 5xx.
"""

from __future__ import annotations

import os
import re
import typing
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.routing import Mount, Route

from app.web.app import create_app
from tests.helpers import COMMENTARY, OFFICIAL
from tests.helpers import ROOT

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'\"--></style></script>",
]
# Routes that may change something (the quote check takes a pasted paragraph by POST).
WRITE_ALLOWED = {"/api/verify", "/verify"}
SAFE_METHODS = {"GET", "HEAD"}
# A `javascript:` payload needs no escaping to be harmless as text, but must never become a link.
JS_URL = re.compile(r"""\b(?:href|src|action|formaction|data|poster)\s*=\s*["']?\s*javascript:""", re.I)
TOO_LONG = "a" * 20_000
PAGING = {"offset", "limit", "page", "per_page", "size", "start"}


# --- route discovery ----------------------------------------------------------------------------

@dataclass
class Param:
    name: str
    where: str  # "path", "query", "form", "json"
    annotation: object = None
    max_length: int | None = None


@dataclass
class RouteInfo:
    path: str
    methods: set[str]
    params: list[Param] = field(default_factory=list)
    html: bool = True  # an HTML page (not under /api/, not an export or feed)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _max_length(field_info) -> int | None:
    for m in getattr(field_info, "metadata", []) or []:
        if getattr(m, "max_length", None) is not None:
            return m.max_length
    return getattr(field_info, "max_length", None)


def _params_of(dependant) -> list[Param]:
    out: list[Param] = []
    seen: set[tuple[str, str]] = set()

    def add(fields, where):
        for f in fields:
            name = getattr(f, "alias", None) or f.name
            info = getattr(f, "field_info", None)
            ann = getattr(info, "annotation", None)
            kind = where
            if where == "body":
                kind = "form" if type(info).__name__ in ("Form", "File") else "json"
            if (name, kind) not in seen:
                seen.add((name, kind))
                out.append(Param(name, kind, ann, _max_length(info)))

    def walk(d):
        add(d.path_params, "path")
        add(d.query_params, "query")
        add(d.body_params, "body")
        for sub in d.dependencies:
            walk(sub)

    walk(dependant)
    return out


def _is_html(path: str) -> bool:
    return not (path.startswith(("/api/", "/export/", "/feeds/", "/static/")) or path in ("/healthz", "/api"))


def discover_routes(app) -> list[RouteInfo]:
    """Every HTTP route of the app, including routers included with FastAPI's lazy _IncludedRouter."""
    found: dict[tuple[str, frozenset], RouteInfo] = {}

    def record(path, methods, dependant):
        params = _params_of(dependant) if dependant is not None else []
        names = {p.name for p in params if p.where == "path"}
        for name in re.findall(r"{([^}:]+)(?::[^}]*)?}", path):  # path params the dependant may not list
            if name not in names:
                params.append(Param(name, "path"))
        key = (path, frozenset(methods or ()))
        found.setdefault(key, RouteInfo(path, set(methods or ()), params, _is_html(path)))

    def walk(routes):
        for r in routes:
            contexts = getattr(r, "effective_route_contexts", None)
            if callable(contexts):  # FastAPI >= 0.16x: included routers stay lazy
                for ctx in contexts():
                    record(ctx.path, ctx.methods, getattr(ctx, "dependant", None))
            elif isinstance(r, APIRoute):
                record(r.path, r.methods, r.dependant)
            elif isinstance(r, Mount):
                if r.path == "/static":
                    record("/static/{path}", {"GET", "HEAD"}, None)
                else:
                    walk(getattr(r, "routes", []) or [])
            elif isinstance(r, Route):
                record(r.path, r.methods, None)

    walk(app.routes)
    return sorted(found.values(), key=lambda r: (r.path, sorted(r.methods)))


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def routes(client) -> list[RouteInfo]:
    found = discover_routes(client.app)
    spec_paths = set(client.get("/api/openapi.json").json()["paths"])
    missing = spec_paths - {r.path for r in found}
    assert not missing, f"route discovery missed OpenAPI paths {missing}"
    return found


@pytest.fixture(scope="module")
def samples(client, official, commentary) -> dict[str, str]:
    """A valid value for each path parameter name, so requests reach the handler's real branch."""
    directive = next((p["id"] for p in official["passages"] if p.get("is_directive")), official["passages"][0]["id"])
    themes = client.get("/api/themes").json()["themes"]
    theme = themes[0]["slug"] if themes else "x"
    return {"slug": OFFICIAL, "doc": OFFICIAL, "passage_id": directive, "id": directive,
            "theme": theme, "path": "style.css", "_commentary": COMMENTARY, "_theme": theme}


def _sample_for(route: RouteInfo, name: str, samples: dict[str, str]) -> str:
    if name == "slug" and route.path.startswith(("/themes/", "/api/themes/", "/feeds/themes/")):
        return samples["_theme"]
    if name == "slug" and route.path.startswith("/compare/"):
        return samples["_commentary"]
    return samples.get(name, "x")


def build_url(route: RouteInfo, samples: dict[str, str], path_values: dict[str, str] | None = None,
              query: dict[str, str] | None = None) -> str:
    path_values = path_values or {}

    def fill(m):
        name = m.group(1)
        value = path_values.get(name, _sample_for(route, name, samples))
        return quote(value, safe="") if not m.group(2) else quote(value, safe="/")

    url = re.sub(r"{([^}:]+)(:path)?(?::[^}]*)?}", fill, route.path)
    return url + ("?" + urlencode(query) if query else "")


def send(client: TestClient, method: str, url: str, route: RouteInfo, payload: str | None = None):
    kwargs = {}
    if payload is not None and method == "POST":
        form = {p.name: payload for p in route.params if p.where == "form"}
        body = [p for p in route.params if p.where == "json"]
        if form:
            kwargs["data"] = form
        elif body:
            kwargs["json"] = _json_body(body, payload)
    return client.request(method, url, **kwargs)


def _json_body(body: list[Param], payload: str) -> dict:
    """A JSON body putting the payload into every string field (one model, or embedded fields)."""
    if len(body) == 1 and isinstance(body[0].annotation, type) and issubclass(body[0].annotation, BaseModel):
        model = body[0].annotation
        return {name: payload for name, f in model.model_fields.items()
                if f.annotation in (str, str | None, typing.Optional[str])} or {"text": payload}
    return {p.name: payload for p in body}


def assert_escaped(resp, payload: str, what: str) -> None:
    assert resp.status_code < 500, f"{what}: {resp.status_code}\n{resp.text[:500]}"
    ctype = resp.headers.get("content-type", "")
    if "html" in ctype:
        if payload != "javascript:alert(1)":
            assert payload not in resp.text, f"{what}: the raw payload {payload!r} is in the HTML"
        assert not JS_URL.search(resp.text), f"{what}: a javascript: URL became a link or source"
        assert "<img src=x" not in resp.text and "<script>alert" not in resp.text, f"{what}: injected markup"
    elif resp.status_code < 300 and resp.headers.get("content-length") != "0" and not ctype:
        pytest.fail(f"{what}: a response with a body but no Content-Type (browsers would sniff it)")


# --- the route list itself ----------------------------------------------------------------------

def test_discovers_the_known_pages(routes):
    paths = {r.path for r in routes}
    assert {"/", "/documents/{slug}", "/s/{passage_id}", "/d/{passage_id}", "/api/documents"} <= paths


def test_read_only_except_the_quote_check(routes):
    """No route accepts a write method except the quote check (ingest is a command, not a URL)."""
    offenders = {(r.path, m) for r in routes for m in r.methods - SAFE_METHODS
                 if not (r.path in WRITE_ALLOWED and m == "POST")}
    assert not offenders, f"routes accepting write methods: {sorted(offenders)}"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_write_methods_are_refused(client, routes, samples, method):
    for route in routes:
        if method == "POST" and route.path in WRITE_ALLOWED:
            continue
        url = build_url(route, samples)
        resp = client.request(method, url)
        assert resp.status_code in (404, 405), f"{method} {url}: {resp.status_code}"
        assert_headers(resp, f"{method} {url}")


# --- escaping -----------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "attribute", "js-url", "breakout"])
def test_every_parameter_escapes_what_it_echoes(client, routes, samples, payload):
    """The payload goes through each path and query parameter of every route, one at a time, plus
    `q` on every page (the site-wide search box echoes it) and every field of the POST routes."""
    checked = 0
    for route in routes:
        methods = route.methods & {"GET", "POST"}
        for method in sorted(methods):
            targets = [p for p in route.params if p.where in ("path", "query")]
            if route.html and not route.param("q"):
                targets.append(Param("q", "query"))
            for p in targets:
                if p.where == "path":
                    url = build_url(route, samples, path_values={p.name: payload})
                else:
                    url = build_url(route, samples, query={p.name: payload})
                resp = send(client, method, url, route)
                assert_escaped(resp, payload, f"{method} {url}")
                assert_headers(resp, f"{method} {url}")
                checked += 1
            if method == "POST" and any(p.where in ("form", "json") for p in route.params):
                url = build_url(route, samples)
                resp = send(client, method, url, route, payload)
                assert_escaped(resp, payload, f"POST {url} (body)")
                checked += 1
    assert checked > 20


def test_unknown_address_escapes_its_path(client):
    for payload in PAYLOADS:
        url = "/no-such-page/" + quote(payload, safe="")
        resp = client.get(url)
        assert resp.status_code == 404
        assert_escaped(resp, payload, url)
        assert_headers(resp, url)


def test_ingested_markup_is_shown_as_text(ingest, tmp_path):
    """A source containing <script> and <b> shows them as literal text on every page that shows it."""
    src = tmp_path / "sources"
    src.mkdir()
    (src / "markup.md").write_text(
        "---\n"
        "title: \"Rules on <b>Bold</b> AI & <script>alert('title')</script>\"\n"
        "kind: official\nslug: markup-test\ndate: 2025-01-02\n"
        "publisher: \"<i>Ministry</i> of Tests\"\n"
        "---\n"
        "The ministry shall publish <script>alert(\"xss\")</script> guidance on model audits.\n\n"
        "Providers must label <b>synthetic</b> media clearly. "
        "A link <a href=\"javascript:alert(1)\">here</a> is only text.\n",
        encoding="utf-8",
    )
    settings = ingest(src)
    with TestClient(create_app(settings), follow_redirects=False) as c:
        doc = c.get("/api/documents/markup-test").json()
        texts = [p["text"] for p in doc["passages"]]
        assert any("<script>alert(\"xss\")</script>" in t for t in texts), texts  # stored as written
        pages = ["/", "/documents/markup-test"] + [f"/s/{p['id']}" for p in doc["passages"]]
        pages += [f"/d/{p['id']}" for p in doc["passages"] if p.get("is_directive")]
        for extra in ("/directives", "/search?q=ministry+publish+guidance", "/search?q=synthetic"):
            if c.get(extra).status_code != 404:
                pages.append(extra)
        for url in pages:
            resp = c.get(url)
            assert resp.status_code == 200, url
            html = resp.text
            assert "<script>alert" not in html and "<b>Bold</b>" not in html and "<b>synthetic" not in html, url
            assert "<i>Ministry" not in html, url
            assert not JS_URL.search(html), url
            if url.startswith(("/documents/", "/s/pmarkup")):
                assert "&lt;script&gt;alert(" in html, url
        reader = c.get("/documents/markup-test").text
        assert "&lt;b&gt;synthetic&lt;/b&gt;" in reader
        assert "&lt;b&gt;Bold&lt;/b&gt;" in reader


def test_source_url_that_is_not_http_is_never_a_link(ingest, tmp_path, make_settings):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "bad-url.md").write_text(
        "---\ntitle: A document with a bad source URL\nkind: official\nslug: bad-url\n"
        "source_url: \"javascript:alert(document.domain)\"\n---\nThe ministry shall test this.\n",
        encoding="utf-8")
    from app.ingest.pipeline import IngestError
    try:
        settings = ingest(src)
    except IngestError as exc:  # refused at ingest, naming the key: fine
        assert "source_url" in str(exc) + " ".join(map(str, getattr(exc, "errors", []))), exc
        return
    with TestClient(create_app(settings)) as c:
        html = c.get("/documents/bad-url").text
    assert not JS_URL.search(html), "a javascript: source_url is rendered as a link"


# --- headers ------------------------------------------------------------------------------------

def _csp_directives(value: str) -> dict[str, list[str]]:
    out = {}
    for part in value.split(";"):
        bits = part.split()
        if bits:
            out[bits[0].lower()] = bits[1:]
    return out


def assert_headers(resp, what: str) -> None:
    h = resp.headers
    csp = h.get("content-security-policy")
    assert csp, f"{what}: no Content-Security-Policy"
    d = _csp_directives(csp)
    script = d.get("script-src", d.get("default-src"))
    assert script is not None, f"{what}: CSP restricts no script source: {csp}"
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "*" not in script, \
        f"{what}: CSP allows inline/eval/any script: {csp}"
    assert h.get("x-content-type-options", "").lower() == "nosniff", f"{what}: no X-Content-Type-Options: nosniff"
    assert h.get("referrer-policy"), f"{what}: no Referrer-Policy"
    frames = d.get("frame-ancestors")
    assert (frames is not None and frames in (["'none'"], ["'self'"])) or \
        h.get("x-frame-options", "").upper() in ("DENY", "SAMEORIGIN"), f"{what}: no frame protection"


def test_security_headers_on_every_route(client, routes, samples):
    for route in routes:
        for method in sorted(route.methods & {"GET"}):
            url = build_url(route, samples)
            resp = client.request(method, url)
            assert resp.status_code < 500, f"{url}: {resp.status_code}"
            assert_headers(resp, url)
    for url in ("/no-such-page", "/static/no-such-file.css", "/documents/no-such-document"):
        assert_headers(client.get(url), url)


class _Resources(HTMLParser):
    """Inline scripts, inline event handlers and the URLs a page loads (not the links it shows)."""

    LOADS = {"script": "src", "img": "src", "iframe": "src", "frame": "src", "embed": "src", "audio": "src",
             "video": "src", "source": "src", "object": "data", "track": "src"}

    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        self.handlers += [k for k in a if k.startswith("on")]
        if tag in self.LOADS and a.get(self.LOADS[tag]):
            self.loads.append(a[self.LOADS[tag]])
        if tag == "link" and a.get("href") and set((a.get("rel") or "").lower().split()) & {
                "stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}:
            self.loads.append(a["href"])


def page_problems(html: str) -> list[str]:
    parser = _Resources()
    parser.feed(html)
    problems = []
    if parser.inline_scripts:
        problems.append(f"{parser.inline_scripts} inline <script> (the CSP blocks it)")
    if parser.handlers:
        problems.append(f"inline event handlers {parser.handlers} (the CSP blocks them)")
    foreign = [u for u in parser.loads if urlsplit(u).scheme not in ("", "data") or u.startswith("//")]
    if foreign:
        problems.append(f"loads from other hosts: {foreign}")
    return problems


# FastAPI's Swagger UI would need inline script and a CDN, which the CSP blocks: it must stay off (404).
KNOWN_BAD_PAGES = {"/api/docs", "/docs/oauth2-redirect"}


def test_pages_load_everything_from_this_site(client, routes, samples):
    """Every HTML response (whatever its path) loads scripts, styles and images from this site only
    and has no inline script, which the CSP would block."""
    checked = 0
    for route in routes:
        if "GET" not in route.methods or route.path in KNOWN_BAD_PAGES:
            continue
        resp = client.get(build_url(route, samples))
        if "html" in resp.headers.get("content-type", ""):
            assert not page_problems(resp.text), f"{route.path}: {page_problems(resp.text)}"
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("path", sorted(KNOWN_BAD_PAGES))
def test_api_docs_load_everything_from_this_site(client, path):
    """Swagger UI is off: its inline script and CDN assets would show a blank page under the CSP."""
    assert client.get(path).status_code == 404


def test_static_javascript_is_a_file_not_inline(client):
    """The CSP allows only same-origin script files, so no template may carry inline script."""
    for name in (p.name for p in (ROOT / "templates").glob("*.html")):
        text = (ROOT / "templates" / name).read_text(encoding="utf-8")
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text, re.I)
        assert not inline, f"templates/{name} has inline <script>: {inline}"
        handlers = re.findall(r"\son[a-z]+\s*=", text, re.I)
        assert not handlers, f"templates/{name} has inline event handlers {handlers} (blocked by the CSP)"


# --- bad input ----------------------------------------------------------------------------------

def _message_names(resp, name: str) -> bool:
    """The error names the parameter (JSON detail loc, or the text of the HTML error page)."""
    if "json" in resp.headers.get("content-type", ""):
        body = resp.json()
        detail = body.get("detail") if isinstance(body, dict) else None
        if isinstance(detail, list):
            return any(name in [str(x) for x in e.get("loc", [])] or name in str(e.get("msg", "")) for e in detail)
        return name in str(detail) or "characters" in str(detail)
    return name in resp.text or "characters" in resp.text


def test_over_long_input_gets_a_clear_4xx(client, routes, samples, seed_settings):
    """Every string query parameter is bounded: an over-long value is a 4xx naming it, never 5xx."""
    checked = 0
    for route in routes:
        for p in route.params:
            if p.where != "query" or p.annotation in (int, bool) or p.name in PAGING:
                continue
            url = build_url(route, samples, query={p.name: TOO_LONG})
            resp = client.get(url) if "GET" in route.methods else client.post(url)
            assert 400 <= resp.status_code < 500, f"{route.path}?{p.name}=<20000 chars>: {resp.status_code}"
            assert _message_names(resp, p.name), f"{route.path}?{p.name}: unclear message {resp.text[:300]}"
            assert_headers(resp, route.path)
            checked += 1
            if p.name == "q":  # just over the configured query limit
                limit = seed_settings.max_query_chars
                resp = client.get(build_url(route, samples, query={"q": "b" * (limit + 1)}))
                assert 400 <= resp.status_code < 500, f"{route.path}?q=<{limit + 1} chars>: {resp.status_code}"
                assert _message_names(resp, "q") and str(limit) in resp.text, resp.text[:300]
                ok = client.get(build_url(route, samples, query={"q": "b" * limit}))
                assert ok.status_code < 400, f"{route.path}?q=<{limit} chars> refused: {ok.status_code}"
        if "POST" in route.methods:  # the body fields of the quote check
            for p in route.params:
                if p.where not in ("form", "json"):
                    continue
                resp = send(client, "POST", build_url(route, samples), route, TOO_LONG)
                assert 400 <= resp.status_code < 500, f"POST {route.path} {p.name}=<20000 chars>: {resp.status_code}"
                assert "characters" in resp.text or _message_names(resp, p.name), resp.text[:300]
                checked += 1
    assert checked > 0


def test_nul_bytes_get_a_4xx_not_a_server_error(client, routes, samples):
    """A NUL character in any parameter is refused or not found, on SQLite and PostgreSQL alike."""
    failures = []
    for route in routes:
        methods = sorted(route.methods & {"GET", "POST"})
        for method in methods:
            for p in route.params:
                if p.where == "path":
                    url = build_url(route, samples, path_values={p.name: "a\x00b"})
                elif p.where == "query":
                    url = build_url(route, samples, query={p.name: "a\x00b"})
                else:
                    url = build_url(route, samples)
                try:
                    resp = send(client, method, url, route, "a\x00b" if p.where in ("form", "json") else None)
                    status = resp.status_code
                except Exception as exc:  # the TestClient re-raises server errors
                    status = f"{type(exc).__name__}: {str(exc)[:80]}"
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{method} {url} ({p.name}): {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", ["-1", "1000000000", "99999999999999999999999", "abc", "1.5", ""])
def test_out_of_range_paging_gets_a_clear_4xx(client, routes, samples, value):
    checked = 0
    for route in routes:
        for p in route.params:
            if p.where != "query" or p.name not in PAGING:
                continue
            url = build_url(route, samples, query={p.name: value})
            resp = client.get(url)
            if value == "":  # an empty form field means "default"
                assert resp.status_code < 500, f"{url}: {resp.status_code}"
                continue
            assert 400 <= resp.status_code < 500, f"{url}: {resp.status_code}"
            assert _message_names(resp, p.name), f"{url}: unclear message {resp.text[:300]}"
            checked += 1
    if value != "":
        assert checked > 0


@pytest.mark.parametrize("name", ["limit"])
def test_zero_page_size_is_refused(client, routes, samples, name):
    for route in routes:
        if route.param(name) and route.param(name).where == "query":
            resp = client.get(build_url(route, samples, query={name: "0"}))
            assert 400 <= resp.status_code < 500, f"{route.path}?{name}=0: {resp.status_code}"
