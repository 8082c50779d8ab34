"""Chat command latency: `quotes <person>` and follow-up questions over a big store.

    .venv/bin/python benchmarks/commands.py [--stories 10000] [--quotes-per-story 10]
        [--store URL | --postgres] [--runs 300] [--markdown FILE]

Seeds a store (SQLite file in a temp dir by default; ``--postgres`` uses the
local test database in a throwaway schema) with synthetic stories whose
speakers and words follow Zipf-like distributions (a few people quoted
thousands of times, most a handful), refreshes the planner's statistics as
a running store's autovacuum would, then times `Conversations.handle`
server-side, the whole answer including every store query, for:

  quotes <person>     a frequent, a middling and a rare speaker, and two people at once
  question, speaker   "what did <person> say about <words>?"
  question, who       "who criticised <person>?"
  question, topic     "what about <words>?"

Baselines in the same run, on the same data: a primary-key read of one
quote (the floor: one round trip), and the naive query the indexes replace
(``lower(speaker) LIKE '%name%'`` newest first; fast for a frequent name, whose
newest quotes come early, a full scan for a rare one). Target: p50 <= 20 ms and
p99 <= 100 ms for every command (Slack allows 3 s to acknowledge).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _scratch import PostgresDown, scratch_store_url  # noqa: E402

from bot.conversation.core import Conversations  # noqa: E402
from bot.conversation.replies import Context  # noqa: E402
from bot.domain import Story  # noqa: E402
from bot.run import make_app  # noqa: E402
from bot.settings import Settings, StoreSettings  # noqa: E402
from bot.store import SqlStore, make_store  # noqa: E402
from bot.store.schema import quotes, stories  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


P50_TARGET_MS = 20.0
P99_TARGET_MS = 100.0
FEEDS = 50
FIRST = _words("""James Maria Olga Sergey Donald Volodymyr Emmanuel Ursula Xi Narendra Amara Jonas
Priya Daniel Mark Elena Tom Anna Ivo Jonathan Elbridge Keir Olaf Giorgia Pedro Fumio Luiz
Recep Benjamin Kamala Antony Lloyd Jake Kaja Annalena Rishi Justin Anthony Mette Petteri
Sanna Viktor Andrzej Mateusz Kyriakos Leo Micheal Robert Ulf Jens Karl Nadia Omar Layla
Chen Wei Hiroshi Akira Isabel Lucia Pablo Diego""")
LAST = _words("""Lavrov Trump Zelenskyy Macron Leyen Jinping Modi Lindqvist Weber Natarajan Brooks
Feld Ruiz Okafor Berg Daalder Green Colby Starmer Scholz Meloni Sanchez Kishida Lula Erdogan
Netanyahu Harris Blinken Austin Sullivan Kallas Baerbock Sunak Trudeau Albanese Frederiksen
Orpo Marin Orban Duda Morawiecki Mitsotakis Varadkar Martin Golob Kristersson Stoltenberg
Nehammer Hassan Khan Haddad Zhang Tanaka Sato Garcia Fernandez Rossi Novak Kowalski
Petrov Ivanova""")
ROLES = [
    "foreign minister", "prime minister", "president", "spokesperson", "analyst at Fairview",
    "chief executive", "mayor", "senator", "economist", "defense secretary", None, None,
]  # fmt: skip
ANONYMOUS = [
    "a White House official", "a senior administration official", "a European diplomat",
    "two people familiar with the matter", "a Kremlin spokesman", "officials",
]  # fmt: skip
CORE_WORDS = _words("""security guarantees talks peace war ceasefire sanctions troops border summit
meeting agenda negotiations weapons aid budget deal tariffs inflation rates market shares
chip delay strike union depot council heat warning election vote court ruling climate
energy gas oil pipeline refugees migration trade exports growth recession jobs strike
pressure force leverage alliance treaty nuclear drones missiles satellites pandemic
vaccine hospital schools housing rents transit bridge harbor flood drought harvest""")


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Zipf-ranked words: a head of function-like filler (what stopwords are in real
    text, and nobody asks about), then the topic words people ask about, then a tail."""
    syllables = ["ra", "to", "mi", "ken", "dor", "al", "sen", "vi", "lo", "tur", "pa", "ni"]
    filler: list[str] = []
    while len(filler) < size - len(CORE_WORDS):
        filler.append("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return filler[:60] + list(CORE_WORDS) + filler[60:]


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def speakers(rng: random.Random) -> list[tuple[str, str | None]]:
    people = [(f"{f} {last}", rng.choice(ROLES)) for f in FIRST for last in LAST]
    rng.shuffle(people)
    people.insert(0, ("Sergey Lavrov", "Russian foreign minister"))
    people.insert(1, ("Donald Trump", "U.S. president"))
    return [(name, None) for name in ANONYMOUS] + people


def seed(store: SqlStore, *, n_stories: int, per_story: int, rng: random.Random) -> None:
    words = vocabulary(rng)
    word_weights = zipf_weights(len(words))
    people = speakers(rng)
    people_weights = zipf_weights(len(people), 1.0)
    feed_urls = [f"https://bench{i}.example/feed.xml" for i in range(FEEDS)]
    for url in feed_urls:
        store.add_feed(url, title=url.split("/")[2])
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def sentence(lo: int, hi: int) -> str:
        chosen = rng.choices(words, word_weights, k=rng.randint(lo, hi))
        if rng.random() < 0.2:  # people talk about people
            named = rng.choices(people, people_weights)[0][0]
            chosen.insert(rng.randrange(len(chosen)), named.split()[-1])
        return " ".join(chosen)

    with Progress(transient=True) as progress:
        task = progress.add_task("seeding", total=n_stories)
        for batch_start in range(0, n_stories, 500):
            batch = []
            for n in range(batch_start, min(n_stories, batch_start + 500)):
                said = [sentence(6, 28) for _ in range(per_story)]
                text = " ".join(f"“{q}”, said someone. {sentence(10, 20)}." for q in said)
                story = Story(
                    url=f"https://bench{n % FEEDS}.example/story/{n}",
                    title=sentence(5, 10).capitalize(),
                    text=text,
                    feed_url=feed_urls[n % FEEDS],
                    published_at=start + timedelta(minutes=37 * n),
                )
                batch.append((story, [f"url:{story.url}"], said))
            stored = store.add_stories([(s, k) for s, k, _ in batch])
            rows = []
            for story, (_, _, said) in zip(stored, batch, strict=True):
                who = rng.choices(people, people_weights, k=per_story)
                offset = 0
                for ordinal, (words_said, (name, role)) in enumerate(zip(said, who, strict=True)):
                    begin = story.text.index(words_said, offset)
                    offset = begin + len(words_said)
                    rows.append(
                        {
                            "story_id": story.id,
                            "ordinal": ordinal,
                            "text": words_said,
                            "start": begin,
                            "end": offset,
                            "kind": "direct",
                            "speaker": name,
                            "speaker_role": role,
                            "anonymous": name in ANONYMOUS,
                            "confidence": 1.0,
                        }
                    )
            # One transaction per batch; the triggers / generated columns index each row.
            with store.engine.begin() as conn:
                conn.execute(sa.insert(quotes), rows)
            progress.advance(task, len(batch))


def settle(store: SqlStore) -> None:
    """Statistics as a running store has them (autovacuum / a periodic ANALYZE)."""
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE quotes")
            conn.exec_driver_sql("VACUUM ANALYZE stories")
    else:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def pick_people(store: SqlStore) -> dict[str, str]:
    """A frequent, a middling and a rare speaker, by their quote counts."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(quotes.c.speaker, sa.func.count().label("n"))
            .where(quotes.c.anonymous.is_(False))
            .group_by(quotes.c.speaker)
            .order_by(sa.desc("n"))
        ).all()
    last_names = {r.speaker.split()[-1].lower(): r.n for r in reversed(rows)}
    frequent, middling, rare = rows[0], rows[len(rows) // 2], rows[-1]
    print(
        f"speakers: {len(rows)} named; frequent {frequent.speaker} ({frequent.n} quotes), "
        f"middling {middling.speaker} ({middling.n}), rare {rare.speaker} ({rare.n}); "
        f"{len(last_names)} surnames"
    )
    return {"frequent": frequent.speaker, "middling": middling.speaker, "rare": rare.speaker}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(runs: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    for i in range(3):  # warm caches and the connection pool
        await call(i)
    samples = []
    for i in range(runs):
        t0 = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


async def measure(
    store: SqlStore, url: str, runs: int, rng: random.Random
) -> list[tuple[str, list[float]]]:
    app = make_app(Settings(store=StoreSettings(url=url)), store=store)
    conversations = Conversations(app)
    context = Context(channel="console:bench", user="bench")
    people = pick_people(store)
    topics = [" ".join(rng.sample(CORE_WORDS, 2)) for _ in range(50)]

    def ask(texts: list[str]) -> Callable[[int], Awaitable[object]]:
        async def call(i: int) -> object:
            reply = await conversations.handle(context, texts[i % len(texts)])
            return reply

        return call

    def surname(name: str) -> str:
        return name.split()[-1]

    results: list[tuple[str, list[float]]] = []
    pk = sa.select(quotes).where(quotes.c.story_id == 1, quotes.c.ordinal == 0)
    frequent = people["frequent"]

    def naive(name: str) -> sa.Select[tuple[object, ...]]:
        return (
            sa.select(quotes, stories.c.title, stories.c.url)
            .join(stories, stories.c.id == quotes.c.story_id)
            .where(sa.func.lower(quotes.c.speaker).like(f"%{name.lower()}%"))
            .order_by(stories.c.sort_at.desc())
            .limit(24)
        )

    def sql(query: sa.Select[tuple[object, ...]]) -> Callable[[int], Awaitable[object]]:
        async def call(_i: int) -> object:
            with store.engine.connect() as conn:
                return conn.execute(query).all()

        return call

    results.append(("baseline: one quote by primary key", await timed(runs, sql(pk))))
    for name in (surname(frequent), people["rare"]):
        results.append((f"baseline: naive LIKE '%{name}%'", await timed(runs, sql(naive(name)))))
    by_surname = f"quotes {surname(frequent)}"
    results.append(
        (f"quotes <surname> ({surname(frequent)})", await timed(runs, ask([by_surname])))
    )
    for label, name in people.items():
        timing = await timed(runs, ask([f"quotes {name}"]))
        results.append((f"quotes <person> ({label}: {name})", timing))
    pair = f"quotes {people['frequent']} {people['middling']}"
    results.append(("quotes <two people>", await timed(runs, ask([pair]))))
    speaker_questions = [
        f"what did {people[k]} say about {t}?" for t in topics for k in ("frequent", "middling")
    ]
    results.append(("question: what did X say about Y?", await timed(runs, ask(speaker_questions))))
    who = [f"who criticised {surname(people[k])}?" for k in people]
    results.append(("question: who criticised X?", await timed(runs, ask(who))))
    topic = [f"what about the {t}?" for t in topics]
    results.append(("question: what about <words>?", await timed(runs, ask(topic))))
    await app.aclose()
    return results


def report(results: list[tuple[str, list[float]]], title: str) -> tuple[Table, list[str], bool]:
    table = Table(title=title, header_style="bold", title_justify="left")
    for column in ("command", "p50 ms", "p99 ms", "max ms", "p50 × pk read", "target"):
        table.add_column(column, justify="left" if column == "command" else "right")
    floor = statistics.median(results[0][1])
    lines = [
        "| command | p50 ms | p99 ms | max ms | p50 × pk read | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    ok = True
    for label, samples in results:
        p50, p99, worst = percentile(samples, 0.5), percentile(samples, 0.99), max(samples)
        is_command = not label.startswith("baseline")
        met = p50 <= P50_TARGET_MS and p99 <= P99_TARGET_MS
        ok = ok and (met or not is_command)
        verdict = ("[green]met[/]" if met else "[red]MISSED[/]") if is_command else ""
        cells = (f"{p50:.2f}", f"{p99:.2f}", f"{worst:.2f}", f"{p50 / floor:.1f}")
        table.add_row(label, *cells, verdict)
        plain = ("met" if met else "MISSED") if is_command else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {plain} |")
    return table, lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--quotes-per-story", type=int, default=10)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--store", metavar="URL", help="store URL (default: a temp SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="the local test database")
    parser.add_argument("--markdown", metavar="FILE", help="append the table as Markdown")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    console = Console()
    rng = random.Random(args.seed)
    try:
        with scratch_store_url(postgres=args.postgres, given=args.store) as url:
            store = make_store(url)
            t0 = time.perf_counter()
            seed(store, n_stories=args.stories, per_story=args.quotes_per_story, rng=rng)
            backend = store.engine.dialect.name
            settle(store)
            console.print(
                f"seeded {args.stories:,} stories, {args.stories * args.quotes_per_story:,} "
                f"quotes into {backend} in {time.perf_counter() - t0:.1f}s"
            )
            results = asyncio.run(measure(store, url, args.runs, rng))
    except PostgresDown as exc:
        console.print(f"[yellow]skipped:[/] {exc}")
        return 0
    title = (
        f"{backend}: {args.stories:,} stories, {args.stories * args.quotes_per_story:,} quotes, "
        f"{args.runs} runs each (server-side, Conversations.handle)"
    )
    table, lines, ok = report(results, title)
    console.print(table)
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as fh:
            fh.write(f"\n### {title}\n\n" + "\n".join(lines) + "\n")
    console.print("targets met" if ok else "[red]targets missed[/]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
