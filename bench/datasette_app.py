"""The Datasette baseline as an ASGI factory, so uvicorn serves it like the archive.

`datasette serve` runs one process; building the app here lets the harness give Datasette the
same uvicorn workers as the archive.  The database (sentences + FTS5) is named by
BENCH_DATASETTE_DB and opened immutable (`datasette -i`), Datasette's mode for read-only data.
"""

import os

from datasette.app import Datasette


def create_app():
    path = os.environ["BENCH_DATASETTE_DB"]
    return Datasette(immutables=[path]).app()
