"""Alembic environment: runs migrations on the connection ``bot.store.migrate`` hands over.

Run from the command line (``alembic -c ...``) it builds its own engine from
``sqlalchemy.url`` instead. There is no logging setup here on purpose: the
application owns logging configuration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from bot.store.schema import include_object, metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The full-text objects of 0003 are the database's own business.
        include_object=include_object,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes opening the same database at once must not both migrate;
            # the lock is per schema so isolated test schemas do not wait on each other.
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtext('newsbrief:' || current_schema()))")
            )
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("newsbrief migrations need a database connection (no --sql mode)")
main()
