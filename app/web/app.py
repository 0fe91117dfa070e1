"""The web application factory."""

from __future__ import annotations

from contextlib import asynccontextmanager
import threading

import anyio.to_thread

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

from app.config import Settings
from app.store.db import make_engine, session_factory
from app.text.lexicon import lexicon
from app.index.build import Searchers
from app.web.routes import compare as crossrefs
from app.web.routes import directives
from app.web.routes import docs
from app.web.routes import documents
from app.web.routes import export
from app.web.routes import health
from app.web.routes import novelty
from app.web.routes import passages
from app.web.routes import phrases
from app.web.routes import quotes as search
from app.web.routes import themes
from app.web.routes import translations
from app.web.pagecache import CachePages, PageCache, VersionProbe
from app.web import outage
from app.web import apidoc
from app.web.hygiene import Hygiene
from app.web.deps import RejectNul, SecurityHeaders, install_error_handlers, make_templates

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
ROUTERS = (health, docs, documents, novelty, passages, search, crossrefs, themes, directives, export, phrases,
           translations)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings`; nothing is opened until the first request."""
    settings = settings or Settings()
    engine = make_engine(settings, create=False)  # serving never creates an archive
    probe = VersionProbe(engine, settings.version_check_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Sync handlers run on anyio's worker threads (40 by default). Their work is CPU-bound
        # Python, so forty searches at once take turns on the GIL: each takes forty times longer
        # and the event loop waits for the GIL too. One thread keeps the rest queued in order,
        # which serves more requests with shorter waits (BENCHMARKS.md). Cached pages never wait for it.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        # WordNet's table is read beside the first requests, not inside the first close quote's
        threading.Thread(target=lexicon, name="lexicon", daemon=True).start()
        yield
        app.state.searchers.close()
        probe.close()
        engine.dispose()

    app = FastAPI(
        title="Policy Archive",
        description="A searchable archive of AI policy statements and the commentary about them.",
        version="0.1.0",
        docs_url=None,  # FastAPI's page needs inline script and a CDN; /docs is app/web/routes/docs.py
        swagger_ui_oauth2_redirect_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessions = session_factory(engine)
    app.state.searchers = Searchers(settings.index_root)
    app.state.templates = make_templates(settings)
    # Absolute links name the configured public address; `serve` sets one (see cmd_serve), and an
    # app built without it (tests, other servers) names serve's default address.
    app.state.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
    app.state.templates.env.globals["base_url"] = app.state.base_url
    app.state.page_cache = PageCache(settings.page_cache_mb * 1024 * 1024)
    # Innermost of the three, so cached pages still get the NUL check and the security headers.
    app.add_middleware(CachePages, cache=app.state.page_cache, probe=probe)
    outage.install(app, probe)  # no archive yet, or the database down: 503s
    app.add_middleware(RejectNul)
    declared = [r for module in ROUTERS for r in module.router.routes]  # for Allow (Hygiene)
    app.add_middleware(Hygiene, routes=declared)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(settings.static_dir)), name="static")
    app.mount(docs.ASSETS_URL, docs.assets(), name="docs-assets")
    declared += [r for r in app.routes if isinstance(r, Mount)]
    for module in ROUTERS:
        app.include_router(module.router)
    apidoc.install(app)
    return app
