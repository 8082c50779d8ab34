"""The `newsbrief` command line.

newsbrief demo            the whole job, offline, on bundled sample feeds
newsbrief run             scheduler + configured chat adapters (console without tokens)
newsbrief poll            fetch every feed once, with a progress bar
newsbrief feeds           feeds with status, last success, last error
newsbrief quotes FILE...  who-said-what of text files or HTML pages (or --jsonl for the scorer)
newsbrief eval GOLD       extractor metrics against annotated articles
newsbrief health          exit 0 when the running bot is alive (Docker HEALTHCHECK)
newsbrief stats           LLM token usage per day and model, against the daily budget
newsbrief prune           empty old stories, delete old log rows (store.retention_days)
newsbrief chat [--demo]   commands and follow-up questions in the terminal (stdin-scriptable)
newsbrief check           everything `run` would fail on, one line per problem (exit 0/1)
newsbrief db upgrade      migrate the store (db current: its revision)
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import io
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot import __version__
from bot.errors import ConfigError, NewsbriefError
from bot.logs import configure_logging, secret_values
from bot.settings import Settings, find_config_path, load_settings

if TYPE_CHECKING:
    from bot.app import App
    from bot.ingest import IngestReport
    from bot.ports import LLMCache, PruneReport

err_console = Console(stderr=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbrief",
        description="News briefings with who-said-what bullets for Slack and Discord.",
    )
    parser.add_argument("--version", action="version", version=f"newsbrief {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML config (default: $NEWSBRIEF_CONFIG, ./newsbrief.toml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser("demo", help="run the whole job offline on bundled sample feeds")
    demo.add_argument("--store", metavar="URL", default="sqlite:///:memory:", help="store URL")
    demo.set_defaults(func=cmd_demo)

    run = sub.add_parser("run", help="start the scheduler and the configured chat adapters")
    run.add_argument(
        "--log-format",
        choices=("text", "json"),
        help="log lines as readable text (default) or JSON objects (run.log_format)",
    )
    run.add_argument(
        "--health-port",
        type=_port,
        metavar="PORT",
        help="serve GET /health and /metrics on this port (run.health_port; 0: any free)",
    )
    run.set_defaults(func=cmd_run)

    poll = sub.add_parser("poll", help="fetch every feed once and summarise new stories")
    poll.set_defaults(func=cmd_poll)

    feeds = sub.add_parser("feeds", help="list feeds with status, last success, last error")
    feeds.add_argument(
        "--resume", metavar="URL", help="resume a feed that failures paused, then list"
    )
    feeds.set_defaults(func=cmd_feeds)

    opml = sub.add_parser("opml", help="import or export the feed list as OPML")
    opml_sub = opml.add_subparsers(dest="opml_command", metavar="ACTION", required=True)
    opml_import = opml_sub.add_parser("import", help="add every feed an OPML file lists")
    opml_import.add_argument("file", type=Path, help="OPML file from another feed reader")
    opml_import.add_argument(
        "--channel", metavar="ID", help='also subscribe this channel, e.g. "slack:C0123ABCD"'
    )
    opml_import.set_defaults(func=cmd_opml_import)
    opml_export = opml_sub.add_parser("export", help="write every stored feed as OPML")
    opml_export.add_argument("-o", "--output", type=Path, help="file (default: stdout)")
    opml_export.set_defaults(func=cmd_opml_export)

    health = sub.add_parser("health", help="exit 0 when the running bot is alive")
    health.add_argument("--max-age", type=float, default=180.0, help="heartbeat age, seconds")
    health.set_defaults(func=cmd_health)

    stats = sub.add_parser("stats", help="LLM token usage per day and model, against the budget")
    stats.add_argument("--days", type=int, default=7, help="how many days back (default 7)")
    stats.add_argument("--json", action="store_true", help="print the usage as JSON")
    stats.set_defaults(func=cmd_stats)

    prune = sub.add_parser(
        "prune",
        help="empty stories older than the retention window; delete old deliveries and items",
    )
    prune.add_argument(
        "--older-than",
        metavar="DAYS",
        type=_days,
        help="prune what is older than this many days (default: store.retention_days)",
    )
    prune.add_argument(
        "--dry-run", action="store_true", help="count what would be pruned; change nothing"
    )
    prune.set_defaults(func=cmd_prune)

    from summarizer.cli import register

    register(sub, open_llm_cache=open_llm_cache, read_article=read_article_file)

    chat = sub.add_parser(
        "chat",
        help="ask the bot commands and questions in the terminal (scriptable from stdin)",
        description="The conversations core in a terminal, the same code Slack and Discord run.",
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
    from bot.check import register as register_check

    register_check(sub)
    from bot.db_commands import register as register_db

    register_db(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        err_console.print(f"[bold red]configuration error:[/] {escape(str(exc))}", highlight=False)
        return 2
    except NewsbriefError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        return 1
    except KeyboardInterrupt:
        return 130


def open_llm_cache(settings: Settings) -> tuple[LLMCache, Callable[[], None]]:
    """The store as ``quotes --llm``'s cache, and its closer; raises ``StoreError``."""
    from bot.store import make_store

    store = make_store(settings.store.url)
    return store, store.close


