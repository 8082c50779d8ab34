"""Who may change a channel is the core's decision; adapters only name the roles."""

from __future__ import annotations

import pytest

from bot.conversation.permissions import ADMIN, CHANNEL_MANAGER, may_manage
from bot.conversation.replies import Context


@pytest.mark.parametrize(
    ("context", "managers", "allowed"),
    [
        (Context("slack:C1", "U1"), (), False),
        (Context("slack:C1", "U1", roles=frozenset({ADMIN})), (), True),
        (Context("discord:1", "discord:9", roles=frozenset({CHANNEL_MANAGER})), (), True),
        (Context("discord:1", "discord:9", roles=frozenset({"member"})), (), False),
        (Context("slack:C1", "U1"), ("U1",), True),  # an operator-configured manager
        (Context("console:ops", "me", can_manage=True), (), True),  # the console's operator
    ],
)
def test_may_manage(context: Context, managers: tuple[str, ...], allowed: bool) -> None:
    assert may_manage(context, managers) is allowed
