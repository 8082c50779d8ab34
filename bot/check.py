"""`newsbrief check`: everything `newsbrief run` would fail on later, one line per problem.

It reads the config file and the environment as ``run`` does (`load_settings`:
the same validators, so a wrong option is reported in the same words), then
asks what only a running bot would find out: whether each schedule ever fires
(`bot.cron.next_slot`, what ``run`` computes), whether the URL guard lets
each feed through, whether each platform with channels has its tokens, whether
the store is reachable and migrated, and whether the LLM server answers. Exit
code 0 when nothing is wrong, 1 otherwise (2 for a config that does not load).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bot.cron import next_slot  # what `run` computes for every channel
from bot.errors import BlockedURLError, ConfigError, NewsbriefError, StoreError
from bot.ingest.guard import UrlGuard
from bot.settings import ChannelSettings, Settings, find_config_path, load_settings

# Seconds to wait for the store and the LLM server: a check should answer quickly.
PROBE_TIMEOUT = 5.0
_SLACK_CHANNEL = "CGD"  # public, private (group) and direct-message channel ids


def register(sub: Any) -> None:
    """Add ``check`` to the CLI's subcommands."""
    check = sub.add_parser(
        "check", help="validate the config and environment; one line per problem (exit 0/1)"
    )
    check.add_argument(
        "--offline",
        action="store_true",
        help="skip what needs the network or the store (the LLM server, the database)",
    )
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    path = find_config_path(getattr(args, "config", None))
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        for line in str(exc).splitlines():
            if line.startswith("  ") or len(str(exc).splitlines()) == 1:
                print(f"problem: {line.strip()}")
        return 2
    problems = asyncio.run(check_all(settings, now=datetime.now(UTC), offline=args.offline))
    for problem in problems:
        print(f"problem: {problem}")
    where = path or "defaults and environment"
    if problems:
        print(f"{len(problems)} problem(s) in {where}")
        return 1
    print(
        f"ok: {where}: {len(all_feed_urls(settings))} feeds, {len(settings.channels)} channels"
        f"{' (store and LLM not checked)' if args.offline else ''}"
    )
    return 0


def all_feed_urls(settings: Settings) -> list[str]:
    """Every feed the config names, in order, once each."""
    urls = [f.url for f in settings.feeds] + [u for c in settings.channels for u in c.feeds]
    return list(dict.fromkeys(urls))


async def check_all(settings: Settings, *, now: datetime, offline: bool = False) -> list[str]:
    """Every problem `run` would meet; ``offline`` leaves out the store and the LLM server."""
    problems = await check_config(settings, now=now)
    if not offline:
        problems += await check_services(settings)
    return problems


async def check_config(settings: Settings, *, now: datetime) -> list[str]:
    """What the settings alone say `run` would fail on (no store, no LLM server)."""
    return [
        *_channel_problems(settings.channels, now),
        *_unserved_channels(settings),
        *_allow_host_problems(settings.ingest.allow_hosts),
        *await _feed_problems(settings),
        *_token_problems(settings),
        *_llm_config_problems(settings),
    ]


async def check_services(settings: Settings) -> list[str]:
    """Whether the store is reachable and migrated, and the LLM server answers."""
    problems = await asyncio.to_thread(_store_problems, settings.store.url)
    problems += await _llm_reachable_problems(settings)
    return problems


def _channel_problems(channels: Iterable[ChannelSettings], now: datetime) -> list[str]:
    problems = []
    seen: set[str] = set()
    for n, channel in enumerate(channels):
        where = f"channels[{n}] ({channel.id})"
        if channel.id in seen:
            problems.append(f"{where}: listed twice; the second entry would override the first")
        seen.add(channel.id)
        platform, _, rest = channel.id.partition(":")
        if platform == "slack" and not (rest[:1] in _SLACK_CHANNEL and rest[1:].isalnum()):
            problems.append(
                f"{where}: not a Slack channel id (like C0123ABCD: channel details, bottom)"
            )
        if platform == "discord" and not rest.isdigit():
            problems.append(f"{where}: not a Discord channel id (digits: Copy Channel ID)")
        try:
            next_slot(channel.schedule, channel.timezone, now)
        except ValueError as exc:
            problems.append(f"{where}: schedule {channel.schedule!r}: {_first_line(exc)}")
    return problems


def _unserved_channels(settings: Settings) -> list[str]:
    """Channels whose prefix no registered platform (``bot.run.PLATFORMS``) serves."""
    from bot.run import unserved_channels

    return unserved_channels(settings)


