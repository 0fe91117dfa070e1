"""Engine and session factory; migrations are applied with Alembic, never create_all."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.resources import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = MIGRATIONS_DIR
# `revision = "0002"` and `down_revision = "0001"` lines of a migration script, with or without
# the type annotations newer Alembic templates write (`down_revision: str | None = ...`).
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


class NoArchive(Exception):
    """There is no archive to read: no database file yet, or no ingest has committed to it."""


def archive_missing(exc: BaseException) -> bool:
    """True when `exc` says the archive's tables do not exist (a database no ingest has set up)."""
    if isinstance(exc, NoArchive):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    # PostgreSQL's undefined_table; SQLite has no codes for it, only the message.
    return getattr(orig, "sqlstate", None) == "42P01" or str(orig).startswith("no such table")


def driver_query(conn, sql: str, values: list | tuple) -> list:
    """`sql` with each {marks} replaced by one placeholder per value, run through the driver.

    For the hot reads of a request: an ORM query with an expanding IN (...) costs more to build
    than the database takes to answer it."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return conn.exec_driver_sql(sql.format(marks=", ".join([mark] * len(values))),
                                tuple(values) * sql.count("{marks}")).all()


DRIVER_CHUNK = 500  # parameters per statement: SQLite builds before 3.32 take at most 999


def driver_rows(conn, sql: str, values) -> list:
    """driver_query over any number of distinct `values`, in chunks that keep every statement
    within DRIVER_CHUNK parameters (each {marks} takes the whole chunk); the rows of all chunks."""
    values, step = sorted(set(values)), DRIVER_CHUNK // sql.count("{marks}")
    return [r for i in range(0, len(values), step) for r in driver_query(conn, sql, values[i:i + step])]


def make_engine(settings: Settings, *, create: bool = True) -> Engine:
    """An engine for the settings' database; SQLite gets WAL and real transactions.

    With `create` False (serving), a SQLite database that does not exist is not created: every
    connection raises NoArchive until an ingest has made the file.
    """
    url = settings.url
    if url.startswith("sqlite"):
        if create:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        database = make_url(url).database
        if not create and database and database != ":memory:":
            @event.listens_for(engine, "do_connect")
            def _existing_only(_dialect, _record, _cargs, _cparams):
                # sqlite3.connect would create an empty file, which then looks like an archive.
                if not Path(database).is_file():
                    raise NoArchive(f"no archive database at {database}")

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
    """Alembic configuration pointing at the project's migrations and the settings' URL.

    Set in code rather than read from alembic.ini, which an installed wheel does not have; the
    URL comes from the settings (migrations/env.py), and `app` is already importable there.
    """
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["settings"] = settings
    return cfg


def upgrade(settings: Settings, engine: Engine | None = None) -> None:
    """Bring the database schema to the newest migration.

    Importing Alembic (and Mako) takes longer than adding one document to the archive, so it is
    imported only when the database's recorded revisions are not the migrations' heads.
    """
    if settings.url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if _at_head(settings, engine):
        return
    from alembic import command

    command.upgrade(alembic_config(settings), "head")


def _at_head(settings: Settings, engine: Engine | None) -> bool:
    """True when the database records exactly the migrations' head revision(s)."""
    heads = head_revisions()
    if heads is None:
        return False
    own = engine is None
    engine = engine or make_engine(settings)
    try:
        return _current_revisions(engine) == heads
    finally:
        if own:
            engine.dispose()


def _current_revisions(engine: Engine) -> set[str] | None:
    """The revisions in Alembic's version table; None when there is no such table yet."""
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:  # a new database: no table (PostgreSQL rolls back on close)
        return None


def head_revisions(versions: Path = MIGRATIONS / "versions") -> set[str] | None:
    """The head revision ids, read from the migration scripts' text rather than through Alembic.

    None when a script does not state its revisions as plain literals: Alembic then decides.
    Like Alembic's default layout, every .py file in the folder but __init__.py is a migration.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        if path.name == "__init__.py" or path.name.startswith(".#"):
            continue
        found = _revision_lines(path)
        if found is None:
            return None
        revision, down = found
        revisions.add(revision)
        parents.update(down)
    return (revisions - parents) or None


def _revision_lines(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """(revision, its parents) from one script's assignments; None when they are not literals."""
    values: dict[str, object] = {}
    for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
        if name in values:
            return None  # assigned twice: only running the script can tell
        try:
            values[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return None
    revision, down = values.get("revision"), values.get("down_revision", ...)
    if not isinstance(revision, str) or down is ...:
        return None
    parents = () if down is None else (down,) if isinstance(down, str) else down
    if not isinstance(parents, (tuple, list)) or not all(isinstance(p, str) for p in parents):
        return None
    return revision, tuple(parents)