_GZIP_MAGIC = b"\x1f\x8b"
_MAX_FILE_BYTES = 50_000_000  # a page or an article, not an archive
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})


def read_article_file(path: Path) -> str:
    """``newsbrief quotes FILE``'s text: an HTML page (by its name or its content; gzipped
    too) read the way ingest reads a fetched page (``bot.ingest.fulltext.page_text``),
    anything else as plain text. Raises OSError when the file cannot be read. Lives in
    the CLI root because the summarizer may not import ingest."""
    from bot.ingest.fulltext import looks_like_html, page_text

    data = path.read_bytes()
    if data[:2] == _GZIP_MAGIC:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                data = f.read(_MAX_FILE_BYTES)
        except (OSError, EOFError) as exc:
            raise OSError(f"{path}: not a readable gzip file ({exc})") from exc
    suffixes = {s.lower() for s in path.suffixes}
    if suffixes & _HTML_SUFFIXES or looks_like_html(data):
        return page_text(data)
    return data.decode("utf-8", errors="replace")


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(find_config_path(getattr(args, "config", None)))


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.run import demo_main

    return asyncio.run(demo_main(Console(), store_url=args.store))


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.run import chat_main

    settings = None if args.demo else settings_from(args)
    return asyncio.run(chat_main(args, settings, stdin=sys.stdin, out=sys.stdout))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.run import run_forever

    settings = _with_run_options(settings_from(args), args)
    configure_logging(
        settings.run.log_level, settings.run.log_format, secrets=secret_values(settings)
    )
    return asyncio.run(run_forever(settings))


def _with_run_options(settings: Settings, args: argparse.Namespace) -> Settings:
    """``run``'s command-line options over the config's [run] section."""
    update = {
        key: value
        for key, value in (("log_format", args.log_format), ("health_port", args.health_port))
        if value is not None
    }
    if not update:
        return settings
    return settings.model_copy(update={"run": settings.run.model_copy(update=update)})


def cmd_poll(args: argparse.Namespace) -> int:
    from bot.config_sync import sync_config
    from bot.progress import poll_with_progress
    from bot.run import make_app

    app = make_app(settings_from(args))

    async def poll() -> list[IngestReport] | None:
        try:
            sync_config(app.store, app.settings, now=datetime.now(UTC))
            feeds = app.store.list_feeds()
            if not feeds:
                return None
            reports = await poll_with_progress(app.poll, feeds, console=err_console)
            # Stories an earlier poll stored but was killed before quoting.
            await app.quote_pending(now=datetime.now(UTC))
            return reports
        finally:
            await app.aclose()  # the HTTP connections and the store's pool

    reports = asyncio.run(poll())
    if reports is None:
        err_console.print("No feeds configured: add [[feeds]] to your config file.", markup=False)
        return 1
    # Two feeds listing one story each report it: a story is new once, whoever stored it.
    new = len({s.id if s.id is not None else s.url for r in reports for s in r.new_stories})
    failed = [r for r in reports if r.status == "error"]
    Console().print(f"{len(reports)} feeds polled, {new} new stories, {len(failed)} failed.")
    for report in failed:
        err_console.print(
            f"  [red]✗[/] {escape(report.feed_url)}: {escape(report.error or '')}", highlight=False
        )
    for report in reports:
        for reason in report.skip_reasons:
            err_console.print(
                f"  [yellow]skipped[/] {escape(report.feed_url)} {escape(reason)}", highlight=False
            )
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    from bot.run import make_app

    app = make_app(settings_from(args))
    try:
        return _show_feeds(app, args)
    finally:
        asyncio.run(app.aclose())


