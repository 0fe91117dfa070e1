"""The ceiling baseline: a bare FastAPI app answering one fixed string.

Served by bench/serve.py exactly as `policy-archive serve` serves the archive (uvicorn, factory,
same workers and options), so the gap between the two is what the archive's own work costs.
"""

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/", response_class=PlainTextResponse)
    def fixed() -> str:  # a sync endpoint, like the archive's pages (both go through the threadpool)
        return "ok"

    return app
