"""What many tests share: the seed's paths and slugs, throwaway databases, small lookups.

Tests import these from here, never from conftest (conftest holds fixtures only).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from app.config import PROJECT_ROOT

ROOT = PROJECT_ROOT
TEST_DATA = Path(__file__).resolve().parent / "data"
SEEDS = PROJECT_ROOT / "seeds"
SEED_FILE = SEEDS / "000_eb440050df25cd3d.txt"
OFFICIAL = "xinhua-politburo-ai-study-session-2025-04-25"
COMMENTARY = "politburo-ai-study-session-2025-commentary"
# Set to a PostgreSQL server URL (e.g. postgresql+psycopg://postgres@/postgres?host=/tmp) to run the
# tests marked `pg` against PostgreSQL; every archive then gets a throwaway database of its own.
PG_ENV = "TEST_DATABASE_URL"


def fresh_database_url() -> str | None:
    """None for SQLite (the data folder's file), else a new empty PostgreSQL database."""
    base = os.environ.get(PG_ENV)
    if not base:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "pa_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def passage_containing(doc: dict, fragment: str) -> dict:
    """The one passage of `doc` whose text contains `fragment`."""
    found = [p for p in doc["passages"] if fragment in p["text"]]
    assert len(found) == 1, f"{len(found)} passages contain {fragment!r}"
    return found[0]
