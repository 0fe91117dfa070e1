"""Engine and session factory; migrations are applied with Alembic, never create_all."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.config import PROJECT_ROOT, Settings


def make_engine(settings: Settings) -> Engine:
    """An engine for the settings' database; SQLite gets WAL and real transactions."""
    url = settings.url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # pysqlite only BEGINs before writes; taking over BEGIN makes every read
            # transaction one snapshot, so a request never mixes two archive versions.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN")

        return engine
    # REPEATABLE READ: one snapshot per transaction, as SQLite gives above. Under PostgreSQL's
    # default READ COMMITTED each statement sees the latest commit, so a request could read the
    # archive version before an ingest's switch and its passages after it.
    return create_engine(url, pool_pre_ping=True, isolation_level="REPEATABLE READ")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(settings: Settings) -> Config:
    """Alembic configuration pointing at the project's migrations and the settings' URL."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(Path(PROJECT_ROOT / "migrations")))
    cfg.attributes["settings"] = settings
    return cfg


def upgrade(settings: Settings) -> None:
    """Bring the database schema to the newest migration."""
    if settings.url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), "head")
