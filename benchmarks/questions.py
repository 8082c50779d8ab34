"""Question benchmark: questions people ask in a channel, with expected answers, scored.

    .venv/bin/python benchmarks/questions.py                      # offline, demo + real news
    .venv/bin/python benchmarks/questions.py --model              # + a scripted model on loopback
    .venv/bin/python benchmarks/questions.py --latency [--postgres] [--stories 10000]
    .venv/bin/python benchmarks/questions.py --questions held-out.jsonl   # another question set

The questions (``benchmarks/questions.jsonl``, one JSON object a line) are
asked through `Conversations.handle`, the code every platform runs, against
two stores: the bundled demo feeds (ingested offline, the demo's briefing
recorded, so "story 4" means what `newsbrief demo` printed; "now" is
25 Nov 2026 09:00 UTC) and the real-news dev articles of
``../shared/data/realnews/dev.jsonl`` (ingested into an in-memory store, one
feed per site). Questions sharing a ``thread`` are asked in order in one
thread ("what else did she say?").

An answer is right when every check of its ``expect`` holds:

  speakers   each of these is among the cited speakers (case-insensitive substring)
  only       every cited speaker is one of these, and something is cited
  nothing    nothing is cited and the text says so (nobody / nothing / no … / none)
  text       each of these is in the reply's text
  cites      this is in the text of some cited quote
  story      every citation is from a story whose link has this

``--model`` asks again with an LLM configured: a scripted OpenAI-compatible
server on loopback phrases an answer over the quotes it is sent (it quotes the
first one's opening words and cites them all), and the model's answer passes
the same verification as every other model answer. ``--latency`` seeds
``--stories`` synthetic stories of 10 quotes each (benchmarks/commands.py's
seeder) and times each question shape there: p50/p99 of
`Conversations.handle`, server-side. Exit 1 when a goal is missed (95% right;
p99 ≤ 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _scratch import PostgresDown, scratch_store_url  # noqa: E402

from bot.app import App  # noqa: E402
from bot.conversation.core import Conversations  # noqa: E402
from bot.conversation.replies import Context, Reply  # noqa: E402
from bot.domain import Story  # noqa: E402
from bot.run import make_app, make_fetcher  # noqa: E402
from bot.settings import Settings, StoreSettings  # noqa: E402

QUESTIONS = Path(__file__).with_name("questions.jsonl")
REALNEWS = ROOT.parent / "shared" / "data" / "realnews" / "dev.jsonl"
DEMO_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
REAL_NOW = datetime(2019, 11, 25, 9, 0, tzinfo=UTC)
GOAL_RIGHT = 0.95
GOAL_P99_MS = 50.0
_NOTHING = re.compile(r"\b(?:nobody|nothing|no\b|none|not\b|isn't)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Question:
    set: str
    text: str
    expect: dict[str, Any]
    thread: str | None = None


def load_questions(path: Path) -> list[Question]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            record = json.loads(line)
            found.append(
                Question(record["set"], record["q"], record["expect"], record.get("thread"))
            )
    return found


def judge(reply: Reply, expect: dict[str, Any]) -> list[str]:
    """What is wrong with ``reply`` by ``expect`` (see the module docstring); [] = right."""
    wrong = []
    cited = [c.speaker.casefold() for c in reply.citations]
    for name in expect.get("speakers", []):
        if not any(name.casefold() in s for s in cited):
            wrong.append(f"{name!r} not cited")
    only = [n.casefold() for n in expect.get("only", [])]
    if only:
        if not cited:
            wrong.append("nothing cited")
        stray = sorted({s for s in cited if not any(n in s for n in only)})
        if stray:
            wrong.append(f"also cited {stray}")
    if expect.get("nothing"):
        if reply.citations:
            wrong.append(f"cited {sorted(set(cited))} instead of saying nothing is stored")
        if not _NOTHING.search(reply.text):
            wrong.append("does not say nothing is stored")
    for words in expect.get("text", []):
        if words.casefold() not in reply.text.casefold():
            wrong.append(f"text lacks {words!r}")
    if "cites" in expect:
        wanted = expect["cites"].casefold()
        if not any(wanted in c.text.casefold() for c in reply.citations):
            wrong.append(f"no cited quote has {expect['cites']!r}")
    story = expect.get("story")
    if story is not None and (
        not reply.citations or any(story not in c.story_url for c in reply.citations)
    ):
        wrong.append(f"not all citations from {expect['story']!r}")
    return wrong


# stores


async def demo_app(store_url: str = "sqlite:///:memory:") -> App:
    from bot.config_sync import sync_config
    from bot.demo import DemoTransport
    from bot.demo.run import demo_briefing, demo_settings
    from bot.progress import poll_with_progress

    settings = demo_settings(store_url)
    app = make_app(settings, fetcher=make_fetcher(settings, transport=DemoTransport()))
    sync_config(app.store, settings, now=datetime.now(UTC))
    await poll_with_progress(
        app.poll, app.store.list_feeds(), console=Console(stderr=True, quiet=True), label="demo"
    )
    demo_briefing(app)
    return app


def realnews_app(path: Path = REALNEWS, store_url: str = "sqlite:///:memory:") -> App:
    """The real-news dev articles in a store: one feed per site, quotes by the extractor."""
    app = make_app(Settings(store=StoreSettings(url=store_url)))
    articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    feeds: dict[str, str] = {}
    for article in articles:
        site = urlparse(article["url"]).netloc
        feeds.setdefault(site, f"https://{site}/feed")
    for site, url in feeds.items():
        app.store.add_feed(url, title=site.removeprefix("www."))
    items = []
    for article in articles:
        text = article["text"]
        title = " ".join(text.split("\n")[0].split()[:14])
        story = Story(
            url=article["url"],
            title=title,
            text=text,
            feed_url=feeds[urlparse(article["url"]).netloc],
        )
        items.append((story, [f"url:{article['url']}"]))
    for stored in app.store.add_stories(items, fetched_at=REAL_NOW):
        assert stored.id is not None
        app.store.save_quotes(stored.id, app.summarizer.summarize(stored).quotes)
    return app


# asking


async def ask_all(
    conversations: Conversations, questions: list[Question], channel: str, mode: str
) -> list[tuple[Question, Reply, float]]:
    answered = []
    for n, question in enumerate(questions):
        # Threads of their own per mode: the store keeps a thread's memory, and the
        # offline run's "what else" would otherwise have shown everything already.
        thread = f"bench-thread:{mode}:{question.thread or f'q{n}'}"
        context = Context(channel=channel, user="bench", thread_of=thread)
        t0 = time.perf_counter()
        reply = await conversations.handle(context, question.text)
        answered.append((question, reply, (time.perf_counter() - t0) * 1000))
    return answered


def score(
    console: Console, label: str, answered: list[tuple[Question, Reply, float]], *, verbose: bool
) -> tuple[int, int]:
    right = 0
    by_set: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for question, reply, _ in answered:
        wrong = judge(reply, question.expect)
        by_set[question.set][1] += 1
        if not wrong:
            right += 1
            by_set[question.set][0] += 1
        elif verbose:
            console.print(f"[red]✗[/] [{question.set}] {question.text}", markup=True)
            console.print(f"    {'; '.join(wrong)}", markup=False)
            console.print(f"    → {reply.text[:200]!r}", markup=False)
    parts = ", ".join(f"{s} {r}/{n}" for s, (r, n) in sorted(by_set.items()))
    total = len(answered)
    console.print(f"{label}: {right}/{total} right ({right / max(1, total):.1%}; {parts})")
    return right, total


@contextmanager
def scripted_model(app: App) -> Iterator[None]:
    """``app`` with an LLM configured: a scripted model on a loopback server."""
    from summarizer.llm import ANSWER_PROMPT, LLMConfig, LLMSummarizer
    from summarizer.testing import FakeOpenAI, Scripted, answer_json, error

    class Phrasing(FakeOpenAI):
        """Answers each question from the quotes it is sent; summaries are refused (400),
        so stories keep their offline summaries."""

        def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Scripted:
            super()._next(body, headers)
            messages = body.get("messages", [])
            if not messages or messages[0].get("content") != ANSWER_PROMPT:
                return error(400, "summaries are not scripted")
            quotes = re.findall(r"^\[(\d+)\] ([^,]+?)(?: \(.*?\))?, in .*?: (.*)$",
                                messages[1]["content"], re.MULTILINE)  # fmt: skip
            if not quotes:
                return Scripted(content=answer_json("The quotes do not answer that.", []))
            first_words = " ".join(quotes[0][2].split()[:6])
            text = f"{quotes[0][1]} said “{first_words}” [1]."
            return Scripted(content=answer_json(text, [int(q[0]) for q in quotes]))

    offline = app.summarizer
    with Phrasing() as server:
        config = LLMConfig(model="scripted", base_url=server.base_url, api_key="k", max_retries=0)
        app.summarizer = LLMSummarizer(config, fallback=offline)
        try:
            yield
        finally:
            app.summarizer = offline


async def accuracy(args: argparse.Namespace, console: Console) -> bool:
    questions = load_questions(Path(args.questions))
    sets = {q.set for q in questions}
    apps: dict[str, tuple[App, datetime, str]] = {}
    if "demo" in sets:
        from bot.demo.run import DEMO_CHANNEL

        apps["demo"] = (await demo_app(), DEMO_NOW, DEMO_CHANNEL)
    if "realnews" in sets:
        if not REALNEWS.exists():
            console.print(f"[yellow]skipped the realnews questions:[/] no {REALNEWS}")
        else:
            apps["realnews"] = (realnews_app(), REAL_NOW, "console:realnews")
    ok = True
    try:
        for mode in ("offline", "scripted model") if args.model else ("offline",):
            answered = []
            for name, (app, now, channel) in apps.items():
                asked = [q for q in questions if q.set == name]
                conversations = Conversations(app, clock=lambda now=now: now)
                if mode == "offline":
                    answered += await ask_all(conversations, asked, channel, mode)
                else:
                    with scripted_model(app):
                        answered += await ask_all(conversations, asked, channel, mode)
            right, total = score(console, f"{args.questions} ({mode})", answered, verbose=True)
            if mode != "offline":
                phrased = sum(1 for _, reply, _ in answered if "[1]" in reply.text)
                console.print(f"  answers phrased by the model and verified: {phrased}/{total}")
            ok = ok and right >= GOAL_RIGHT * total
    finally:
        for app, _, _ in apps.values():
            await app.aclose()
    return ok


# latency at scale


def latency_questions(
    people: dict[str, str], rng: random.Random, words: list[str]
) -> dict[str, list[str]]:
    def surname(name: str) -> str:
        return name.split()[-1]

    topics = [" ".join(rng.sample(words, 2)) for _ in range(40)]
    names = list(people.values())
    about = [f"what did {names[i % 3]} say about {t}?" for i, t in enumerate(topics)]
    role = [f"what did the chief executive say about {t}?" for t in topics]
    return {
        "who is X?": [f"who is {n}?" for n in names],
        "what did X say?": [f"what did {surname(n)} say?" for n in names],
        "what did X say about Y?": about,
        "what did the <role> say about Y?": role,
        "what else did he say?": ["what else did he say?"],
        'who said "…"?': [f'who said "{t}"?' for t in topics],
        "who criticised X?": [f"who criticised {surname(n)}?" for n in names],
        "who warned about Y?": [f"who warned about {t}?" for t in topics],
        "what is story N about?": [f"what is story {n} about?" for n in range(1, 6)],
        "what's new on Y since yesterday?": [f"what's new on {t} since yesterday?" for t in topics],
        "how many sources reported Y?": [f"how many sources reported {t}?" for t in topics],
        "unknown person": ["quotes nobody-by-this-name", "who is Zebediah Quinterro?"],
        "unknown topic": ["what about penguins?", "what did Lavrov say about penguins?"],
    }  # fmt: skip


async def latency(args: argparse.Namespace, console: Console) -> bool:
    import commands as seeding

    from bot.briefing import compose_briefing
    from bot.store import make_store

    rng = random.Random(args.seed)
    ok = True
    with scratch_store_url(postgres=args.postgres, given=args.store) as url:
        store = make_store(url)
        t0 = time.perf_counter()
        if not store.recent_stories(limit=1):
            seeding.seed(store, n_stories=args.stories, per_story=10, rng=rng)
        seeding.settle(store)
        backend = store.engine.dialect.name
        console.print(
            f"seeded {args.stories:,} stories, {args.stories * 10:,} quotes into {backend} "
            f"in {time.perf_counter() - t0:.0f}s"
        )
        app = make_app(Settings(store=StoreSettings(url=url)), store=store)
        now = datetime(2026, 12, 1, tzinfo=UTC)
        stories = store.recent_stories(limit=5)
        from bot.briefing import Candidate

        briefing = compose_briefing(
            "console:bench",
            [Candidate(s, app.summary_of(s), "bench") for s in stories],
            now=now,
        )
        store.record_briefing(briefing, at=now)
        conversations = Conversations(app, clock=lambda: now)
        people = seeding.pick_people(store)
        shapes = latency_questions(people, rng, seeding.CORE_WORDS)
        rows = []
        everything: list[float] = []
        from bot.store.schema import quotes as quote_table

        pk = sa.select(quote_table).where(quote_table.c.story_id == 1, quote_table.c.ordinal == 0)
        floor_samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            with store.engine.connect() as conn:
                conn.execute(pk).all()
            floor_samples.append((time.perf_counter() - t) * 1000)
        floor = percentile(floor_samples, 0.5)
        for label, texts in shapes.items():
            samples = []
            for i in range(args.runs + 3):
                context = Context(channel="console:bench", user="bench", thread_of="t")
                if label == "what else did he say?":
                    await conversations.handle(context, f"what did {people['frequent']} say?")
                t = time.perf_counter()
                await conversations.handle(context, texts[i % len(texts)])
                if i >= 3:  # warm-up
                    samples.append((time.perf_counter() - t) * 1000)
            everything += samples
            rows.append((label, samples))
        await app.aclose()
    lines = [
        f"#### {backend}: {args.stories:,} stories, {args.stories * 10:,} quotes, "
        f"{args.runs} runs per question shape",
        "",
        f"baseline: one quote by primary key, p50 {floor:.2f} ms",
        "",
        "| question | p50 ms | p99 ms | max ms | p50 × pk read |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, samples in [*rows, ("all questions", everything)]:
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        ok = ok and p99 <= GOAL_P99_MS
        lines.append(
            f"| {label} | {p50:.2f} | {p99:.2f} | {max(samples):.2f} | {p50 / floor:.0f} |"
        )
    console.print("\n".join(lines), markup=False)
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n\n")
    return ok


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--questions", default=str(QUESTIONS), help="a questions .jsonl file")
    parser.add_argument("--model", action="store_true", help="also with a scripted model")
    parser.add_argument("--latency", action="store_true", help="time question shapes at scale")
    parser.add_argument("--postgres", action="store_true", help="latency on the local PostgreSQL")
    parser.add_argument("--store", metavar="URL", help="latency on this store (seeded if empty)")
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--markdown", metavar="FILE", help="append the latency table as Markdown")
    args = parser.parse_args()
    console = Console()
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        if args.latency:
            ok = asyncio.run(latency(args, console))
        else:
            ok = asyncio.run(accuracy(args, console))
    except PostgresDown as exc:
        console.print(f"[yellow]skipped:[/] {exc}")
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
