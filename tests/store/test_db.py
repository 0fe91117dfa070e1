"""Schema upgrades: Alembic runs only when the database is not at the migrations' head.

With TEST_DATABASE_URL set these run on a throwaway PostgreSQL database (see conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic import command
from sqlalchemy import inspect, text

from app.config import PROJECT_ROOT
from app.store.db import alembic_config, head_revisions, make_engine, upgrade

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg


def _versions(engine) -> set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def _indexes(engine, table: str) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes(table)}


def test_head_revisions_read_from_the_scripts_are_alembics_heads(make_settings):
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config(make_settings())).get_heads()
    assert head_revisions() == set(heads)


def test_head_revisions_of_a_merge_and_of_scripts_that_are_not_plain(tmp_path):
    (tmp_path / "__init__.py").write_text("revision = 'not-a-migration'\n")
    (tmp_path / "a.py").write_text("revision = 'a'\ndown_revision = None\n")
    (tmp_path / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")
    assert head_revisions(tmp_path) == {"b", "c"}
    (tmp_path / "m.py").write_text("revision = 'm'\ndown_revision = ('b', 'c')\n")
    assert head_revisions(tmp_path) == {"m"}
    # Anything only running the script could tell is left to Alembic.
    (tmp_path / "n.py").write_text("revision = make_id()\ndown_revision = 'm'\n")
    assert head_revisions(tmp_path) is None
    (tmp_path / "n.py").write_text("revision = 'n'\n")
    assert head_revisions(tmp_path) is None
    assert head_revisions(tmp_path / "empty") is None


def test_upgrade_creates_the_schema_in_an_empty_database(make_settings):
    settings = make_settings()
    engine = make_engine(settings)
    try:
        assert not inspect(engine).has_table("alembic_version")
        upgrade(settings, engine)
        assert _versions(engine) == head_revisions()
        assert inspect(engine).has_table("documents") and inspect(engine).has_table("passages")
    finally:
        engine.dispose()


def test_upgrade_at_head_does_not_run_alembic(make_settings, monkeypatch):
    settings = make_settings()
    upgrade(settings)
    monkeypatch.setitem(sys.modules, "alembic", None)  # importing it now raises ImportError
    engine = make_engine(settings)
    try:
        upgrade(settings, engine)
        upgrade(settings)  # without an engine, one is made and disposed of
    finally:
        engine.dispose()


def test_a_database_behind_the_head_is_upgraded(make_settings):
    settings = make_settings()
    engine = make_engine(settings)
    try:
        upgrade(settings, engine)
        command.downgrade(alembic_config(settings), "0001")  # as if every later migration were new
        assert "ix_passages_id_active_kind_document" not in _indexes(engine, "passages")
        upgrade(settings, engine)
        assert _versions(engine) == head_revisions() == {"0006"}
        assert {"novelty_documents", "novelty_first"} <= set(inspect(engine).get_table_names())
        assert "ix_passages_id_active_kind_document" in _indexes(engine, "passages")
        assert "page" in {c["name"] for c in inspect(engine).get_columns("passages")}
    finally:
        engine.dispose()


@pytest.mark.slow
def test_an_ingest_process_at_head_never_imports_alembic(make_settings):
    settings = make_settings()
    upgrade(settings)
    code = (
        "import sys\n"
        "from app.config import Settings\n"
        "from app.store.db import upgrade\n"
        "upgrade(Settings())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    env = dict(os.environ, POLICY_ARCHIVE_DATA=str(settings.data_dir))
    env.pop("DATABASE_URL", None)
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
