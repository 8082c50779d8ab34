"""Delivery: post each briefing, notice or breaking story once, even across crashes.

The protocol, for one idempotency key (``briefing:<channel>:<slot>``,
``breaking:<channel>:<story id>``, ``notice:paused:<channel>:<feed id>:<time>``):

1. **claim** the key in the store with a lease (`begin_delivery`); a key that
   is done, or leased by a live process, is left alone;
2. if the claim is **resumed** (an earlier attempt died holding it) and that
   attempt recorded every message of its post (the claim's ``posted`` parts),
   that is the post: record it as delivered and stop. Otherwise ask the
   platform whether that attempt posted (`ChatAdapter.find_posted`, which looks
   for the key the post carried, Slack metadata, Discord nonce, no further back
   than the claim); if so, record it and stop;
3. compose, **note** the story ids on the claim (renewing the lease, and
   checking it is still ours), **post** with the key, the adapter writing down
   each message's id in the claim as soon as it lands (`PostLog`);
4. **complete**: posted, stories marked briefed, schedule advanced, in one
   transaction.

A kill -9 anywhere leaves either no post (the claim expires and the next
attempt posts) or a post the delivery log or the platform knows by its key (the
next attempt finds it and records it). So every due briefing is posted, and
posted once. The platform's history is searched only for a message posted in
the instant before a kill, since Slack allows that search one request a minute.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.domain import Briefing
from bot.errors import NewsbriefError, StoreError
from bot.ports import ChatAdapter, DeliveryClaim, ScheduleStore, Store
from bot.telemetry import metrics

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Status = Literal["posted", "recovered", "empty", "skipped", "failed"]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one delivery attempt did.

    posted: this attempt posted; recovered: an earlier attempt had posted and
    is now recorded; empty: nothing to post, the slot is closed; skipped: done
    already or another process holds it; failed: the platform refused (the
    claim is released, the next tick retries).
    """

    key: str
    status: Status
    message_id: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One thing to deliver: its key, and how to build it when it is ours to post.

    ``compose`` returns None when there is nothing to say (an empty slot).
    ``slot``/``next_slot`` move a channel's schedule on when the job completes.
    """

    channel: str
    key: str
    compose: Callable[[], Briefing | None]
    kind: str = "briefing"
    slot: datetime | None = None
    next_slot: datetime | None = None


@dataclass(slots=True)
class ClaimLog:
    """The `PostLog` of one claimed delivery: its messages, recorded in the store."""

    store: ScheduleStore
    key: str
    since: datetime | None
    resumed: bool
    posted: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, store: ScheduleStore, claim: DeliveryClaim) -> ClaimLog:
        return cls(store, claim.key, claim.since, claim.resumed, dict(claim.posted))

    async def record(self, part: int, parts: int, message_id: str) -> None:
        await asyncio.to_thread(
            self.store.note_delivery_part, self.key, part=part, parts=parts, message_id=message_id
        )


class Deliverer:
    """Runs the claim → (find) → post → record protocol for `Job`s."""

    def __init__(
        self,
        store: ScheduleStore,
        adapter_for: Callable[[str], ChatAdapter],
        *,
        owner: str,
        lease: timedelta = timedelta(minutes=2),
        clock: Clock = system_clock,
    ) -> None:
        self.store = store
        self.adapter_for = adapter_for
        self.owner = owner
        self.lease = lease
        self.clock = clock

    async def deliver(self, job: Job) -> Outcome:
        outcome = await self._deliver(job)
        metrics().count("deliveries", kind=job.kind, outcome=outcome.status)
        if outcome.status == "posted" and job.slot is not None:
            lag = (self.clock() - job.slot).total_seconds()
            metrics().observe("delivery_lag_seconds", max(lag, 0.0))
        return outcome

    async def _deliver(self, job: Job) -> Outcome:
        claim = await asyncio.to_thread(
            self.store.begin_delivery,
            job.channel,
            job.key,
            owner=self.owner,
            now=self.clock(),
            lease=self.lease,
            kind=job.kind,
        )
        if claim is None:
            return Outcome(job.key, "skipped")
        try:
            return await self._deliver_claimed(job, claim)
        except NewsbriefError as exc:
            # Refused, unreachable, or nothing to compose with: end our lease but keep the
            # claim, so the next attempt comes back resumed and asks the platform first (a
            # post that timed out may have landed). The caller backs off on "failed".
            log.warning(
                "delivering %s failed: %s",
                job.key,
                exc,
                extra={"channel": job.channel, "delivery_key": job.key},
            )
            await self._release(job.key)
            return Outcome(job.key, "failed", error=str(exc))

    async def _deliver_claimed(self, job: Job, claim: DeliveryClaim) -> Outcome:
        adapter = self.adapter_for(job.channel)
        if claim.resumed:
            found = claim.recorded_message_id
            how = "its messages were recorded"
            if found is None:
                found = await adapter.find_posted(job.channel, job.key, since=claim.since)
                how = "found on the platform"
            if found is not None:
                log.info(
                    "delivery %s had been posted before a crash (%s); recording it",
                    job.key,
                    how,
                    extra={"channel": job.channel, "delivery_key": job.key},
                )
                await self._complete(job, found, list(claim.story_ids))
                return Outcome(job.key, "recovered", found)
        briefing = await asyncio.to_thread(job.compose)
        if briefing is None:
            await self._complete(job, None, [])
            return Outcome(job.key, "empty")
        briefing = dataclasses.replace(briefing, idempotency_key=job.key)
        story_ids = sorted({i for item in briefing.items for i in item.story_ids})
        still_ours = await asyncio.to_thread(
            self.store.note_delivery_stories,
            job.key,
            story_ids,
            owner=self.owner,
            now=self.clock(),
            lease=self.lease,
        )
        if not still_ours:  # composing outlasted the lease; whoever took over posts it
            log.warning(
                "lost the claim on %s before posting; leaving it",
                job.key,
                extra={"channel": job.channel, "delivery_key": job.key},
            )
            return Outcome(job.key, "skipped")
        message_id = await adapter.post_briefing(briefing, ClaimLog.of(self.store, claim))
        await self._complete(job, message_id, story_ids)
        await self._remember_order(briefing)
        return Outcome(job.key, "posted", message_id)

    async def _release(self, key: str) -> None:
        try:
            await asyncio.to_thread(self.store.release_delivery, key, owner=self.owner)
        except StoreError as exc:  # the lease runs out by itself
            log.warning("could not release %s: %s", key, exc)

    async def _remember_order(self, briefing: Briefing) -> None:
        """So that "quotes 2" in the briefing's thread means this briefing's story 2."""
        if not isinstance(self.store, Store):
            return
        try:
            await asyncio.to_thread(self.store.record_briefing, briefing, at=self.clock())
        except StoreError as exc:  # the post stands; only the numbering shortcut is lost
            log.warning("could not record the order of %s: %s", briefing.idempotency_key, exc)

    async def _complete(self, job: Job, message_id: str | None, story_ids: list[int]) -> None:
        await asyncio.to_thread(
            self.store.complete_delivery,
            job.channel,
            job.key,
            message_id=message_id,
            story_ids=story_ids,
            now=self.clock(),
            slot=job.slot,
            next_slot=job.next_slot,
        )


def slot_key(channel: str, slot: datetime) -> str:
    """The key of a scheduled briefing: one per channel and slot, whatever it holds."""
    return f"briefing:{channel}:{slot.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def breaking_key(channel: str, story_id: int) -> str:
    return f"breaking:{channel}:{story_id}"


def pause_notice_key(channel: str, feed_id: int, paused_at: datetime) -> str:
    return f"notice:paused:{channel}:{feed_id}:{paused_at.astimezone(UTC):%Y%m%dT%H%M%S}"
