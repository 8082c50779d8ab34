"""A progress bar over a poll, for the commands a person runs at a terminal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.domain import Feed
from bot.ingest import IngestReport

# ``App.poll``: poll these feeds, calling ``on_progress`` after each.
Poll = Callable[..., Awaitable[list[IngestReport]]]


async def poll_with_progress(
    poll: Poll, feeds: Sequence[Feed], *, console: Console, label: str = "polling feeds"
) -> list[IngestReport]:
    """``poll(feeds)`` with a bar on ``console`` that advances per feed (terminals only)."""
    progress = Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task(label, total=len(feeds))

    def advance(_report: IngestReport) -> None:
        progress.advance(task)

    with progress:
        return await poll(feeds, on_progress=advance)
