"""Engines and migrations: turning a store URL into a ready, up-to-date database.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and
SQLAlchemy (not the sqlite3 module) emits BEGIN so that transactions really
are transactions; write transactions use BEGIN IMMEDIATE, so two writers queue
on the busy timeout instead of failing with "database is locked" on a lock
upgrade. A PostgreSQL connection is checked before use when it has been idle
(`PING_AFTER_IDLE_S`), not at every checkout: a chat answer checks a connection
out several times within milliseconds, and each ping is one more round trip to a
server that, on a loaded machine, answers each one late.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from bot.errors import StoreError

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
# Execution option a connection carries when it is about to write (see module docstring).
WRITE_OPTION = "newsbrief_write"
# A pooled PostgreSQL connection unused for this long is pinged before it is handed out
# (a restarted server or a dropped link is then found before a query fails on it).
PING_AFTER_IDLE_S = 1.0


def parse_url(url: str) -> sa.URL:
    try:
        return sa.make_url(url)
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"not a database URL: {url!r}: {exc}") from exc


def is_memory_sqlite(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; raises StoreError for an unusable URL or missing driver."""
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        engine = sa.create_engine(parsed)
        sa.event.listen(engine, "checkout", functools.partial(_ping_if_idle, engine.dialect))
        sa.event.listen(engine, "checkin", _note_checkin)
        return engine
    except (SQLAlchemyError, ImportError, ValueError, TypeError, OSError) as exc:
        raise StoreError(f"cannot open store {parsed!r}: {exc}") from exc


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dialect: sa.Dialect, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """SQLAlchemy's ``pool_pre_ping``, for connections idle `PING_AFTER_IDLE_S` or more:
    a dead one raises DisconnectionError, and the pool retries with a fresh one."""
    checked_in = record.info.get("checked_in_at")
    if checked_in is not None and time.monotonic() - checked_in < PING_AFTER_IDLE_S:
        return
    try:
        alive = dialect.do_ping(dbapi_connection)
    except Exception as exc:  # any failure means the connection is unusable
        raise sa.exc.DisconnectionError(f"stale connection: {exc}") from exc
    if not alive:
        raise sa.exc.DisconnectionError("stale connection")


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    kwargs: dict[str, Any] = {}
    if is_memory_sqlite(url):
        # One shared connection, or every pooled connection would see its own empty DB.
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        _sqlite_file_usable(Path(url.database or "").expanduser())
    engine = sa.create_engine(url, **kwargs)
    sa.event.listen(engine, "connect", _sqlite_on_connect)
    sa.event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_file_usable(path: Path) -> None:
    """Refuse, naming the path, what SQLite would only call "unable to open database file".

    A missing directory is created (containers start with an empty volume), and
    said so: a typo in ``store.url`` then shows in the log instead of hiding.
    """
    if path.is_dir():
        raise StoreError(f"cannot open the SQLite store at {path}: it is a directory")
    parent = path.parent
    if not parent.exists():
        parent.mkdir(parents=True, exist_ok=True)
        log.warning("created the directory %s for the SQLite store (store.url)", parent)
    if not parent.is_dir():
        raise StoreError(f"cannot open the SQLite store at {path}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK) and not os.access(path, os.W_OK):
        raise StoreError(f"cannot open the SQLite store at {path}: {parent} is not writable")


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster
    finally:
        cursor.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the bundled migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolation would choke on "%" in encoded URLs.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def _script() -> ScriptDirectory:
    # Parsing the revision files once per process keeps opening a store cheap.
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None, "the bundled migrations have no head"
    return head


def revision_of(engine: sa.Engine) -> str | None:
    with translate_errors("reading the schema revision"), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the database behind ``engine`` to the newest revision; a no-op when it is."""
    if revision_of(engine) == head_revision():
        return
    with (
        translate_errors("migrating the store"),
        engine.connect().execution_options(**{WRITE_OPTION: True}) as conn,
    ):
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


@contextmanager
def translate_errors(doing: str) -> Iterator[None]:
    """Re-raise database and migration failures as StoreError, keeping the cause."""
    try:
        yield
    except (SQLAlchemyError, CommandError) as exc:
        raise StoreError(f"store failed while {doing}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
