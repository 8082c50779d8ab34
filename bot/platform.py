"""The seam between the core and a chat platform.

A platform is one folder under ``adapters/`` exposing a `Platform` object, and one
line in ``bot.run.PLATFORMS``. The composition root (``bot.run``) asks each
registered platform whether the settings configure it, builds its runtime, puts
the runtime's `ChatAdapter` in the delivery table, then starts it; the runtime
never changes the application itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.conversation.replies import Responder
from bot.ports import ChatAdapter

if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings


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
    from the wired application and the one conversations core (raises
    ``ConfigError`` for incomplete settings).
    """

    name: str

    def configured(self, settings: Settings) -> bool: ...

    def build(self, app: App, conversations: Responder) -> PlatformRuntime: ...
