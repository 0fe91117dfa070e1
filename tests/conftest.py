"""Shared fixtures: a fresh archive per test where it matters, one seeded archive per session."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT, Settings
from app.ingest.pipeline import run
from app.web.app import create_app

SEEDS = PROJECT_ROOT / "seeds"
SEED_FILE = SEEDS / "000_eb440050df25cd3d.txt"
OFFICIAL = "xinhua-politburo-ai-study-session-2025-04-25"
COMMENTARY = "politburo-ai-study-session-2025-commentary"
# Set to a PostgreSQL server URL (e.g. postgresql+psycopg://postgres@/postgres?host=/tmp) to run the
# store and API tests against PostgreSQL; every archive then gets a throwaway database of its own.
PG_ENV = "TEST_DATABASE_URL"


def _fresh_database_url() -> str | None:
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


@pytest.fixture
def make_settings(tmp_path_factory):
    """Factory: Settings for a brand-new, empty archive."""

    def factory(**overrides) -> Settings:
        data = tmp_path_factory.mktemp("data")
        return Settings(data_dir=data, database_url=_fresh_database_url(), **overrides)

    return factory


@pytest.fixture
def ingest(make_settings):
    """Factory: ingest `paths` into a new archive (or the given settings); returns the settings."""

    def factory(*paths: Path, settings: Settings | None = None, **kwargs) -> Settings:
        settings = settings or make_settings()
        run(settings, list(paths) or [SEEDS], **kwargs)
        return settings

    return factory


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory) -> Settings:
    """One archive holding the seeds, shared by read-only tests."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("seed-data"), database_url=_fresh_database_url())
    run(settings, [SEEDS])
    return settings


@pytest.fixture(scope="session")
def client(seed_settings) -> TestClient:
    """An HTTP client for the seeded archive (no redirects followed, so 301s are visible)."""
    with TestClient(create_app(seed_settings), follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="session")
def official(client) -> dict:
    """The official seed document as the API returns it."""
    return client.get(f"/api/documents/{OFFICIAL}").json()


@pytest.fixture(scope="session")
def commentary(client) -> dict:
    """The seed commentary as the API returns it."""
    return client.get(f"/api/documents/{COMMENTARY}").json()


def passage_containing(doc: dict, fragment: str) -> dict:
    """The one passage of `doc` whose text contains `fragment`."""
    found = [p for p in doc["passages"] if fragment in p["text"]]
    assert len(found) == 1, f"{len(found)} passages contain {fragment!r}"
    return found[0]
