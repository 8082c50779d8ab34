"""Who may change a channel's feeds and schedule: decided here, once, for every platform.

Reading (quotes, questions, feeds, brief) is open to everyone. Subscribe, unsubscribe
and schedule need a managing role, or the user being one of the operator's configured
managers. Adapters only translate the platform's permissions into the role names
below (`Context.roles`); they never decide.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.conversation.replies import Context

# Slack: workspace admins and owners; Discord: "Manage Server".
ADMIN = "admin"
# Discord: "Manage Channels".
CHANNEL_MANAGER = "channel_manager"
MANAGING_ROLES = frozenset({ADMIN, CHANNEL_MANAGER})


def may_manage(context: Context, managers: Collection[str]) -> bool:
    """True when ``context``'s user may subscribe, unsubscribe and schedule.

    ``context.can_manage`` is an entry point's own trust (the operator at the console);
    ``managers`` are the user ids the operator configured (``slack.managers``).
    """
    return context.can_manage or bool(context.roles & MANAGING_ROLES) or context.user in managers
