"""Property-based API tests: schemathesis generates requests from the app's own OpenAPI schema.

Every operation in /api/openapi.json is called in-process (ASGI transport, no network) on the seeded
archive with valid and invalid inputs; the app must never answer 5xx, and every response whose status
the schema documents must match the documented body schema. Path parameters are drawn partly from
real slugs and ids, so the 200 branches run too, not only the 404s.
"""

from __future__ import annotations

import os
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.config import Settings
from app.web.app import create_app
from tests.helpers import COMMENTARY, OFFICIAL

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

MAX_EXAMPLES = 25

# The schema is read at import (so each operation is a test of its own) from an app over an empty
# folder: serving /api/openapi.json opens no database. Requests go to the seeded app (fixture below).
with tempfile.TemporaryDirectory() as _tmp:
    _spec = create_app(Settings(data_dir=_tmp)).openapi()
schema = schemathesis.openapi.from_dict(_spec)

# Real values to mix into generated path parameters; filled from the seeded archive at run time.
KNOWN: dict[str, list[str]] = {"slug": [OFFICIAL, COMMENTARY], "passage_id": []}


def _known(name: str):
    return st.deferred(lambda: st.sampled_from(KNOWN[name]) if KNOWN[name] else st.nothing())


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Half of the generated path parameters use real slugs and passage ids."""
    names = {p.name for p in context.operation.path_parameters} if context.operation else set()
    real = {name: _known(name) for name in names if name in KNOWN}
    if not real:
        return strategy
    return st.one_of(strategy, strategy.flatmap(lambda params: st.fixed_dictionaries(
        {k: real.get(k, st.just(v)) for k, v in params.items()})))




@pytest.fixture(scope="module")
def seeded_app(seed_settings, client, official, commentary):
    """The seeded archive's app (shared with the TestClient fixture) and its real identifiers."""
    themes = client.get("/api/themes").json()["themes"]
    KNOWN["slug"] = sorted({OFFICIAL, COMMENTARY, *(t["slug"] for t in themes)})
    KNOWN["passage_id"] = sorted(p["id"] for d in (official, commentary) for p in d["passages"])
    return client.app


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true",
          suppress_health_check=list(HealthCheck))
def test_api_operation(case, seeded_app):
    """No server error, and documented responses match their schema, for every operation."""
    case.call_and_validate(app=seeded_app, checks=[not_a_server_error, response_schema_conformance])


def test_schema_covers_the_api():
    """The fuzzed schema is the app's: every /api/ JSON route is in it (so none escapes the fuzzing)."""
    paths = set(_spec["paths"])
    assert {"/api/documents", "/api/documents/{slug}", "/api/passages/{passage_id}"} <= paths
    assert len(list(schema.get_all_operations())) >= len(paths)
