"""`newsbrief chat`: the conversations core in a terminal, the same code Slack and Discord run.

Interactive at a terminal; otherwise it reads one command or question a line
from stdin (blank lines and ``#`` comments skipped), so it can be scripted::

    printf 'quotes lavrov\\nwho criticised Trump?\\n' | newsbrief chat --demo

``--demo`` fills a store from the bundled demo feeds first, offline. ``--json``
prints each reply as one JSON object a line instead of rich text (for scripts
and tests).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console

from adapters.console import render_reply
from bot.app import App, make_app, make_fetcher
from bot.conversation.core import Conversations
from bot.conversation.replies import Context, Reply
from bot.progress import poll_with_progress

DEFAULT_CHANNEL = "console:chat"
QUIT = frozenset({"quit", "exit", ":q"})


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Mount ``chat`` on the `newsbrief` CLI."""
    chat = subparsers.add_parser(
        "chat",
        help="ask the bot commands and questions in the terminal (scriptable from stdin)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    chat.add_argument("--demo", action="store_true", help="over a store filled from demo feeds")
    chat.add_argument("--store", metavar="URL", help="store URL (default: config, or memory)")
    chat.add_argument("--channel", help="channel to speak in (default: the first configured)")
    chat.add_argument("--user", default=None, help="who is asking (default: your login)")
    chat.add_argument(
        "--read-only", action="store_true", help="speak as a user who may not manage the channel"
    )
    chat.add_argument("--json", action="store_true", help="print replies as JSON lines")
    chat.set_defaults(func=cmd_chat)


def cmd_chat(args: argparse.Namespace) -> int:
    return asyncio.run(chat_main(args, stdin=sys.stdin, out=sys.stdout, console=Console()))


async def chat_main(
    args: argparse.Namespace, *, stdin: TextIO, out: TextIO, console: Console
) -> int:
    """Answer every line of ``stdin`` (or the terminal); ``--json`` replies go to ``out``."""
    app, conversations, channel = await _build(args, console)
    try:
        context = Context(
            channel=args.channel or channel,
            user=args.user or _login(),
            can_manage=not args.read_only,
        )
        interactive = stdin.isatty() and not args.json
        if interactive:
            console.print(
                f"newsbrief chat in {context.channel} — `help` lists the commands, `quit` leaves.",
                style="dim",
            )
        async for line in _lines(stdin, console, interactive=interactive):
            reply = await conversations.handle(context, line)
            if args.json:
                record = {"input": line, **reply_to_json(reply)}
                print(json.dumps(record, ensure_ascii=False), file=out, flush=True)
                continue
            if not interactive:
                console.print(f"> {line}", style="bold", markup=False, highlight=False)
            render_reply(console, reply)
    finally:
        await app.aclose()
    return 0


async def _build(args: argparse.Namespace, console: Console) -> tuple[App, Conversations, str]:
    if args.demo:
        from bot.demo import DemoTransport
        from bot.demo.run import DEMO_CHANNEL, EVERYTHING, demo_briefing, demo_settings

        settings = demo_settings(args.store or "sqlite:///:memory:")
        app = make_app(settings, fetcher=make_fetcher(settings, transport=DemoTransport()))
        app.sync_config()
        await poll_with_progress(
            app, app.store.list_feeds(), console=Console(stderr=True), label="ingesting demo feeds"
        )
        demo_briefing(app)  # numbered as `newsbrief demo` prints it: "quotes 4" works at once
        return app, Conversations(app, brief_since=EVERYTHING), DEMO_CHANNEL
    from bot.cli import settings_from

    settings = settings_from(args)
    if args.store:
        settings = settings.model_copy(
            update={"store": settings.store.model_copy(update={"url": args.store})}
        )
    app = make_app(settings)
    app.sync_config()
    channel = settings.channels[0].id if settings.channels else DEFAULT_CHANNEL
    return app, Conversations(app), channel


async def _lines(stdin: TextIO, console: Console, *, interactive: bool) -> AsyncIterator[str]:
    """Lines to answer: prompted at a terminal, else read from stdin until EOF."""
    source: Iterable[str]
    if interactive:
        while True:
            try:
                line = await asyncio.to_thread(console.input, "[bold cyan]you>[/] ")
            except EOFError:
                return
            if line.strip().casefold() in QUIT:
                return
            if line.strip():
                yield line.strip()
    source = stdin
    for raw in source:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.casefold() in QUIT:
            return
        yield line


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """A `Reply` as plain JSON types (for ``--json`` and for tests)."""
    data = asdict(reply)
    return json.loads(json.dumps(data, default=_json_default))  # type: ignore[no-any-return]


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "you"
