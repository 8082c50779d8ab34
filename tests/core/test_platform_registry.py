"""A new platform is registered in the root only: its channel prefix needs no settings change."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bot.check import check_config
from bot.conversation.replies import Responder
from bot.errors import ConfigError
from bot.platform import PlatformRuntime, PlatformServices
from bot.run import PLATFORMS, run_forever, unserved_channels
from bot.settings import ChannelSettings, Settings, StoreSettings


class Matrix:
    """A platform as a new folder under adapters/ would expose it."""

    name = "matrix"

    def configured(self, settings: Settings) -> bool:
        return True

    def build(self, services: PlatformServices, conversations: Responder) -> PlatformRuntime:
        raise NotImplementedError


def settings() -> Settings:
    return Settings(
        store=StoreSettings(url="sqlite:///:memory:"),
        channels=(ChannelSettings(id="matrix:!room"), ChannelSettings(id="console:ops")),
    )


def test_a_registered_platform_serves_its_channels_with_no_settings_change() -> None:
    assert unserved_channels(settings(), platforms=(*PLATFORMS, Matrix())) == []


def test_a_channel_no_platform_serves_is_refused_by_run_and_named_by_check() -> None:
    [problem] = unserved_channels(settings())
    assert problem.startswith("channels[0] (matrix:!room): no platform serves 'matrix'")
    with pytest.raises(ConfigError, match="no platform serves 'matrix'"):
        asyncio.run(run_forever(settings()))
    problems = asyncio.run(check_config(settings(), now=datetime.now(UTC)))
    assert any("no platform serves 'matrix'" in p for p in problems)


@pytest.mark.parametrize("channel", ["matrix", ":room", "Slack:C1", "slack:", "slack: "])
def test_a_channel_id_still_needs_the_platform_colon_id_shape(channel: str) -> None:
    with pytest.raises(ValidationError, match="PLATFORM:ID"):
        ChannelSettings(id=channel)
