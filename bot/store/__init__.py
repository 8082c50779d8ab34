"""The store: feeds, stories, quotes, channels and the delivery log, in SQL.

``make_store(url)`` opens SQLite (``sqlite:///path.db``, ``sqlite:///:memory:``)
or PostgreSQL (``postgresql+psycopg://...``) and migrates it to the newest
schema before handing back a `SqlStore`. The migrations ship inside this
package, so an installed wheel migrates itself; no ``alembic.ini`` is needed.
"""

from __future__ import annotations

from bot.errors import StoreError
from bot.store.engine import alembic_config, head_revision, make_engine, revision_of, upgrade
from bot.store.sql import SqlStore


def make_store(url: str) -> SqlStore:
    """Open the store at ``url``, creating and migrating it as needed.

    Raises StoreError when the URL is unusable, the database unreachable, or
    the database carries a revision this code does not know (it is newer).
    """
    engine = make_engine(url)
    try:
        upgrade(engine)
        return SqlStore(engine)
    except BaseException:
        engine.dispose()
        raise


def migrate(url: str) -> str:
    """Migrate the database at ``url`` to the newest revision; return that revision."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        return head_revision()
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The database's schema revision, or None when it was never migrated."""
    engine = make_engine(url)
    try:
        return revision_of(engine)
    finally:
        engine.dispose()


__all__ = [
    "SqlStore",
    "StoreError",
    "alembic_config",
    "current_revision",
    "head_revision",
    "make_store",
    "migrate",
]
