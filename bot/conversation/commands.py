"""Parsing what a person types into one of the bot's commands, or a question.

Pure and platform-neutral: Slack slash commands, Discord app commands and the
local REPL all hand their text here and get back a typed command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import NewsbriefError


class CommandError(NewsbriefError):
    """The text looked like a command but its arguments are wrong; the message says how."""


@dataclass(frozen=True, slots=True)
class QuotesCommand:
    query: str  # story URL, story number from the last briefing, search words or a person


@dataclass(frozen=True, slots=True)
class BriefCommand:
    pass


@dataclass(frozen=True, slots=True)
class SubscribeCommand:
    feed_url: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnsubscribeCommand:
    feed_url: str


@dataclass(frozen=True, slots=True)
class FeedsCommand:
    pass


@dataclass(frozen=True, slots=True)
class ScheduleCommand:
    cron: str
    timezone: str | None


@dataclass(frozen=True, slots=True)
class HelpCommand:
    pass


@dataclass(frozen=True, slots=True)
class Question:
    text: str


Command = (
    QuotesCommand
    | BriefCommand
    | SubscribeCommand
    | UnsubscribeCommand
    | FeedsCommand
    | ScheduleCommand
    | HelpCommand
    | Question
)

HELP = """\
quotes <story url | story number | words | person>  key who-said-what of a story or a person
brief [now]                                         post this channel's briefing now
subscribe <feed url> [+word …] [-word …]            follow a feed (optional keyword filters)
unsubscribe <feed url>                              stop following a feed
feeds                                               this channel's feeds and their status
schedule <when> [time zone]                         e.g. "weekdays 08:30 Europe/Berlin"
help                                                this list
Anything else is a question about recent stories, e.g. "what did Lavrov say?"\
"""

_DAYS = {"weekdays": "mon-fri", "weekends": "sat,sun", "daily": "*", "everyday": "*"}
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")


def parse_command(text: str) -> Command:
    """Turn one line into a command; anything that is not a command is a question."""
    stripped = text.strip().lstrip("/")
    word, _, rest = stripped.partition(" ")
    rest = rest.strip()
    match word.casefold():
        case "quotes" | "quote":
            if not rest:
                raise CommandError("quotes needs a story URL, a story number, words or a person")
            return QuotesCommand(rest)
        case "brief" | "briefing":
            return BriefCommand()
        case "subscribe":
            return _subscribe(rest)
        case "unsubscribe":
            if not rest:
                raise CommandError("unsubscribe needs the feed URL (see `feeds`)")
            return UnsubscribeCommand(rest.split()[0])
        case "feeds":
            return FeedsCommand()
        case "schedule":
            return parse_schedule(rest)
        case "help" | "?":
            return HelpCommand()
    return Question(text.strip())


def _subscribe(rest: str) -> SubscribeCommand:
    words = rest.split()
    if not words:
        raise CommandError("subscribe needs a feed URL, e.g. `subscribe https://example.com/rss`")
    url, filters = words[0], words[1:]
    include = tuple(w[1:] for w in filters if w.startswith("+") and len(w) > 1)
    exclude = tuple(w[1:] for w in filters if w.startswith("-") and len(w) > 1)
    plain = tuple(w for w in filters if not w.startswith(("+", "-")))
    return SubscribeCommand(url, include + plain, exclude)


def parse_schedule(rest: str) -> ScheduleCommand:
    """`weekdays 08:30 Europe/Berlin`, `daily 7`, `mon,thu 9:15`, or a 5-field cron."""
    words = rest.split()
    timezone = words.pop() if words and _is_timezone(words[-1]) else None
    if len(words) == 5:
        return ScheduleCommand(" ".join(words), timezone)
    if len(words) == 1:
        words.insert(0, "daily")
    if len(words) != 2:
        raise CommandError(
            'schedule needs a day and a time, e.g. "weekdays 08:30 Europe/Berlin" or a cron line'
        )
    days, when = words
    found = _TIME.match(when)
    if not found or int(found[1]) > 23 or int(found[2] or 0) > 59:
        raise CommandError(f"{when!r} is not a time; use HH:MM, e.g. 08:30")
    return ScheduleCommand(f"{int(found[2] or 0)} {int(found[1])} * * {_days(days)}", timezone)


def _days(days: str) -> str:
    lowered = days.casefold()
    if lowered in _DAYS:
        return _DAYS[lowered]
    names = [d[:3] for d in re.split(r"[,\s]+", lowered) if d]
    if names and all(n in _DAY_NAMES for n in names):
        return ",".join(names)
    raise CommandError(f"{days!r} is not a day; use weekdays, weekends, daily or mon,wed,…")


def _is_timezone(word: str) -> bool:
    if "/" not in word and word.upper() != "UTC":
        return False
    try:
        ZoneInfo(word)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
