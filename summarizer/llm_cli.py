"""The command-line faces of the LLM summarizer: ``quotes --llm`` and ``stats``.

`summarizer.cli` (``quotes --llm FILE...``) and `bot.cli` (``stats``) call these;
neither imports ``openai`` unless a model is actually used.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.domain import Story
from bot.errors import StoreError
from bot.ports import LLMCache, LLMUsage
from summarizer.llm_cache import MemoryLLMCache

if TYPE_CHECKING:
    from bot.settings import Settings
    from summarizer.llm import LLMOutcome

# Opens the LLM cache the settings name (the store's): the cache and how to close it.
CacheOpener = Callable[["Settings"], tuple[LLMCache, Callable[[], None]]]


def quotes_llm(
    files: Sequence[Path],
    settings: Settings,
    console: Console,
    *,
    open_cache: CacheOpener | None = None,
    read_article: Callable[[Path], str] | None = None,
) -> int:
    """Summarise each file with the configured model (verified; offline on failure) and print it.

    ``open_cache`` (the CLI passes one over the configured store) gives the cache and its
    closer, so repeated runs cost nothing and count toward the daily budget; without one,
    or when it raises ``StoreError``, the cache is in memory. ``read_article`` reads a
    file's text (default: plain UTF-8). Returns the exit code.
    """
    from summarizer.llm import LLMSummarizer, llm_config

    config = llm_config(settings)
    if config is None:
        console.print(
            "newsbrief quotes --llm: no model configured: set OPENAI_API_KEY, "
            "or llm.base_url and llm.model (see config/newsbrief.example.toml)",
            highlight=False,
        )
        return 2
    stories = [
        Story(
            url=path.resolve().as_uri(),
            title=path.stem,
            text=(
                read_article(path)
                if read_article is not None
                else path.read_text(encoding="utf-8", errors="replace")
            ),
            feed_url="file",
        )
        for path in files
    ]
    cache, close = _open(open_cache, settings, console)
    summarizer = LLMSummarizer(config, cache=cache)

    async def run() -> list[LLMOutcome]:
        try:
            return [await summarizer.summarize_detailed(story) for story in stories]
        finally:
            await summarizer.aclose()

    try:
        outcomes = asyncio.run(run())
    finally:
        close()
    for path, outcome in zip(files, outcomes, strict=True):
        console.print(outcome_table(str(path), outcome, model=config.model))
    return 0


def _open(
    open_cache: CacheOpener | None, settings: Settings, console: Console
) -> tuple[LLMCache, Callable[[], None]]:
    if open_cache is None:
        return MemoryLLMCache(), lambda: None
    try:
        return open_cache(settings)
    except StoreError as exc:
        console.print(f"[yellow]store unusable ({escape(str(exc))}): cache in memory[/]")
        return MemoryLLMCache(), lambda: None


def outcome_table(title: str, outcome: LLMOutcome, *, model: str) -> Table:
    """One file's result: bullets (verified quotes), paraphrases, and where they came from."""
    counts = outcome.counts
    source = {"llm": f"model {model}", "cache": f"cache ({model})", "offline": "offline extractor"}
    caption = (
        f"{source[outcome.source]}; {counts.verified} quotes verified, {counts.rejected} refused"
    )
    if outcome.reason:
        caption += f"; {outcome.reason}"
    table = Table(title=f"{title}\n{outcome.summary.gist}", caption=caption, title_justify="left")
    for col in ("speaker", "kind", "quote"):
        table.add_column(col, overflow="fold")
    for bullet in outcome.summary.bullets:
        who = f"{bullet.speaker} ({bullet.speaker_role})" if bullet.speaker_role else bullet.speaker
        for quote in bullet.quotes:
            table.add_row(escape(who), quote.kind.value, escape(quote.text))
    for p in outcome.paraphrases:
        who = f"{p.speaker} ({p.role})" if p.role else p.speaker
        table.add_row(escape(who), "paraphrase", f"[italic]{escape(p.text)}[/]")
    return table


def usage_rows(cache: LLMCache, *, days: int, today: date | None = None) -> list[LLMUsage]:
    today = today or datetime.now(UTC).date()
    return cache.llm_usage(since=today - timedelta(days=max(0, days - 1)))


def usage_table(rows: Sequence[LLMUsage], *, budget: int, today: date | None = None) -> Table:
    """Token usage per day and model, with today's share of the daily budget."""
    today = today or datetime.now(UTC).date()
    used = sum(u.tokens for u in rows if u.day == today)
    table = Table(
        title="LLM usage",
        caption=f"today: {used:,} of {budget:,} tokens ({_share(used, budget)})",
        header_style="bold",
    )
    columns = ("day", "model", "requests", "prompt", "completion", "cache hits", "fallbacks")
    for col in (*columns, "quotes verified", "quotes refused"):
        table.add_column(col, justify="left" if col in ("day", "model") else "right")
    for u in rows:
        table.add_row(
            u.day.isoformat(),
            escape(u.model),
            *(
                f"{v:,}"
                for v in (
                    u.requests,
                    u.prompt_tokens,
                    u.completion_tokens,
                    u.cache_hits,
                    u.failures,
                    u.quotes_verified,
                    u.quotes_rejected,
                )
            ),
        )
    return table


def usage_json(rows: Sequence[LLMUsage], *, budget: int) -> str:
    out: list[dict[str, Any]] = [
        {
            "day": u.day.isoformat(),
            "model": u.model,
            "requests": u.requests,
            "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens,
            "cache_hits": u.cache_hits,
            "fallbacks": u.failures,
            "quotes_verified": u.quotes_verified,
            "quotes_refused": u.quotes_rejected,
        }
        for u in rows
    ]
    return json.dumps({"daily_token_budget": budget, "usage": out}, indent=2)


def _share(used: int, budget: int) -> str:
    return f"{100 * used / budget:.1f}%" if budget else "budget 0: the model is never called"
