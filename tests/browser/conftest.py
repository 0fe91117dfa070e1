"""Browser fixtures: a live server over the seeded archive and Debian's Chromium driven by Playwright.

* `live_server`: uvicorn in a thread on a free 127.0.0.1 port, serving the session's seeded archive.
* `new_context(**options)`: a fresh browser context; every request it makes is recorded and, at the
  end of the test, all must have gone to 127.0.0.1 (requests elsewhere are also aborted at once).
* `page`: a page in a 1280x900 context. Every page still open at the end of a test is saved as a
  screenshot in test-artifacts/screenshots/ (`shoot(page, name)` saves one at any moment).
* `visit(page, path)`: go to a page of the live server, check the status and the 60 KB page budget.

Chromium is /usr/bin/chromium (Debian's package; scripts/test.sh installs it; CHROMIUM overrides).
Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest

from app.config import PROJECT_ROOT
from tests.helpers import COMMENTARY, OFFICIAL

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGE_BUDGET = 60_000  # bytes of HTML per page, for the seed
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
LOCAL_HOSTS = {"127.0.0.1"}
HARMLESS_SCHEMES = {"data", "blob", "about"}


def _missing(what: str) -> None:
    """Without the browser or axe, fail under CI (it must have them) and skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (scripts/test.sh installs it)", pytrace=False)
    pytest.skip(f"{what}; run scripts/test.sh to install it")


@contextmanager
def serve(settings):
    """Base URL of a real HTTP server (uvicorn, own thread) serving the archive of `settings`."""
    import uvicorn

    from app.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="live-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def live_server(seed_settings):
    """Base URL of a live server over the session's seeded archive."""
    with serve(seed_settings) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
    finally:
        pw.stop()


def _slug(nodeid: str) -> str:
    name = nodeid.split("::", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")[:120]


def shoot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class Requests:
    """Every request of the contexts of one test, with those that left the site."""

    def __init__(self):
        self.all: list[str] = []
        self.offsite: list[str] = []

    def record(self, url: str) -> bool:
        self.all.append(url)
        parsed = urlparse(url)
        if parsed.scheme in HARMLESS_SCHEMES:
            return True
        if parsed.hostname in LOCAL_HOSTS:
            return True
        self.offsite.append(url)
        return False


@pytest.fixture
def requests_made() -> Requests:
    return Requests()


@pytest.fixture
def new_context(browser, request, requests_made):
    """Factory for browser contexts whose requests are recorded (and kept on 127.0.0.1)."""
    contexts = []

    def factory(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "UTC")
        options.setdefault("service_workers", "block")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)

        context.on("request", lambda req: requests_made.record(req.url))
        # Requests elsewhere are recorded above (and fail the test); abort them rather than wait.
        context.route(lambda url: urlparse(url).hostname not in LOCAL_HOSTS
                      and urlparse(url).scheme not in HARMLESS_SCHEMES,
                      lambda r: r.abort("blockedbyclient"))
        contexts.append(context)
        return context

    yield factory
    test = _slug(request.node.nodeid)
    n = 0
    for context in contexts:
        for p in context.pages:
            if not p.is_closed() and p.url.startswith("http"):
                try:
                    shoot(p, test if n == 0 else f"{test}-{n}")
                    n += 1
                except Exception:  # a screenshot must never hide the test's own result
                    pass
        context.close()
    assert not requests_made.offsite, f"requests left the site: {requests_made.offsite}"


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def visit(live_server):
    """visit(page, path, status=200): navigate, check the status and the HTML size budget."""

    def go(page, path: str, status: int = 200):
        response = page.goto(live_server + path, wait_until="load")
        assert response is not None, path
        assert response.status == status, f"{path}: HTTP {response.status}"
        if "html" in (response.headers.get("content-type") or ""):
            size = len(response.body())
            assert size < PAGE_BUDGET, f"{path}: {size} bytes of HTML, over the {PAGE_BUDGET} budget"
        return response

    return go


@pytest.fixture
def axe_path() -> Path:
    if not AXE.exists():
        _missing(f"axe-core not found at {AXE.relative_to(PROJECT_ROOT)} (npm ci)")
    return AXE


# --- the seeded pages -----------------------------------------------------------------------------

PAGE_NAMES = ["home", "reader", "commentary-reader", "passage", "directive", "themes", "theme", "directives",
              "compare", "search", "search-filtered", "verify", "verify-results", "not-found"]


@pytest.fixture(scope="session")
def seed(client, official, commentary) -> dict:
    """Ids and paths from the seeded archive that the tests navigate to."""
    sentences = [p for p in official["passages"] if p["unit"] == "sentence"]
    directive = next(p for p in official["passages"] if p["is_directive"])
    themes = client.get("/api/themes").json()["themes"]
    theme = max(themes, key=lambda t: (t.get("official", 0), t.get("commentary", 0)))
    links = client.get("/api/crossrefs", params={"doc": COMMENTARY}).json()
    return {"sentence": sentences[len(sentences) // 2], "last": sentences[-1], "directive": directive,
            "theme": theme, "links": links, "official": official, "commentary": commentary}


@pytest.fixture(scope="session")
def pages(seed) -> dict[str, str]:
    """Every page type, name -> path. All are expected to be served: a page answering 404 (or
    anything but its status_of) fails the test that visits it, never skips it."""
    return {
        "home": "/",
        "reader": f"/documents/{OFFICIAL}",
        "commentary-reader": f"/documents/{COMMENTARY}",
        "passage": f"/s/{seed['sentence']['id']}",
        "directive": f"/d/{seed['directive']['id']}",
        "themes": "/themes",
        "theme": f"/themes/{seed['theme']['slug']}?kind=official",
        "directives": "/directives",
        "compare": f"/compare/{COMMENTARY}",
        "search": "/search?q=artificial+intelligence",
        "search-filtered": "/search?q=artificial+intelligence&kind=official",  # the filters panel is open
        "verify": "/verify",
        "verify-results": "/verify?" + urlencode({"text": seed["sentence"]["text"] + " " + seed["last"]["text"]}),
        "not-found": "/documents/no-such-document",
    }


def status_of(name: str) -> int:
    return 404 if name == "not-found" else 200
