"""Shared fixtures: a fresh archive per test where it matters, one seeded archive per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest.pipeline import run
from app.web.app import create_app
from tests.helpers import OFFICIAL, COMMENTARY, SEEDS, fresh_database_url

@pytest.fixture
def make_settings(tmp_path_factory):
    """Factory: Settings for a brand-new, empty archive."""

    def factory(**overrides) -> Settings:
        data = tmp_path_factory.mktemp("data")
        return Settings(data_dir=data, database_url=fresh_database_url(), **overrides)

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
    settings = Settings(data_dir=tmp_path_factory.mktemp("seed-data"), database_url=fresh_database_url())
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


@pytest.fixture(scope="session", autouse=True)
def whoosh_shortcuts_unused_when_off():
    """With POLICY_ARCHIVE_WHOOSH_FAST=0 the public API must have answered everything."""
    from app.index import whoosh_fast

    whoosh_fast.reset()
    yield
    if not whoosh_fast.enabled():
        assert not whoosh_fast.CALLS, f"Whoosh shortcuts ran while switched off: {dict(whoosh_fast.CALLS)}"
