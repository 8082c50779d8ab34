"""config/slack-manifest.yml agrees with the code: commands, scopes, events."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.slack.bot import SLASH_COMMANDS
from adapters.slack.runtime import BOT_SCOPES

MANIFEST = Path(__file__).parents[2] / "config" / "slack-manifest.yml"


def test_the_manifest_declares_every_command_scope_and_event() -> None:
    text = MANIFEST.read_text()
    commands = re.findall(r"^\s+- command: (\S+)", text, re.M)
    assert sorted(commands) == sorted(SLASH_COMMANDS)
    scopes_block = text.split("    bot:\n", 1)[1].split("settings:", 1)[0]
    scopes = re.findall(r"^\s+- ([\w:.]+)", scopes_block, re.M)
    assert sorted(scopes) == sorted(BOT_SCOPES)
    events_block = text.split("bot_events:\n", 1)[1].split("interactivity:", 1)[0]
    events = re.findall(r"^\s+- ([\w.]+)", events_block, re.M)
    assert events == ["app_mention", "message.channels", "message.groups"]
    assert "socket_mode_enabled: true" in text
    assert "is_enabled: true" in text  # interactivity: the Key quotes button
