"""`DiscordAdapter`: the `ChatAdapter` that posts briefings to Discord channels.

It translates between our types and discord.py's: a `Briefing` becomes one
or more messages of embeds (see `adapters.discord.render`), each with a
persistent "Key quotes" button per story, and every discord.py or aiohttp
failure becomes a `DeliveryError`.

Crash recovery: every message carries a nonce derived from the briefing's
idempotency key (Discord drops a resend with the same nonce for a few
minutes) and a ``ref <key>`` footer, which `find_posted` looks for in recent
channel history, since Discord does not return nonces in history.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiohttp
import discord

from adapters.discord.buttons import quotes_view
from adapters.discord.render import (
    OutgoingMessage,
    briefing_messages,
    briefing_ref,
)
from bot.bounded import BoundedDict
from bot.domain import Briefing
from bot.errors import DeliveryError
from bot.ports import PostLog

log = logging.getLogger(__name__)
# How many messages, channels and keys the adapter keeps in memory.
REMEMBERED = 5000

NO_MENTIONS = discord.AllowedMentions.none()
PLATFORM = "discord"
NONCE_LENGTH = 25  # Discord's maximum
_PART = re.compile(r"part (\d+)/(\d+)")


def channel_key(channel_id: int) -> str:
    """Our channel id for a Discord channel: "discord:1234"."""
    return f"{PLATFORM}:{channel_id}"


def parse_channel(channel: str) -> int:
    """The Discord channel id in "discord:1234"; DeliveryError for anything else."""
    platform, _, raw = channel.partition(":")
    if platform != PLATFORM or not raw.isdigit():
        raise DeliveryError(f"{channel!r} is not a Discord channel; expected discord:CHANNEL_ID")
    return int(raw)


def message_nonce(idempotency_key: str, part: int, attempt: int = 0) -> str:
    """A stable nonce per briefing message, so a resent message is not posted twice.

    ``attempt`` changes it after this process withdrew a half-posted briefing:
    Discord could otherwise answer the retry with the withdrawn message.
    """
    seed = f"{idempotency_key}\0{part}" + (f"\0{attempt}" if attempt else "")
    return hashlib.sha256(seed.encode()).hexdigest()[:NONCE_LENGTH]


class _Refused(DeliveryError):
    """Discord answered that it did not take the message (a 4xx): nothing was posted."""


class DiscordAdapter:
    """Posts briefings through a logged-in discord.py client (usually the `NewsBot`).

    ``pace_seconds`` spaces consecutive sends, so a broadcast to many channels
    does not run into Discord's global rate limit; discord.py still handles
    any 429 itself. ``history_limit`` is how far back `find_posted` looks.
    """

    name = PLATFORM

    def __init__(
        self, client: discord.Client, *, pace_seconds: float = 1.0, history_limit: int = 50
    ) -> None:
        self.client = client
        self.pace_seconds = pace_seconds
        self.history_limit = history_limit
        # Bounded: the store and the channel history know the rest after a restart anyway.
        self.briefing_keys: BoundedDict[int, str] = BoundedDict(REMEMBERED)  # message → key
        self.recent: BoundedDict[str, Briefing] = BoundedDict(REMEMBERED)  # channel → last
        self._withdrawn: BoundedDict[str, int] = BoundedDict(REMEMBERED)  # key → withdrawals
        self._pace_lock = asyncio.Lock()
        self._last_send = 0.0

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        """Post ``briefing``; the id of its first message. Raises DeliveryError.

        All or nothing when Discord refuses: when a later part of a split briefing
        is refused (a 4xx answer), the parts already posted are withdrawn, so
        "refused" means "not posted", and the retry posts it whole with fresh
        nonces. When the answer is lost instead (a dropped connection, a timeout,
        a 5xx) the part may have been stored: nothing is withdrawn and the nonces
        stay, so the retry's resends are answered with the stored messages
        (``enforce_nonce``) and `find_posted` can see the briefing complete.
        """
        channel = self.client.get_partial_messageable(parse_channel(briefing.channel))
        key = briefing.idempotency_key
        attempt = self._withdrawn.get(key, 0)
        sent: list[discord.Message] = []
        try:
            for part, outgoing in enumerate(briefing_messages(briefing), start=1):
                message = await self._send(
                    channel, outgoing, nonce=message_nonce(key, part, attempt)
                )
                sent.append(message)
        except _Refused:
            if sent:
                await self._withdraw(sent)
                self._withdrawn[key] = attempt + 1
            raise
        for message in sent:
            self.remember(message.id, briefing)
        return str(sent[0].id)

    async def _withdraw(self, messages: Sequence[discord.Message]) -> None:
        for message in messages:
            try:
                await message.delete()
            except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
                # Left in place: the retry repeats this part rather than lose the rest.
                log.warning("could not withdraw half-posted message %s: %s", message.id, exc)

    def remember(self, message_id: int, briefing: Briefing) -> None:
        """Note that ``message_id`` belongs to ``briefing`` (for threads and autocomplete)."""
        self.briefing_keys[message_id] = briefing.idempotency_key
        self.recent[briefing.channel] = briefing

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None:
        """The first message id of a briefing found complete in recent history, else None.

        A briefing split over several messages counts only when every part is
        there: a half-posted briefing is posted again rather than lost.
        """
        target = self.client.get_partial_messageable(parse_channel(channel))
        ref = briefing_ref(idempotency_key)
        parts: dict[int, int] = {}
        expected = 1
        try:
            async for message in target.history(limit=self.history_limit):
                footer = _footer_of(message)
                if message.author.id != self._user_id() or not footer.endswith(ref):
                    continue
                found = _PART.search(footer)
                index, expected = (int(found[1]), int(found[2])) if found else (1, 1)
                parts[index] = message.id
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"reading history of {channel} failed: {exc}") from exc
        if len(parts) < expected or 1 not in parts:
            return None
        for message_id in parts.values():
            self.briefing_keys[message_id] = idempotency_key
        return str(parts[1])

    async def send(
        self, target: discord.abc.Messageable, outgoing: OutgoingMessage
    ) -> discord.Message:
        """Send one rendered message to any channel or thread, paced; DeliveryError on failure."""
        return await self._send(target, outgoing, nonce=None)

    async def _send(
        self, target: discord.abc.Messageable, outgoing: OutgoingMessage, *, nonce: str | None
    ) -> discord.Message:
        await self._wait_turn()
        options: dict[str, Any] = {"embeds": outgoing.embeds, "allowed_mentions": NO_MENTIONS}
        view = quotes_view(outgoing.buttons)
        if view is not None:
            options["view"] = view
        if nonce is not None:
            options["nonce"] = nonce
        try:
            return await target.send(**options)
        except discord.HTTPException as exc:
            # A 5xx (after discord.py's own retries) may come after the message was stored.
            error, what = (_Refused, "refused") if exc.status < 500 else (DeliveryError, "failed")
            raise error(
                f"Discord {what} a message to channel {_target_id(target)}: "
                f"{exc.status} {exc.text or exc.response.reason} (code {exc.code})"
            ) from exc
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(
                f"sending to Discord channel {_target_id(target)} failed: {exc!r}"
            ) from exc

    async def _wait_turn(self) -> None:
        async with self._pace_lock:
            wait = self._last_send + self.pace_seconds - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_send = time.monotonic()

    def _user_id(self) -> int | None:
        user = self.client.user
        return user.id if user else None


def _footer_of(message: discord.Message) -> str:
    return next((e.footer.text for e in reversed(message.embeds) if e.footer.text), "")


def _target_id(target: discord.abc.Messageable) -> str:
    return str(getattr(target, "id", "?"))
