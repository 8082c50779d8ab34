"""The gate in front of ``POST /slack/events``: verify first, refuse replays, parse last.

bolt parses a request before it checks the signature, so anyone who can reach
the endpoint could send a malformed body and get an HTTP 500 with a traceback in
the log, once per request. Here the raw bytes are checked against Slack's
signature (and its five-minute timestamp window) before anything reads them:
an unsigned or forged request costs a 401 and one log line. A signed request
whose exact bytes were already seen (a replay: Slack itself never resends a
signature; its retries are signed anew) is refused too, so a captured slash
command cannot be run twice. Signatures are remembered for the window, in
memory and, when the store keeps event claims, in the store, so a replay sent
to another process is refused as well.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from slack_sdk.signature import SignatureVerifier

from bot.bounded import BoundedDict
from bot.errors import StoreError
from bot.ports import EventClaim, Store

log = logging.getLogger(__name__)
WINDOW_SECONDS = 300  # Slack's: a request older than five minutes is refused anyway
MAX_REMEMBERED = 100_000


class RequestGate:
    """Says whether a raw request may reach bolt; `refusal` is None when it may."""

    def __init__(self, signing_secret: str, *, store: Store | None = None) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._store = store if hasattr(store, "claim_event") else None
        self._seen: BoundedDict[str, float] = BoundedDict(MAX_REMEMBERED)

    async def refusal(self, body: bytes, headers: Mapping[str, str], peer: str) -> int | None:
        """None to let the request through, else the HTTP status to answer (one log line)."""
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        try:
            valid = bool(timestamp and signature) and self._verifier.is_valid(
                body=body, timestamp=timestamp, signature=signature
            )
        except (ValueError, TypeError, UnicodeError):  # a header that is no number, say
            valid = False
        if not valid:
            log.warning("refused an unsigned or wrongly signed Slack request from %s", peer)
            return 401
        if not await self._first_time(signature):
            log.warning("refused a replayed Slack request from %s", peer)
            return 401
        return None

    async def _first_time(self, signature: str) -> bool:
        now = time.monotonic()
        seen = self._seen.get(signature)
        if seen is not None and now - seen < WINDOW_SECONDS:
            return False
        self._seen[signature] = now
        if self._store is None:
            return True
        try:
            claim = await asyncio.to_thread(
                self._store.claim_event,
                f"slack:signature:{signature}",
                at=datetime.now(UTC),
                lease=timedelta(seconds=WINDOW_SECONDS),  # held all window: a replay is BUSY
                ttl=timedelta(seconds=WINDOW_SECONDS),
            )
        except StoreError as exc:  # the store is down: this process's memory still holds
            log.warning("could not record a Slack request signature: %s", exc)
            return True
        return claim is EventClaim.CLAIMED
