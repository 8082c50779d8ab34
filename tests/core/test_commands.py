"""Command parsing is shared by every platform; anything else is a question."""

from __future__ import annotations

import pytest

from bot.conversation.commands import (
    BriefCommand,
    CommandError,
    FeedsCommand,
    HelpCommand,
    Question,
    QuotesCommand,
    ScheduleCommand,
    SubscribeCommand,
    UnsubscribeCommand,
    parse_command,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quotes lavrov", QuotesCommand("lavrov")),
        ("/quotes zelenskyy trump", QuotesCommand("zelenskyy trump")),
        ("quotes https://news.example/a", QuotesCommand("https://news.example/a")),
        ("brief now", BriefCommand()),
        ("feeds", FeedsCommand()),
        ("help", HelpCommand()),
        (
            "subscribe https://x.example/rss +ukraine -sport",
            SubscribeCommand("https://x.example/rss", ("ukraine",), ("sport",)),
        ),
        ("unsubscribe https://x.example/rss", UnsubscribeCommand("https://x.example/rss")),
        (
            "schedule weekdays 08:30 Europe/Berlin",
            ScheduleCommand("30 8 * * mon-fri", "Europe/Berlin"),
        ),
        ("schedule 7:05", ScheduleCommand("5 7 * * *", None)),
        ("schedule mon,thu 9:15 UTC", ScheduleCommand("15 9 * * mon,thu", "UTC")),
        ("schedule 0 6 * * sat", ScheduleCommand("0 6 * * sat", None)),
        ("what did Lavrov say?", Question("what did Lavrov say?")),
        ("quotesmith is a question", Question("quotesmith is a question")),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("quotes", "needs a story URL"),
        ("subscribe", "needs a feed URL"),
        ("schedule someday 8:00", "not a day"),
        ("schedule weekdays 25:00", "not a time"),
        ("schedule", "needs a day and a time"),
    ],
)
def test_wrong_arguments_say_what_to_type(text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        parse_command(text)
