"""What a person asks (`Context` + text) and what the bot answers (`Reply`), platform-neutral.

The conversations core (`bot.conversation.core.Conversations.handle`) turns a
`Context` and a line of text into a `Reply`; every chat adapter (Slack,
Discord, the console REPL) renders a `Reply` in its own format and is
responsible for escaping every string in it (story titles and quotes are
untrusted text from feeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain import Briefing, Citation, Story


@dataclass(frozen=True, slots=True)
class Context:
    """Who asks, where. Adapters build it from the platform's event.

    ``roles`` are the asker's platform permissions in the core's words
    (``bot.conversation.permissions``: an adapter translates, the core decides);
    ``can_manage`` is an entry point's own trust (the operator at the console).
    Subscribe, unsubscribe and schedule need one of them. ``thread_of`` is the
    idempotency key of the briefing whose thread the message is in, if any,
    so "story 2" and follow-up questions refer to that briefing. ``direct_message``
    says the platform delivered it from a direct message, where there is no channel to
    brief or subscribe (the core decides what works there).
    """

    channel: str  # "slack:C0123", "discord:1234", "console:demo"
    user: str
    can_manage: bool = False
    thread_of: str | None = None
    roles: frozenset[str] = frozenset()
    direct_message: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """The bot's answer. ``text`` is plain (adapters escape it), one paragraph a line.

    ``citations`` follow the text as a list; ``rows`` (with ``columns``) is a
    small table (``feeds``); ``briefing`` asks the adapter to post a briefing
    (``brief now``); ``ephemeral`` replies only the asker should see (errors,
    help, permission refusals).
    """

    text: str
    citations: tuple[Citation, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    briefing: Briefing | None = None
    ephemeral: bool = False


class Responder(Protocol):
    """What a chat adapter asks; `bot.conversation.core.Conversations` implements it.

    Called by every adapter for each command, mention or thread reply; it answers
    bad input with a `Reply` rather than an exception.
    """

    async def handle(self, context: Context, text: str) -> Reply: ...


def pruned_story_reply(story: Story, retention_days: int | None) -> Reply:
    """What to say instead of a husk's quotes (`Story.pruned_at` set): every command and
    button that lists a story's quotes uses it, so no platform shows an empty list
    that looks like a story nobody was quoted in."""
    when = f" on {story.pruned_at:%d %b %Y}" if story.pruned_at is not None else ""
    why = (
        f"after {retention_days} days (store.retention_days)"
        if retention_days
        else "by the retention policy"
    )
    return Reply(
        f"“{story.title}” ({story.url})\n"
        f"This story's text was pruned{when} {why}; only its title and link are kept."
    )