def _allow_host_problems(hosts: Iterable[str]) -> list[str]:
    problems = []
    for host in hosts:
        where = f"ingest.allow_hosts: {host!r}"
        if not host.strip():
            problems.append(f"{where}: empty")
        elif "://" in host or "/" in host:
            problems.append(f"{where}: a host name or IP address, not a URL")
        elif "*" in host:
            problems.append(f"{where}: wildcards never match; list each host")
        elif ":" in host and not _is_ip(host):
            problems.append(f"{where}: no port: the host name alone")
        elif any(c.isspace() for c in host):
            problems.append(f"{where}: contains spaces")
    return problems


async def _feed_problems(settings: Settings) -> list[str]:
    guard = UrlGuard(allow_hosts=settings.ingest.allow_hosts)
    problems = []
    for url in all_feed_urls(settings):
        if not url.lower().startswith(("http://", "https://")):
            path = Path(url.removeprefix("file://")).expanduser()
            if not path.is_file():
                problems.append(f"feed {url}: no such file (and not an http(s) URL)")
            continue
        try:
            parsed = httpx.URL(url)
            # DNS is left to `run` (it may differ there); IP literals are checked here.
            await guard.check(parsed, resolve=False)
            if parsed.host and _is_ip(parsed.host) and not guard.allows_host(parsed.host):
                await guard.public_addresses(parsed.host, parsed.port)
        except BlockedURLError as exc:
            problems.append(f"feed {url}: the URL guard refuses it: {exc}")
        except httpx.InvalidURL as exc:
            problems.append(f"feed {url}: not a URL: {exc}")
    return problems


def _token_problems(settings: Settings) -> list[str]:
    platforms = {c.id.partition(":")[0] for c in settings.channels}
    problems = []
    slack_on = settings.slack_bot_token is not None or settings.slack.oauth
    if "slack" in platforms and not slack_on:
        problems.append("slack channels configured but SLACK_BOT_TOKEN is not set")
    if slack_on:
        if settings.slack.mode == "socket" and settings.slack_app_token is None:
            problems.append("slack.mode = socket needs SLACK_APP_TOKEN (xapp-...)")
        if settings.slack.mode == "http" and settings.slack_signing_secret is None:
            problems.append("slack.mode = http needs SLACK_SIGNING_SECRET")
        if settings.slack.oauth and (
            settings.slack_client_id is None or settings.slack_client_secret is None
        ):
            problems.append("slack.oauth = true needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    if "discord" in platforms and settings.discord_token is None:
        problems.append("discord channels configured but DISCORD_TOKEN is not set")
    return problems


def _llm_config_problems(settings: Settings) -> list[str]:
    if not (settings.openai_api_key or settings.llm.base_url):
        return []
    from summarizer.llm import llm_config  # what `run` builds the summarizer from

    try:
        llm_config(settings)
    except ConfigError as exc:
        return [str(exc)]
    base = settings.llm.base_url
    if base is not None:
        try:
            if httpx.URL(base).scheme not in ("http", "https"):
                return [f"llm.base_url {base!r}: expected an http(s) URL"]
        except httpx.InvalidURL as exc:
            return [f"llm.base_url {base!r}: not a URL: {exc}"]
    return []


def _store_problems(url: str) -> list[str]:
    from bot.store.engine import head_revision, make_engine, revision_of

    try:
        engine = make_engine(url)
    except StoreError as exc:
        return [f"store.url: {exc}"]
    try:
        revision = revision_of(engine)
    except NewsbriefError as exc:
        return [f"store unreachable: {exc}"]
    finally:
        engine.dispose()
    head = head_revision()
    if revision == head:
        return []
    if revision is None:
        return ["store is empty: `newsbrief db upgrade` creates its tables"]
    return [
        f"store is at schema revision {revision}, this version needs {head}: "
        "run `newsbrief db upgrade` (an unknown revision means a newer newsbrief wrote it)"
    ]


async def _llm_reachable_problems(settings: Settings) -> list[str]:
    base = settings.llm.base_url
    if base is None:
        return []  # the OpenAI API itself is not probed: a check must not spend tokens
    key = settings.openai_api_key
    headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}
    try:
        async with httpx.AsyncClient(timeout=PROBE_TIMEOUT) as client:
            await client.get(f"{base.rstrip('/')}/models", headers=headers)
    except (httpx.HTTPError, OSError) as exc:
        return [f"llm.base_url {base}: unreachable ({type(exc).__name__})"]
    return []  # any HTTP answer, even 401 or 404, means a server is there


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
