"""Storing polls: a feed's new stories and the record of its fetch, one transaction for many feeds.

`PollStore` is mixed into `SqlStore`. A cold poll of many feeds used to spend half the
event loop's process CPU here, most of it in SQLAlchemy building and running a few
statements per feed; `store_polls` writes any number of feeds' polls with the same
five statements and one commit, and the ingest pipeline hands it every poll that
finished while the previous write was in flight.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bot.domain import Story
from bot.errors import NotFoundError, StoreError
from bot.ports import PollRecord
from bot.store.rows import chunks, storage_keys
from bot.store.schema import as_utc, feeds, story_keys

IN_CHUNK = 500

# Built once: building a statement costs more CPU than SQLite running it.
_RECORD_FETCH = (
    sa.update(feeds)
    .where(feeds.c.url == sa.bindparam("feed_url", type_=feeds.c.url.type))
    .values(
        last_success_at=sa.bindparam("at", type_=feeds.c.last_success_at.type),
        consecutive_failures=0,
        last_error=None,
        last_error_at=None,
        etag=sa.func.coalesce(sa.bindparam("etag", type_=feeds.c.etag.type), feeds.c.etag),
        last_modified=sa.func.coalesce(
            sa.bindparam("last_modified", type_=feeds.c.last_modified.type),
            feeds.c.last_modified,
        ),
        title=sa.func.coalesce(feeds.c.title, sa.bindparam("title", type_=feeds.c.title.type)),
    )
)
_FEED_IDS = sa.select(feeds.c.url, feeds.c.id).where(
    feeds.c.url.in_(sa.bindparam("urls", expanding=True))
)
_KNOWN_KEYS = sa.select(story_keys.c.key).where(
    story_keys.c.key.in_(sa.bindparam("keys", expanding=True))
)


class LostRace(Exception):
    """Another transaction stored one of the story's keys first; ours must roll back."""


class PollStore:
    """Mixin of `SqlStore`: ``store_poll`` and ``store_polls``."""

    if TYPE_CHECKING:

        def _write(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _insert_stories(
            self,
            conn: sa.Connection,
            batch: list[tuple[Story, list[str]]],
            at: datetime,
            known_feed_ids: dict[str, int] | None = None,
        ) -> list[int]: ...

    def store_poll(
        self,
        url: str,
        items: Sequence[tuple[Story, Iterable[str]]],
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> list[Story]:
        """One good poll of feed ``url``: `store_polls` of one."""
        [stored] = self.store_polls(
            [PollRecord(url, items, at=at, etag=etag, last_modified=last_modified, title=title)]
        )
        return stored

    def store_polls(self, polls: Sequence[PollRecord]) -> list[list[Story]]:
        """Good polls of feeds, in one transaction: each feed's new stories stored, then its
        fetch recorded (`record_fetch_success`); per poll, the stories this call stored.

        An item whose keys some story already has (another feed listed it first, or an
        earlier poll of ``polls``) is left out. The validators are written in the same
        commit as the stories, so a crash loses both (a refetch) or neither. A feed not
        stored is a `NotFoundError` and nothing is written. Should another process store
        one of the stories meanwhile, the transaction rolls back and runs again, which
        then skips it.
        """
        if not polls:
            return []
        batches = [
            [(story, list(storage_keys(keys or [f"url:{story.url}"]))) for story, keys in p.items]
            for p in polls
        ]
        fetches = [
            {
                "feed_url": p.url,
                "at": p.at,
                "etag": p.etag,
                "last_modified": p.last_modified,
                "title": p.title,
            }
            for p in sorted(polls, key=lambda p: p.url)  # one lock order for every writer
        ]
        doing = f"storing a poll of {polls[0].url}" + (
            f" and {len(polls) - 1} more" if len(polls) > 1 else ""
        )
        for attempt in range(3):
            try:
                with self._write(doing) as conn:
                    conn.execute(_RECORD_FETCH, fetches)
                    urls = sorted({p.url for p in polls})
                    feed_ids = {url: int(i) for url, i in conn.execute(_FEED_IDS, {"urls": urls})}
                    missing = [url for url in urls if url not in feed_ids]
                    if missing:
                        raise NotFoundError(f"no feed {missing[0]}")
                    return self._insert_polls(conn, polls, batches, feed_ids)
            except LostRace:
                if attempt == 2:
                    raise StoreError(f"{doing}: lost three races") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _insert_polls(
        self,
        conn: sa.Connection,
        polls: Sequence[PollRecord],
        batches: list[list[tuple[Story, list[str]]]],
        feed_ids: dict[str, int],
    ) -> list[list[Story]]:
        """Insert every story none of whose keys is stored (the first of twins), by poll."""
        all_keys = [k for batch in batches for _, keys in batch for k in keys]
        taken: set[str] = set()
        for chunk in chunks(all_keys, IN_CHUNK):
            taken.update(conn.scalars(_KNOWN_KEYS, {"keys": chunk}))
        fresh: dict[datetime, list[tuple[int, Story, list[str]]]] = {}
        for number, (poll, batch) in enumerate(zip(polls, batches, strict=True)):
            for story, keys in batch:
                if taken.isdisjoint(keys):
                    fresh.setdefault(poll.at, []).append((number, story, keys))
                    taken.update(keys)  # the same story twice counts once
        stored: list[list[Story]] = [[] for _ in polls]
        for at, items in fresh.items():  # one group in practice: the polls of one round
            ids = self._insert_stories(conn, [(s, k) for _, s, k in items], at, feed_ids)
            for story_id, (number, story, _) in zip(ids, items, strict=True):
                stored[number].append(_stored(story, story_id))
        return stored


def _stored(story: Story, story_id: int) -> Story:
    published = as_utc(story.published_at) if story.published_at is not None else None
    return dataclasses.replace(story, id=story_id, published_at=published)
