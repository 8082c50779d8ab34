"""`newsbrief db upgrade` and `newsbrief db current`: the store's schema, by hand.

`newsbrief run` migrates on start, which suits one process; operators who run
several replicas (or want a failed migration to stop a rollout before any
replica starts) run ``db upgrade`` first, from one place. The Slack OAuth
tables (installations, bots, states) are among the migrations (0009).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import find_config_path, load_settings


def register(sub: Any) -> None:
    """Add ``db upgrade`` and ``db current`` to the CLI's subcommands."""
    db = sub.add_parser("db", help="the store's schema: upgrade it, or show its revision")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="migrate the store to this version's schema")
    upgrade.set_defaults(func=cmd_db_upgrade)
    current = actions.add_parser(
        "current", help="print the store's schema revision and this version's (exit 1 if behind)"
    )
    current.set_defaults(func=cmd_db_current)


def _store_url(args: argparse.Namespace) -> str:
    return load_settings(find_config_path(getattr(args, "config", None))).store.url


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.store import current_revision, migrate

    url = _store_url(args)
    before = current_revision(url)
    after = migrate(url)
    if before == after:
        print(f"already at {after}")
    else:
        print(f"upgraded {before or 'an empty store'} -> {after}")
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    from bot.store import current_revision, head_revision

    revision = current_revision(_store_url(args))
    head = head_revision()
    print(f"store: {revision or 'empty (never migrated)'}")
    print(f"this version: {head}")
    return 0 if revision == head else 1
