"""The "Key quotes" button under each story of a briefing, and the view that holds them.

Its own module so that the adapter (which posts the buttons) and the bot (which
answers a click) both import it and neither imports the other: a click is handed
to the client that received it (`KeyQuotesHandler`, the `NewsBot`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import discord

from adapters.discord.render import BUTTON_LABEL_LIMIT, QUOTES_CUSTOM_ID_PREFIX, QuotesButton, fit


@runtime_checkable
class KeyQuotesHandler(Protocol):
    """The client that answers a click on a Key quotes button (`NewsBot`).

    Called by `KeyQuotesButton.callback` with the interaction and the button's
    story id; it answers the interaction itself and raises nothing.
    """

    async def on_key_quotes(self, interaction: discord.Interaction[Any], story_id: int) -> None: ...


class KeyQuotesButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=re.escape(QUOTES_CUSTOM_ID_PREFIX) + r"(?P<story_id>\d+)",
):
    """ "Key quotes": opens the story's full quote list in the briefing message's thread.

    The custom id carries the story id, so the button works for briefings
    posted before the bot restarted.
    """

    def __init__(self, story_id: int, *, label: str = "Key quotes") -> None:
        super().__init__(
            discord.ui.Button(
                label=fit(label, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.secondary,
                custom_id=f"{QUOTES_CUSTOM_ID_PREFIX}{story_id}",
            )
        )
        self.story_id = story_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> KeyQuotesButton:
        label = getattr(item, "label", None) or "Key quotes"
        return cls(int(match["story_id"]), label=label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = interaction.client
        if isinstance(handler, KeyQuotesHandler):
            await handler.on_key_quotes(interaction, self.story_id)


def is_ours(custom_id: str) -> bool:
    """Whether a component's custom id is one newsbrief's buttons answer."""
    return KeyQuotesButton.__discord_ui_compiled_template__.fullmatch(custom_id) is not None


def quotes_view(buttons: Sequence[QuotesButton]) -> discord.ui.View | None:
    """The persistent view under a briefing message: one "Key quotes" button per story."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(KeyQuotesButton(button.story_id, label=button.label))
    return view
