"""The conversations core: every command and follow-up question, answered once for all platforms.

Adapters call `Conversations.handle(context, text)` and render the `Reply`.
"""

from __future__ import annotations

from bot.app import App
from bot.conversation.commands import HELP, CommandError, HelpCommand, parse_command
from bot.conversation.replies import Context, Reply


class Conversations:
    """Answers commands and questions from the store; never raises for bad input."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def handle(self, context: Context, text: str) -> Reply:
        """The reply to ``text`` typed by ``context.user`` in ``context.channel``."""
        try:
            command = parse_command(text)
        except CommandError as exc:
            return Reply(str(exc), ephemeral=True)
        if isinstance(command, HelpCommand):
            return Reply(HELP, ephemeral=True)
        return Reply("Not implemented yet.", ephemeral=True)
