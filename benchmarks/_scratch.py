"""A throwaway store URL for the benchmarks: a temp SQLite file, or a fresh schema in
the local PostgreSQL test database that is dropped afterwards."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class PostgresDown(Exception):
    """The local PostgreSQL did not take a connection."""


@contextmanager
def scratch_store_url(*, postgres: bool, given: str | None = None) -> Iterator[str]:
    """``given`` as is; else a schema of its own in the local PostgreSQL (``postgres``),
    dropped on the way out; else an SQLite file in a temp dir. Raises `PostgresDown`."""
    with tempfile.TemporaryDirectory() as tmp:
        if given or not postgres:
            yield given or f"sqlite:///{tmp}/bench.db"
            return
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(POSTGRES_URL)
        try:
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        except sa.exc.OperationalError as exc:
            admin.dispose()
            raise PostgresDown(f"PostgreSQL at {POSTGRES_URL} is down ({exc.orig})") from exc
        try:
            yield (
                sa.make_url(POSTGRES_URL)
                .update_query_dict({"options": f"-csearch_path={schema}"})
                .render_as_string(hide_password=False)
            )
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
