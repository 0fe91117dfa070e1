"""HTTP details every response gets right, whichever route answers it.

`HEAD` is answered wherever `GET` is (FastAPI routes declare GET only), a 405 says which methods
the address takes, a redirect never names a host (Starlette's trailing-slash redirect builds an
absolute URL from the request's Host header, which an attacker chooses), and a request with more
headers than any browser sends is refused before a route reads them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.routing import Match, Mount, Route

MAX_HEADERS = 100  # browsers send about twenty; proxies add a few


def relative(location: str) -> str:
    """`location` without scheme and host, and never protocol-relative (`//host`, `/\\host`)."""
    parts = urlsplit(location)
    path = "/" + parts.path.lstrip("/\\")
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def allowed_methods(routes, scope) -> list[str]:
    """Every method some route at this path takes, HEAD wherever GET is."""
    methods: set[str] = set()
    for route in routes:
        if route.matches(scope)[0] is Match.NONE:
            continue
        if isinstance(route, Route) and route.methods:
            methods |= route.methods
        elif isinstance(route, Mount):  # the static files, which take GET and HEAD
            methods.add("GET")
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _fix_headers(routes, scope, status: int, headers) -> list[tuple[bytes, bytes]]:
    headers = list(headers)
    if status == 405:
        allow = ", ".join(allowed_methods(routes, scope)).encode()
        headers = [(k, v) for k, v in headers if k.lower() != b"allow"] + [(b"allow", allow)]
    if 300 <= status < 400:
        headers = [(k, relative(v.decode("latin-1")).encode("latin-1") if k.lower() == b"location" else v)
                   for k, v in headers]
    return headers


async def _too_many_headers(send, count: int) -> None:
    body = f'{{"detail":"The request has {count} headers; the limit is {MAX_HEADERS}."}}'.encode()
    await send({"type": "http.response.start", "status": 431, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class Hygiene:
    """Pure ASGI middleware applying the rules above (inside SecurityHeaders, so its answers get them).

    `routes` are the app's routes as declared (FastAPI keeps included routers nested), for Allow.
    """

    def __init__(self, app, routes):
        self.app = app
        self.routes = routes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope["headers"]) > MAX_HEADERS:
            return await _too_many_headers(send, len(scope["headers"]))
        head = scope["method"] == "HEAD"
        # A copy: routing rewrites the scope it is given (a mount moves its prefix to root_path).
        scope = {**scope, "method": "GET"} if head else scope
        request = dict(scope)

        async def send_fixed(message):
            if message["type"] == "http.response.start":
                headers = _fix_headers(self.routes, request, message["status"], message.get("headers", []))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                # The GET's headers (Content-Length included), none of its body.
                if message.get("more_body"):
                    return
                message = {**message, "body": b""}
            await send(message)

        return await self.app(scope, receive, send_fixed)
