"""`newsbrief chat`'s loop: the conversations core in a terminal, as Slack and Discord run it.

Interactive at a terminal; otherwise it reads one command or question a line
from stdin (blank lines and ``#`` comments skipped), so it can be scripted::

    printf 'quotes lavrov\\nwho criticised Trump?\\n' | newsbrief chat --demo

``--demo`` fills a store from the bundled demo feeds first, offline. ``--json``
prints each reply as one JSON object a line instead of rich text (for scripts
and tests). The command itself (options, which store) is wired in ``bot.run``;
this loop gets the core and the renderer it needs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console

from bot.conversation.replies import Context, Reply, Responder

DEFAULT_CHANNEL = "console:chat"
QUIT = frozenset({"quit", "exit", ":q"})

Render = Callable[[Console, Reply], None]


async def chat_loop(
    conversations: Responder,
    context: Context,
    *,
    stdin: TextIO,
    out: TextIO,
    console: Console,
    as_json: bool,
    render: Render,
) -> int:
    """Answer every line of ``stdin`` (or the terminal); ``as_json`` replies go to ``out``,
    the others through ``render`` (the console adapter's)."""
    interactive = stdin.isatty() and not as_json
    if interactive:
        console.print(
            f"newsbrief chat in {context.channel} — `help` lists the commands, `quit` leaves.",
            style="dim",
        )
    async for line in _lines(stdin, console, interactive=interactive):
        reply = await conversations.handle(context, line)
        if as_json:
            record = {"input": line, **reply_to_json(reply)}
            print(json.dumps(record, ensure_ascii=False), file=out, flush=True)
            continue
        if not interactive:
            console.print(f"> {line}", style="bold", markup=False, highlight=False)
        render(console, reply)
    return 0


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
