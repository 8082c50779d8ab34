"""Starting the bot from ``newsbrief run``: adapter handed to the root, commands synced,
clean close."""

from __future__ import annotations

import logging

import pytest

from adapters.discord.runtime import DISCORD, build_discord, discord_configured
from adapters.discord.testing import APPLICATION_ID, GUILD_ID, FakeDiscord
from bot.app import App
from bot.conversation.core import Conversations
from bot.errors import ConfigError
from bot.run import platform_services, start_platforms
from bot.settings import DiscordSettings, Settings, StoreSettings
from tests.discord.briefings import seed_briefing


def configure(core: App, **secrets: str) -> None:
    core.settings = Settings(
        store=StoreSettings(url="sqlite:///:memory:"),
        discord=DiscordSettings(guild_ids=(GUILD_ID,)),
        **secrets,  # type: ignore[arg-type]
    )


async def test_start_registers_the_adapter_syncs_and_posts(
    api: FakeDiscord, core: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.CRITICAL, logger="discord")  # the fake has no gateway to dial
    configure(core, DISCORD_TOKEN="test-token")
    assert discord_configured(core.settings)
    [runtime] = await start_platforms(core, Conversations(core), platforms=(DISCORD,))
    try:
        assert core.adapters["discord"] is runtime.adapter
        assert api.sent("PUT", rf"^/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands$")
        runtime.bot.adapter.pace_seconds = 0
        message_id = await core.adapters["discord"].post_briefing(seed_briefing())
        assert message_id.isdigit()
    finally:
        await runtime.close()
    assert runtime.bot.is_closed()


async def test_a_refused_token_is_a_config_error(api: FakeDiscord, core: App) -> None:
    configure(core, DISCORD_TOKEN="bad-token")
    api.fail("GET", r"^/users/@me$", status=401, code=0, message="401: Unauthorized")
    with pytest.raises(ConfigError, match="DISCORD_TOKEN was refused"):
        await build_discord(platform_services(core), Conversations(core)).start()


def test_without_a_token_discord_is_off(core: App) -> None:
    configure(core)
    assert not discord_configured(core.settings)


async def test_newsbrief_run_starts_discord_only_with_a_token(
    api: FakeDiscord, core: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.CRITICAL, logger="discord")
    configure(core)
    assert await start_platforms(core, Conversations(core), platforms=(DISCORD,)) == []
    configure(core, DISCORD_TOKEN="test-token")
    [runtime] = await start_platforms(core, Conversations(core), platforms=(DISCORD,))
    await runtime.close()


def test_the_invite_url_asks_for_exactly_what_the_bot_uses() -> None:
    from adapters.discord.runtime import REQUIRED_PERMISSIONS, invite_url

    assert REQUIRED_PERMISSIONS.value == 309237730304  # the number the README quotes
    assert invite_url(123) == (
        "https://discord.com/oauth2/authorize?client_id=123"
        "&scope=bot+applications.commands&permissions=309237730304"
    )
