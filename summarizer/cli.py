"""`newsbrief quotes`, `bullets` and `eval`: subcommands bot/cli.py mounts via `register`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from summarizer import extract_quotes
from summarizer.bullets import BRIEFING_BULLETS
from summarizer.evaluate import bullets_record, prediction_record, render_report, score

if TYPE_CHECKING:
    from summarizer.llm_cli import CacheOpener

_PROGRESS_MIN = 20

ArticleReader = Callable[[Path], str]
"""A file's article text; raises OSError when it cannot be read. The CLI root passes one
that reads HTML pages the way ingest does (the summarizer never imports ingest)."""


def plain_text(path: Path) -> str:
    """The default `ArticleReader`: the file as UTF-8 text."""
    return path.read_text(encoding="utf-8", errors="replace")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    open_llm_cache: CacheOpener | None = None,
    read_article: ArticleReader = plain_text,
) -> None:
    """Add the ``quotes``, ``bullets`` and ``eval`` subcommands.

    ``open_llm_cache`` opens the shared LLM cache for ``quotes --llm`` (the CLI passes
    the store's; the summarizer never opens a store itself). ``read_article`` reads
    ``quotes FILE`` (the CLI passes one that reads HTML pages as ingest does).
    """
    q = subparsers.add_parser("quotes", help="extract who-said-what from articles")
    q.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="articles: plain text, or HTML pages (read as ingest reads them; .gz too)",
    )
    q.add_argument("--jsonl", type=Path, help="input lines with id and text")
    q.add_argument("-o", "--output", type=Path, help="where --jsonl predictions go")
    q.add_argument(
        "--llm", action="store_true", help="use the configured model (verified; offline on failure)"
    )
    q.set_defaults(func=quotes_command, open_llm_cache=open_llm_cache, read_article=read_article)
    b = subparsers.add_parser("bullets", help="the who-said-what bullets a briefing would show")
    b.add_argument("--jsonl", type=Path, required=True, help="input lines with id and text")
    b.add_argument("-o", "--output", type=Path, help="where the bullets go (default: stdout)")
    b.add_argument(
        "--max",
        type=int,
        default=BRIEFING_BULLETS,
        metavar="N",
        help=f"bullets per story (default {BRIEFING_BULLETS}, as in a briefing)",
    )
    b.set_defaults(func=bullets_command)
    e = subparsers.add_parser("eval", help="score the extractor against gold attributions")
    e.add_argument("gold", type=Path, help="gold JSONL (PolNeAR format)")
    e.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N errors")
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    e.set_defaults(func=eval_command)


def quotes_command(args: argparse.Namespace) -> int:
    if args.jsonl is None and not args.files:
        print("newsbrief quotes: give FILE... or --jsonl IN.jsonl", file=sys.stderr)
        return 2
    if getattr(args, "llm", False):
        return _quotes_llm(args)
    try:
        if args.jsonl is not None:
            return _quotes_jsonl(args.jsonl, args.output)
        return _quotes_files(args.files, getattr(args, "read_article", plain_text))
    except (OSError, ValueError) as exc:
        print(f"newsbrief quotes: {exc}", file=sys.stderr)
        return 1


def _quotes_files(files: list[Path], read_article: ArticleReader) -> int:
    console = Console()
    for path in files:
        text = read_article(path)
        table = Table(title=str(path), show_lines=False)
        for col in ("speaker", "kind", "cue", "quote"):
            table.add_column(col, overflow="fold")
        for q in extract_quotes(text):
            table.add_row(q.speaker_label, q.kind.value, q.cue or "", q.text)
        console.print(table)
    return 0


def _quotes_llm(args: argparse.Namespace) -> int:
    from bot.settings import find_config_path, load_settings
    from summarizer.llm_cli import quotes_llm

    if args.jsonl is not None or not args.files:
        print("newsbrief quotes --llm: give FILE... (--jsonl is offline only)", file=sys.stderr)
        return 2
    settings = load_settings(find_config_path(getattr(args, "config", None)))
    try:
        return quotes_llm(
            args.files,
            settings,
            Console(),
            open_cache=getattr(args, "open_llm_cache", None),
            read_article=getattr(args, "read_article", None),
        )
    except OSError as exc:
        print(f"newsbrief quotes: {exc}", file=sys.stderr)
        return 1


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or "id" not in row or "text" not in row:
                raise ValueError(f"{path}:{n}: needs 'id' and 'text'")
            yield row


def _quotes_jsonl(src: Path, dst: Path | None) -> int:
    rows = list(_read_jsonl(src))
    out: TextIO = dst.open("w", encoding="utf-8") if dst else sys.stdout
    try:
        for row in _progress(rows, "extracting"):
            rec = prediction_record(str(row["id"]), str(row["text"]))
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if dst:
            out.close()
    return 0


def bullets_command(args: argparse.Namespace) -> int:
    """One line a story: ``{"id", "bullets": [{"speaker", "role", "quotes", "line"}]}``,
    the format the shared scorer's ``--bullets`` mode reads."""
    try:
        rows = list(_read_jsonl(args.jsonl))
        out: TextIO = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    except (OSError, ValueError) as exc:
        print(f"newsbrief bullets: {exc}", file=sys.stderr)
        return 1
    try:
        for row in _progress(rows, "composing"):
            rec = bullets_record(str(row["id"]), str(row["text"]), max_bullets=max(0, args.max))
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if args.output:
            out.close()
    return 0


def eval_command(args: argparse.Namespace) -> int:
    try:
        gold = list(_read_jsonl(args.gold))
    except (OSError, ValueError) as exc:
        print(f"newsbrief eval: {exc}", file=sys.stderr)
        return 1
    preds = {}
    for art in _progress(gold, "scoring"):
        preds[art["id"]] = prediction_record(art["id"], art["text"])["quotes"]
    report = score(gold, preds, n_errors=args.errors)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    console = Console()
    console.print(render_report(report))
    for err in report.get("errors", []):
        console.print(json.dumps(err, ensure_ascii=False), markup=False, highlight=False)
    return 0


def _progress(rows: list[dict[str, Any]], label: str) -> Iterator[dict[str, Any]]:
    """Rows, with a progress bar on stderr when it is a terminal and the input is long."""
    if len(rows) < _PROGRESS_MIN or not sys.stderr.isatty():
        yield from rows
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=len(rows))
        for row in rows:
            yield row
            bar.advance(task)
