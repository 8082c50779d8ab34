"""The store's scheduling half: poll leases, channel schedules, briefed stories, claims.

`SchedulingStore` is mixed into `SqlStore`; it holds what the scheduler and
delivery (``bot.scheduler``, ``bot.delivery``) need to split work between
processes and to survive a crash:

- due feeds are claimed with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
  BEGIN IMMEDIATE on SQLite), so two processes never poll the same feed at once
  and a dead process's feeds come back when its lease expires;
- a delivery is claimed under its idempotency key before posting, carries the
  ids of the stories it posts, and is completed (posted, stories marked briefed,
  channel schedule advanced) in one transaction.

Every method is one transaction and takes ``now`` from the caller: the
scheduler's clock, so tests control time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bot.domain import Feed
from bot.errors import NotFoundError
from bot.ports import ChannelState, ChannelStory, DeliveryClaim, PausedFeed
from bot.store.rows import STORY_COLUMNS, chunks, feed_from_row, story_from_row
from bot.store.schema import (
    briefed_stories,
    channels,
    deliveries,
    feeds,
    stories,
    subscriptions,
)

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


# Statuses that end a delivery: "posted", or "empty" (a slot with nothing to say).
_OPEN = "claimed"


class SchedulingStore:
    """Mixin of `SqlStore`: the scheduling and delivery-claim methods."""

    if TYPE_CHECKING:
        _dialect: str

        def _read(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _write(self, doing: str) -> AbstractContextManager[sa.Connection]: ...
        def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert: ...
        def _ensure_channel(self, conn: sa.Connection, channel: str) -> None: ...
        def subscribe(
            self,
            channel: str,
            feed_url: str,
            *,
            include: Sequence[str] | None = None,
            exclude: Sequence[str] | None = None,
        ) -> None: ...

    # feeds

    def claim_due_feeds(
        self, *, owner: str, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[Feed]:
        """Take up to ``limit`` feeds due for a poll; nobody else gets them until the lease ends.

        Due: not paused, ``next_poll_at`` passed (or never set), no live lease.
        """
        due = (
            sa.select(feeds.c.id)
            .where(~feeds.c.paused)
            .where(sa.or_(feeds.c.next_poll_at.is_(None), feeds.c.next_poll_at <= now))
            .where(sa.or_(feeds.c.poll_lease_until.is_(None), feeds.c.poll_lease_until < now))
            .order_by(feeds.c.next_poll_at.nulls_first(), feeds.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self._write("claiming due feeds") as conn:
            ids = list(conn.scalars(due))
            if not ids:
                return []
            conn.execute(
                sa.update(feeds)
                .where(feeds.c.id.in_(ids))
                .values(poll_claimed_by=owner, poll_lease_until=now + lease)
            )
            rows = conn.execute(sa.select(feeds).where(feeds.c.id.in_(ids)).order_by(feeds.c.id))
            return [feed_from_row(r) for r in rows]

    def finish_poll(
        self, url: str, *, owner: str, next_poll_at: datetime, pause_at: datetime | None = None
    ) -> None:
        """End ``owner``'s poll of ``url``: set the next poll, drop the lease, maybe pause."""
        values: dict[str, Any] = {
            "next_poll_at": next_poll_at,
            "poll_claimed_by": None,
            "poll_lease_until": None,
        }
        if pause_at is not None:
            values.update(paused=True, paused_at=pause_at)
        with self._write(f"finishing the poll of {url}") as conn:
            conn.execute(
                sa.update(feeds)
                .where(feeds.c.url == url)
                .where(sa.or_(feeds.c.poll_claimed_by == owner, feeds.c.poll_claimed_by.is_(None)))
                .values(values)
            )

    def resume_feed(self, url: str) -> None:
        """Unpause a feed and poll it at once; its failure count starts over."""
        with self._write(f"resuming feed {url}") as conn:
            conn.execute(
                sa.update(feeds)
                .where(feeds.c.url == url)
                .values(paused=False, paused_at=None, consecutive_failures=0, next_poll_at=None)
            )

    def next_polls(self) -> dict[str, datetime | None]:
        """Each feed's next poll time, for `newsbrief feeds`."""
        with self._read("reading poll times") as conn:
            rows = conn.execute(sa.select(feeds.c.url, feeds.c.next_poll_at))
            return {r.url: r.next_poll_at for r in rows}

    def paused_feeds(self) -> list[PausedFeed]:
        """Paused-by-failure feeds with their subscribed channels."""
        query = (
            sa.select(feeds, subscriptions.c.channel_id)
            .outerjoin(subscriptions, subscriptions.c.feed_id == feeds.c.id)
            .where(feeds.c.paused, feeds.c.paused_at.is_not(None))
            .order_by(feeds.c.id, subscriptions.c.channel_id)
        )
        found: dict[int, PausedFeed] = {}
        with self._read("listing paused feeds") as conn:
            for row in conn.execute(query):
                entry = found.get(row.id) or PausedFeed(feed_from_row(row), row.paused_at, ())
                if row.channel_id is not None:
                    entry = PausedFeed(
                        entry.feed, entry.paused_at, (*entry.channels, row.channel_id)
                    )
                found[row.id] = entry
        return list(found.values())

    # channels

    def configure_channel(
        self,
        channel: str,
        *,
        schedule: str | None,
        timezone: str,
        breaking: bool,
        backfill_hours: float,
        first_slot: datetime | None,
        now: datetime,
    ) -> None:
        """Create or update a channel's schedule.

        ``first_slot`` becomes the next briefing only for a new channel or a
        changed schedule/time zone; otherwise the stored slot stands, so a
        restart never moves (skips or repeats) a pending briefing.
        """
        platform = channel.partition(":")[0] or "unknown"
        with self._write(f"configuring channel {channel}") as conn:
            row = conn.execute(sa.select(channels).where(channels.c.id == channel)).first()
            if row is None:
                conn.execute(
                    self._insert(channels)
                    .values(id=channel, platform=platform, created_at=now)
                    .on_conflict_do_nothing()
                )
                row = conn.execute(sa.select(channels).where(channels.c.id == channel)).one()
            values: dict[str, Any] = {
                "schedule": schedule,
                "timezone": timezone,
                "breaking": breaking,
                "backfill_hours": round(backfill_hours),
            }
            moved = (row.schedule, row.timezone) != (schedule, timezone)
            if moved or row.next_briefing_at is None:
                values["next_briefing_at"] = first_slot
            # Only what differs: a restart with the same config locks no channel row, so a
            # delivery completing meanwhile (another process) never waits for the sync.
            changed = {k: v for k, v in values.items() if getattr(row, k) != v}
            if changed:
                conn.execute(sa.update(channels).where(channels.c.id == channel).values(changed))

    def channel_states(self) -> list[ChannelState]:
        with self._read("reading channel schedules") as conn:
            rows = conn.execute(sa.select(channels).order_by(channels.c.id))
            return [
                ChannelState(
                    id=r.id,
                    schedule=r.schedule,
                    timezone=r.timezone,
                    breaking=bool(r.breaking),
                    next_briefing_at=r.next_briefing_at,
                    last_briefing_at=r.last_briefing_at,
                )
                for r in rows
            ]

    def subscribe_since(
        self,
        channel: str,
        feed_url: str,
        *,
        not_before: datetime,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
    ) -> None:
        """Subscribe, and on the first subscription only let stories from ``not_before`` on in.

        The limit is set once: re-running with a later ``not_before`` (a
        restart) never hides stories the channel was already entitled to.
        """
        self.subscribe(channel, feed_url, include=include, exclude=exclude)
        with self._write(f"limiting backfill of {channel}") as conn:
            feed_id = conn.scalar(sa.select(feeds.c.id).where(feeds.c.url == feed_url))
            conn.execute(
                sa.update(subscriptions)
                .where(subscriptions.c.channel_id == channel)
                .where(subscriptions.c.feed_id == feed_id)
                .where(subscriptions.c.not_before.is_(None))
                .values(not_before=not_before)
            )

    def subscribe_all_since(
        self,
        channel: str,
        feed_urls: Sequence[str],
        *,
        not_before: datetime,
        include: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
    ) -> None:
        """`subscribe_since` for each of ``feed_urls``, in a few statements (see the port).

        A restart syncing 200 channels of 10 feeds made four round trips and a commit
        per feed; this reads a channel's subscriptions once and writes only the missing
        ones, the changed filters and the backfill limits not yet set.
        """
        urls = list(dict.fromkeys(feed_urls))
        if not urls:
            return
        with self._write(f"subscribing {channel} to {len(urls)} feeds") as conn:
            found = conn.execute(sa.select(feeds.c.url, feeds.c.id).where(feeds.c.url.in_(urls)))
            ids = {str(url): int(feed_id) for url, feed_id in found}
            missing = [u for u in urls if u not in ids]
            if missing:
                raise NotFoundError(f"no feed {missing[0]}; add it first")
            mine = (subscriptions.c.channel_id == channel) & subscriptions.c.feed_id.in_(
                ids.values()
            )
            stored = {
                int(r.feed_id): r
                for r in conn.execute(
                    sa.select(
                        subscriptions.c.feed_id,
                        subscriptions.c.include,
                        subscriptions.c.exclude,
                        subscriptions.c.not_before,
                    ).where(mine)
                )
            }
            asked = {"include": include, "exclude": exclude}
            filters = {k: list(v) for k, v in asked.items() if v is not None}
            new = [i for i in ids.values() if i not in stored]
            if new:
                self._ensure_channel(conn, channel)
                rows = [
                    {
                        "channel_id": channel,
                        "feed_id": feed_id,
                        "include": filters.get("include", []),
                        "exclude": filters.get("exclude", []),
                        "created_at": datetime.now(UTC),
                    }
                    for feed_id in new
                ]
                conn.execute(self._insert(subscriptions).on_conflict_do_nothing(), rows)
            for feed_id, row in stored.items():
                if any(list(getattr(row, k) or ()) != v for k, v in filters.items()):
                    conn.execute(
                        sa.update(subscriptions)
                        .where(subscriptions.c.channel_id == channel)
                        .where(subscriptions.c.feed_id == feed_id)
                        .values(filters)
                    )
            if new or any(row.not_before is None for row in stored.values()):
                conn.execute(
                    sa.update(subscriptions)
                    .where(mine, subscriptions.c.not_before.is_(None))
                    .values(not_before=not_before)
                )

    def limit_new_backfill(self, not_before: datetime) -> int:
        """Give every subscription without a backfill limit this one; how many got it.

        Subscriptions made in chat (``subscribe``) get their limit the first time
        the scheduler looks, so a new channel never receives the back catalogue.
        """
        unlimited = sa.select(subscriptions.c.channel_id).where(
            subscriptions.c.not_before.is_(None)
        )
        with self._read("looking for new subscriptions") as conn:
            if conn.execute(unlimited.limit(1)).first() is None:
                return 0  # the usual case: a read, not a write lock, every tick
        with self._write("limiting backfill of new subscriptions") as conn:
            result = conn.execute(
                sa.update(subscriptions)
                .where(subscriptions.c.not_before.is_(None))
                .values(not_before=not_before)
            )
            return int(result.rowcount)

    def unbriefed_stories(
        self, channel: str, *, since: datetime | None, limit: int = 500
    ) -> list[ChannelStory]:
        """Stories of the channel's feeds it has not received, newest first.

        Only stories at or after ``since`` (if given) and after each
        subscription's backfill limit, never one retention emptied; each with
        that subscription's filters.
        """
        already = (
            sa.select(briefed_stories.c.story_id)
            .where(briefed_stories.c.channel_id == channel)
            .where(briefed_stories.c.story_id == stories.c.id)
        )
        query: sa.Select[Any] = (
            sa.select(*STORY_COLUMNS, subscriptions.c.include, subscriptions.c.exclude)
            .join(feeds, feeds.c.id == stories.c.feed_id)
            .join(subscriptions, subscriptions.c.feed_id == stories.c.feed_id)
            .where(subscriptions.c.channel_id == channel)
            .where(stories.c.sort_at >= since if since is not None else sa.true())
            .where(
                sa.or_(
                    subscriptions.c.not_before.is_(None),
                    stories.c.sort_at >= subscriptions.c.not_before,
                )
            )
            .where(~sa.exists(already))
            .where(stories.c.pruned_at.is_(None))  # a husk (retention) is never new
            .order_by(stories.c.sort_at.desc(), stories.c.id.desc())
            .limit(limit)
        )
        with self._read(f"listing stories new to {channel}") as conn:
            return [
                ChannelStory(story_from_row(r), tuple(r.include or ()), tuple(r.exclude or ()))
                for r in conn.execute(query)
            ]

    def briefed_story_ids(self, channel: str) -> set[int]:
        with self._read(f"listing stories briefed to {channel}") as conn:
            query = sa.select(briefed_stories.c.story_id).where(
                briefed_stories.c.channel_id == channel
            )
            return set(conn.scalars(query))

    # deliveries

    def begin_delivery(
        self,
        channel: str,
        idempotency_key: str,
        *,
        owner: str,
        now: datetime,
        lease: timedelta,
        kind: str = "briefing",
    ) -> DeliveryClaim | None:
        """Claim ``idempotency_key`` for ``owner``; None when it is done or leased by another.

        A claim left by a dead process (lease expired) is taken over and comes
        back ``resumed``, with the story ids that process meant to post.
        """
        until = now + lease
        with self._write(f"claiming delivery {idempotency_key}") as conn:
            inserted = conn.execute(
                self._insert(deliveries)
                .values(
                    idempotency_key=idempotency_key,
                    channel_id=channel,
                    kind=kind,
                    status=_OPEN,
                    claimed_by=owner,
                    lease_until=until,
                    created_at=now,
                )
                .on_conflict_do_nothing()
                .returning(deliveries.c.id)
            ).first()
            if inserted is not None:
                return DeliveryClaim(idempotency_key, channel, resumed=False, since=now)
            row = conn.execute(
                sa.select(deliveries)
                .where(deliveries.c.idempotency_key == idempotency_key)
                .with_for_update()
            ).one()
            live = row.lease_until is not None and row.lease_until >= now
            if row.status != _OPEN or (live and row.claimed_by != owner):
                return None
            conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.id == row.id)
                .values(claimed_by=owner, lease_until=until)
            )
            posted, parts = _posted_parts(row.posted_parts)
            return DeliveryClaim(
                idempotency_key,
                channel,
                resumed=True,
                story_ids=tuple(row.story_ids or ()),
                posted=posted,
                parts=parts,
                since=row.created_at,
            )

    def note_delivery_part(
        self, idempotency_key: str, *, part: int, parts: int, message_id: str
    ) -> None:
        """Write down that part ``part`` of ``parts`` of an open delivery is posted.

        Called by the chat adapter the moment the platform accepted the message,
        so a resumed attempt knows it without searching the platform's history.
        Written whoever holds the lease now: the message is there either way.
        """
        with self._write(f"recording part {part} of {idempotency_key}") as conn:
            row = conn.execute(
                sa.select(deliveries.c.id, deliveries.c.posted_parts)
                .where(deliveries.c.idempotency_key == idempotency_key)
                .where(deliveries.c.status == _OPEN)
                .with_for_update()
            ).first()
            if row is None:  # completed meanwhile, or never claimed: nothing open to note
                return
            posted, _ = _posted_parts(row.posted_parts)
            ids = {str(n): message for n, message in {**posted, part: message_id}.items()}
            conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.id == row.id)
                .values(posted_parts={"parts": parts, "ids": ids})
            )

    def note_delivery_stories(
        self,
        idempotency_key: str,
        story_ids: Iterable[int],
        *,
        owner: str,
        now: datetime,
        lease: timedelta,
    ) -> bool:
        """Write down what ``owner``'s claim is about to post, renewing its lease.

        False when the claim is no longer ``owner``'s (its lease ran out and
        another process took over): then ``owner`` must not post.
        """
        with self._write(f"noting the stories of {idempotency_key}") as conn:
            result = conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.idempotency_key == idempotency_key)
                .where(deliveries.c.status == _OPEN)
                .where(deliveries.c.claimed_by == owner)
                .where(deliveries.c.lease_until >= now)
                .values(story_ids=sorted(set(story_ids)), lease_until=now + lease)
            )
            return result.rowcount == 1

    def complete_delivery(
        self,
        channel: str,
        idempotency_key: str,
        *,
        message_id: str | None,
        story_ids: Iterable[int],
        now: datetime,
        slot: datetime | None = None,
        next_slot: datetime | None = None,
    ) -> None:
        """Record a post (or, ``message_id`` None, an empty slot), all in one transaction.

        The delivery becomes "posted" (or "empty"), its stories are marked as
        briefed to the channel, and when it was a scheduled briefing for
        ``slot`` the channel moves on to ``next_slot``.
        """
        ids = sorted(set(story_ids))
        with self._write(f"recording delivery {idempotency_key}") as conn:
            conn.execute(
                sa.update(deliveries)
                .where(deliveries.c.idempotency_key == idempotency_key)
                .where(deliveries.c.status == _OPEN)
                .values(
                    status="posted" if message_id is not None else "empty",
                    message_id=message_id,
                    posted_at=now,
                    lease_until=None,
                    story_ids=ids,
                )
            )
            if ids:
                existing = set(
                    conn.scalars(
                        sa.select(stories.c.id).where(stories.c.id.in_(ids))
                    )  # a story may have been pruned meanwhile
                )
                for chunk in chunks([i for i in ids if i in existing], 500):
                    conn.execute(
                        self._insert(briefed_stories)
                        .values(
                            [
                                {"channel_id": channel, "story_id": i, "briefed_at": now}
                                for i in chunk
                            ]
                        )
                        .on_conflict_do_nothing()
                    )
            if slot is not None:
                conn.execute(
                    sa.update(channels)
                    .where(channels.c.id == channel)
                    .where(channels.c.next_briefing_at == slot)
                    .values(next_briefing_at=next_slot, last_briefing_at=now)
                )

    def delivery_status(self, idempotency_key: str) -> str | None:
        """ "claimed", "posted", "empty", or None when the key was never claimed."""
        with self._read(f"reading delivery {idempotency_key}") as conn:
            return conn.scalar(
                sa.select(deliveries.c.status).where(
                    deliveries.c.idempotency_key == idempotency_key
                )
            )

    def done_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are finished deliveries (posted or empty)."""
        wanted = sorted(set(keys))
        found: set[str] = set()
        with self._read("checking deliveries") as conn:
            for chunk in chunks(wanted, 500):
                query = sa.select(deliveries.c.idempotency_key).where(
                    deliveries.c.idempotency_key.in_(chunk), deliveries.c.status != _OPEN
                )
                found.update(conn.scalars(query))
        return found


def _posted_parts(value: Any) -> tuple[dict[int, str], int | None]:
    """``deliveries.posted_parts`` read back: part number → message id, and the part count."""
    if not isinstance(value, dict):
        return {}, None
    ids = value.get("ids") or {}
    posted = {int(n): str(m) for n, m in ids.items() if str(n).isdigit()}
    parts = value.get("parts")
    return posted, parts if isinstance(parts, int) and parts >= 1 else None
