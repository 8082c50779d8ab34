"""The seam between the core and a chat platform.

A platform is one folder under ``adapters/`` exposing a `Platform` object, and one
line in ``bot.run.PLATFORMS``. The composition root (``bot.run``) asks each
registered platform whether the settings configure it, builds its runtime from
`PlatformServices` (never the wired application itself), puts the runtime's
`ChatAdapter` in the delivery table, then starts it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.conversation.replies import Responder
from bot.ports import ChatAdapter, Store

if TYPE_CHECKING:
    from bot.domain import Briefing
    from bot.settings import Settings


@runtime_checkable
class SqlDatabase(Protocol):
    """The store's SQL database, lent to a platform that keeps tables of its own there
    (Slack's OAuth installations and states, migrated with the store's).

    ``engine`` is a SQLAlchemy ``Engine``; ``engine_lock`` is held around every use of
    it from a worker thread (in-memory SQLite serves one thread at a time). Given by
    `PlatformServices.sql_database`; using the engine raises SQLAlchemy's errors, which
    the platform translates.
    """

    @property
    def engine(self) -> Any: ...

    @property
    def engine_lock(self) -> AbstractContextManager[Any]: ...


class PlatformServices(Protocol):
    """What a chat platform uses of the core; the composition root gives it to `build`.

    ``settings`` is the loaded configuration. ``store`` serves the platform's reads
    (a story and its quotes for an autocomplete) and event claims (the Slack request
    gate); it raises ``StoreError``. `deliver` posts a briefing asked for in chat by the
    delivery log's claim → post → record, so asking twice posts once: the new message's
    id, or None when it was posted already; raises ``DeliveryError`` (the platform
    refused), ``StoreError``, or ``LookupError`` (no adapter for the channel).
    `sql_database` is the store's database for a platform's own tables (opened on the
    store's URL when the store is not SQL); raises ``StoreError``.
    """

    @property
    def settings(self) -> Settings: ...

    @property
    def store(self) -> Store: ...

    async def deliver(self, briefing: Briefing) -> str | None: ...

    def sql_database(self) -> SqlDatabase: ...


@runtime_checkable
class PlatformRuntime(Protocol):
    """A built platform: its adapter (for scheduled and on-demand posts) and its lifetime.

    Called by ``bot.run``: ``adapter`` is registered before `start`, so a command
    that arrives the moment the platform connects can already post; `start`
    connects (raises ``ConfigError`` when the platform refuses the credentials);
    `close` stops taking events and lets those being answered finish.
    """

    @property
    def adapter(self) -> ChatAdapter: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class Platform(Protocol):
    """One chat platform, as ``bot.run.PLATFORMS`` lists it.

    ``name`` is the channel prefix it serves (``"slack"`` for ``slack:C0123``).
    `configured` says whether the settings turn it on; `build` makes its runtime
    from the core's services and the one conversations core (raises
    ``ConfigError`` for incomplete settings).
    """

    name: str

    def configured(self, settings: Settings) -> bool: ...

    def build(self, services: PlatformServices, conversations: Responder) -> PlatformRuntime: ...
