"""Shared store fixtures: `store_url` and `store`, on SQLite and PostgreSQL.

PostgreSQL comes from ``NEWSBRIEF_TEST_POSTGRES_URL`` (default: the local
``test`` database); when it is unreachable the postgres params skip. Several
test runs may share that database, so every test gets its own schema
(``nb_<hex>``), selected through the URL's ``search_path`` option so that
``make_store(url)`` and Alembic's version table land in it, and dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy.pool import NullPool

from bot.store import SqlStore, make_store

# Ingest parses in a thread in tests (and in the `newsbrief` processes they start): a
# pool of worker processes per test would cost more than the parsing it saves.
# tests/ingest/test_workers.py and test_poll_with_worker_processes run the real pool.
os.environ.setdefault("NEWSBRIEF_INGEST__WORKERS", "0")

# No per-example deadline: a property test's examples are judged by what they return, and
# on a loaded machine (CI beside other work) a slow example is not a failing one.
settings.register_profile("newsbrief", deadline=None)
settings.load_profile("newsbrief")

POSTGRES_URL_ENV = "NEWSBRIEF_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


def with_search_path(url: str, schema: str) -> str:
    """``url`` with every connection's search_path set to ``schema``."""
    parsed = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine | str]:
    """An engine on the test database, or the reason it cannot be reached."""
    url = postgres_base_url()
    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "skip", with the cause shown
        engine.dispose()
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield f"PostgreSQL not reachable at {url}: {first}; set {POSTGRES_URL_ENV}"
        return
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin: sa.Engine | str) -> Iterator[str]:
    """A URL into a fresh, private schema of the test database; dropped afterwards."""
    if isinstance(postgres_admin, str):
        pytest.skip(postgres_admin)
    schema = f"nb_{uuid.uuid4().hex}"
    with postgres_admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(postgres_base_url(), schema)
    finally:
        with postgres_admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _sqlite_file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store' / 'newsbrief.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database (a tmp SQLite file, or a private PostgreSQL schema)."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return _sqlite_file_url(tmp_path)


@pytest.fixture(params=["sqlite-memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """A migrated, empty `SqlStore`, closed after the test."""
    if request.param == "postgres":
        url = str(request.getfixturevalue("postgres_url"))
    elif request.param == "sqlite":
        url = _sqlite_file_url(tmp_path)
    else:
        url = "sqlite:///:memory:"
    opened = make_store(url)
    try:
        yield opened
    finally:
        opened.close()