def _show_feeds(app: App, args: argparse.Namespace) -> int:
    from bot.config_sync import sync_config

    sync_config(app.store, app.settings, now=datetime.now(UTC))
    if getattr(args, "resume", None):
        app.store.get_feed(args.resume)  # NotFoundError names an unknown URL
        app.store.resume_feed(args.resume)
        err_console.print(f"resumed {args.resume}; `newsbrief run` polls it on its next tick")
    next_polls = app.store.next_polls()
    table = Table(title="Feeds", header_style="bold")
    for column in ("feed", "status", "last success", "failures", "last error", "next poll"):
        table.add_column(column, overflow="fold")
    for feed in app.store.list_feeds():
        status = "[yellow]paused[/]" if feed.paused else "[green]active[/]"
        if not feed.paused and feed.consecutive_failures:
            status = "[red]failing[/]"
        table.add_row(
            feed.title or feed.url if feed.title is None else f"{feed.title}\n{feed.url}",
            status,
            _when(feed.last_success_at),
            str(feed.consecutive_failures),
            feed.last_error or "",
            "—" if feed.paused else _when(next_polls.get(feed.url)).replace("never", "now"),
        )
    Console().print(table)
    return 0


def cmd_opml_import(args: argparse.Namespace) -> int:
    from bot.opml import parse_opml
    from bot.store import make_store

    try:
        document = args.file.read_bytes()
    except OSError as exc:
        err_console.print(f"cannot read {args.file}: {exc.strerror or exc}", highlight=False)
        return 1
    found = parse_opml(document)
    with make_store(settings_from(args).store.url) as store:
        known = {f.url for f in store.list_feeds()}
        for feed in found.feeds:
            store.add_feed(feed.url, title=feed.title)
            if args.channel:
                store.subscribe(args.channel, feed.url)
    added = sum(1 for f in found.feeds if f.url not in known)
    where = f", subscribed {args.channel}" if args.channel else ""
    Console().print(
        f"{len(found.feeds)} feeds in {args.file}: {added} new, "
        f"{len(found.feeds) - added} already known{where}.",
        highlight=False,
    )
    for reason in found.skipped:
        err_console.print(f"  [yellow]skipped[/] {escape(reason)}", highlight=False)
    return 0


def cmd_opml_export(args: argparse.Namespace) -> int:
    from bot.opml import render_opml
    from bot.store import make_store

    with make_store(settings_from(args).store.url) as store:
        document = render_opml(store.list_feeds())
    if args.output is None:
        sys.stdout.write(document)
    else:
        args.output.write_text(document, encoding="utf-8")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    path = settings.run.heartbeat_file
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        err_console.print(f"unhealthy: no heartbeat at {path}; is `newsbrief run` running?")
        return 1
    if age > args.max_age:
        err_console.print(f"unhealthy: last heartbeat {age:.0f}s ago (limit {args.max_age:.0f}s)")
        return 1
    print(f"healthy: heartbeat {age:.0f}s ago")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.store import make_store
    from summarizer.llm_cli import usage_json, usage_rows, usage_table

    settings = settings_from(args)
    budget = settings.llm.daily_token_budget
    with make_store(settings.store.url) as store:
        rows = usage_rows(store, days=args.days)
    if args.json:
        print(usage_json(rows, budget=budget))
        return 0
    if not rows:
        Console().print("No LLM usage recorded (the LLM summarizer is off or unused).")
    else:
        Console().print(usage_table(rows, budget=budget))
    return 0


def _port(value: str) -> int:
    """argparse type of --health-port: 0 (any free port) to 65535."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number, 0 to 65535 (got {value!r})")
    return int(value)


def _days(value: str) -> int:
    """argparse type of --older-than: a whole number of days, at least 1."""
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days, at least 1 (got {value!r})"
        )
    return days


def cmd_prune(args: argparse.Namespace) -> int:
    from bot.store import make_store

    settings = settings_from(args)
    days = args.older_than or settings.store.retention_days
    if days is None:
        err_console.print(
            "Nothing to prune by: pass --older-than DAYS, or set store.retention_days "
            "in the config file (NEWSBRIEF_STORE__RETENTION_DAYS).",
            highlight=False,
        )
        return 2
    before = datetime.now(UTC) - timedelta(days=days)
    with make_store(settings.store.url) as store:
        report = store.prune(before, dry_run=args.dry_run)
    Console().print(_prune_table(report, days=days, before=before))
    return 0


def _prune_table(report: PruneReport, *, days: int, before: datetime) -> Table:
    title = "Would prune (dry run: nothing changed)" if report.dry_run else "Pruned"
    caption = f"older than {days} days: before {_when(before)}"
    table = Table(title=title, caption=caption, header_style="bold")
    table.add_column("what", overflow="fold")
    table.add_column("rows", justify="right")
    rows = (
        ("stories emptied (text; title, link and keys kept)", report.stories),
        ("quotes deleted", report.quotes),
        ("finished deliveries deleted", report.deliveries),
        ("briefing items deleted", report.briefing_items),
        ("LLM cache entries deleted", report.llm_cache),
    )
    for what, count in rows:
        table.add_row(what, f"{count:,}")
    return table


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    sys.exit(main())
