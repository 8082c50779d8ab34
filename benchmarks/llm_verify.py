"""What the attribution check keeps of a model's quotations: an honest and a dishonest model.

    .venv/bin/python benchmarks/llm_verify.py [--data PATH ...] [--json]

A scripted model on a loopback OpenAI-compatible server (`summarizer.testing.FakeOpenAI`,
answering the real ``openai`` client) summarises each article. It is built from the gold
annotations (the seed article's and the real-news dev set's, from ../shared; PolNeAR's
with ``--data ../shared/data/polnear/dev.jsonl``, its quotations whose source is written
as a name):

- **honest**: every gold direct quotation with a named speaker, as a quote bullet with the
  gold speaker and role. All of them are right: each one lost (downgraded or dropped) is
  a right quotation the check threw away.
- **dishonest**: the same quotations given to another speaker of the same article (one
  sharing no name word with the real one) or to that speaker joined to the real one ("A
  and B"): each one shown is a broken promise; and each quotation cut right after its
  first negation word: shown as cut is a broken promise, shown with the negation put
  back is the rule at work.
- **parroting**: each gold quotation the offline extractor gives to a named speaker who
  is not the gold one (neither the same name nor a shorter form of it), under the
  extractor's speaker: a model repeating the extractor's mistakes, which the check cannot
  tell from right ones unless the extractor says it was unsure. Each one shown is a
  quotation gold gives to someone else (a few are gold's name written another way).

The verifier sees each article's claims through `LLMSummarizer.summarize_detailed` (with
room for every claim), so what is counted is what bullets and stored quotes would show.
Results print as a table (kept / downgraded / dropped, with the reasons).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain import QuoteKind, Story  # noqa: E402
from summarizer import extract_quotes  # noqa: E402
from summarizer.folding import normalize, significant  # noqa: E402
from summarizer.llm import LLMConfig, LLMSummarizer  # noqa: E402
from summarizer.llm_cache import MemoryLLMCache  # noqa: E402
from summarizer.quotes.gold import gold_direct  # noqa: E402
from summarizer.speaker_names import looks_like_name, same_person  # noqa: E402
from summarizer.testing import FakeOpenAI, quote_bullet, reply, summary_json  # noqa: E402
from summarizer.verify import Verifier, VerifyCounts  # noqa: E402

SHARED = ROOT / ".." / "shared"
DEFAULT_DATA = [
    SHARED / "fixtures" / "seed-article.gold.jsonl",
    SHARED / "data" / "realnews" / "dev.jsonl",
]
_NEGATION_RE = re.compile(r"\b(?:not|never|no)\b", re.IGNORECASE)
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you"})


@dataclass
class Tally:
    claims: int = 0
    counts: VerifyCounts = field(default_factory=VerifyCounts)
    broken: int = 0  # shown, and wrong
    restored: int = 0  # a cut fragment shown with the negation it dropped


def gold_quotes(record: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """(speaker, role, quotation) of every gold direct quotation with a named speaker."""
    if record.get("attributions") and "kind" not in record["attributions"][0]:
        return _spans_quotes(record)
    out = []
    for a in record.get("attributions") or []:
        if a.get("kind") != "direct" or not a.get("content_text"):
            continue
        speaker = (a.get("speaker") or "").strip()
        if not speaker or speaker.lower() == "unknown":
            continue
        out.append((speaker, a.get("role"), a["content_text"]))
    return out


_NAME_RE = re.compile(r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen)\. )?(?:[A-Z][\w'’.-]+ ?){1,4}")
_NOT_NAMES = {"He", "She", "They", "It", "We", "I", "You", "The", "This", "That"}


def _spans_quotes(record: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """Gold direct quotations found by their spans (`gold_direct`), for annotations without
    a ``kind``: the seed article's (a resolved ``speaker``) and PolNeAR's (only a source
    mention: kept when written as a name, "Sen. Ted Cruz", "Trump"; "he" or "the
    campaign" are left out)."""
    text = record["text"]
    out = []
    for (start, end), attr in gold_direct(record):
        speaker = attr.get("speaker")
        source = re.sub(r"['’]s$", "", " ".join(str(attr.get("source_text") or "").split()))
        if not speaker and _NAME_RE.fullmatch(source) and source.split()[0] not in _NOT_NAMES:
            speaker = source
        if speaker and speaker.strip().lower() != "unknown":
            out.append((speaker.strip(), attr.get("role"), text[start:end]))
    return out


def misattributed(quotes: list[tuple[str, str | None, str]]) -> list[dict[str, Any]]:
    """Each quotation given to another speaker of the article (sharing no name word with the
    real one), and to that speaker joined to the real one ("A and B")."""
    claims = []
    speakers = list(dict.fromkeys(s for s, _, _ in quotes))
    for speaker, _, text in quotes:
        mine = set(significant(speaker))
        others = [s for s in speakers if not set(significant(s)) & mine]
        if others:
            claims.append(quote_bullet(others[0], text))
            claims.append(quote_bullet(f"{others[0]} and {speaker}", text))
    return claims


def negation_cuts(quotes: list[tuple[str, str | None, str]]) -> list[dict[str, Any]]:
    """Each quotation with a negation, cut right after it: "raise taxes" from "will not
    raise taxes", under the right speaker."""
    claims = []
    for speaker, _, text in quotes:
        cut = _NEGATION_RE.search(text)
        if cut is not None:
            rest = text[cut.end() :].strip(" ,.;:")
            if len(rest.split()) >= 2:
                claims.append(quote_bullet(speaker, rest))
    return claims


def parroting(text: str, quotes: list[tuple[str, str | None, str]]) -> list[dict[str, Any]]:
    """Each quotation the offline extractor gives to a named speaker other than the gold
    one, under the extractor's speaker (descriptions and pronouns left out: vaguer, not
    someone else)."""
    verifier = Verifier(text, extract_quotes(text))
    speech = [q for q in verifier.grounding if q.kind is not QuoteKind.INDIRECT]
    claims = []
    for speaker, _, quotation in quotes:
        at = verifier.locate(quotation)
        if at is None:
            continue
        covering = [q for q in speech if q.start <= at[0] and at[1] <= q.end]
        if not covering:
            continue
        said = min(covering, key=lambda q: q.end - q.start).speaker
        if not said or not looks_like_name(said) or said.lower() in _PRONOUNS:
            continue
        if same_person(speaker, said) or same_person(said, speaker):
            continue
        person = verifier.people.get(said)
        if person is not None and person.is_named_by(speaker):
            continue
        claims.append(quote_bullet(said, quotation))
    return claims


async def run(records: list[dict[str, Any]]) -> dict[str, Tally]:
    tallies = {
        "honest": Tally(),
        "misattributed": Tally(),
        "negation": Tally(),
        "parroting": Tally(),
    }
    with FakeOpenAI() as api:
        config = LLMConfig(
            model="scripted",
            base_url=api.base_url,
            api_key="k",
            max_retries=0,
            max_bullets=200,
            daily_token_budget=10**9,
        )
        for record in records:
            quotes = gold_quotes(record)
            story = Story(url=f"x:{record['id']}", title="", text=record["text"], feed_url="f")
            scripts = {
                "honest": [quote_bullet(s, t, r) for s, r, t in quotes],
                "misattributed": misattributed(quotes),
                "negation": negation_cuts(quotes),
                "parroting": parroting(record["text"], quotes),
            }
            for name, claims in scripts.items():
                if not claims:
                    continue
                tally = tallies[name]
                llm = LLMSummarizer(config, cache=MemoryLLMCache())
                api.add(reply(summary_json("A neutral sentence about the story.", claims)))
                try:
                    outcome = await llm.summarize_detailed(story)
                finally:
                    await llm.aclose()
                assert outcome.source == "llm", outcome.reason
                tally.claims += len(claims)
                tally.counts += outcome.counts
                offline = set(llm.fallback.summarize(story).quotes)
                shown = [q for q in outcome.summary.quotes if q not in offline]
                if name in ("misattributed", "parroting"):
                    tally.broken += len(shown)
                elif name == "negation":
                    cuts = [normalize(c["text"]).text for c in claims]
                    for q in shown:
                        if any(normalize(q.text).text.startswith(c) for c in cuts):
                            tally.broken += 1
                        else:
                            tally.restored += 1
    return tallies


ROWS = {
    "honest": "honest: gold quotations, gold speakers and roles",
    "misattributed": "dishonest: another speaker of the article, or 'A and B'",
    "negation": "dishonest: a quotation cut right after its negation",
    "parroting": "parroting: the offline extractor's speaker where gold names another",
}


def markdown(records: int, tallies: dict[str, Tally]) -> str:
    lines = [
        f"{records} articles (the seed article and the real-news dev set)",
        "",
        "| scripted model | quotations | kept as quotes | downgraded | dropped "
        "(misattributed / speaker refused / other) | shown wrong |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for name, t in tallies.items():
        c = t.counts
        wrong = "n/a (all right)" if name == "honest" else str(t.broken)
        kept = f"{c.verified}" + (
            f" ({t.restored} with the negation put back)" if t.restored else ""
        )
        lines.append(
            f"| {ROWS[name]} | {t.claims} | {kept} | {c.downgraded} | "
            f"{c.misattributed} / {c.rejected_speakers} / {c.dropped} | {wrong} |"
        )
    honest = tallies["honest"]
    lost = honest.claims - honest.counts.verified
    lines.append("")
    lines.append(
        f"right quotations not shown as quotes: {lost} of {honest.claims} "
        f"({100 * lost / max(1, honest.claims):.1f}%)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="*", default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    records = []
    for path in args.data:
        with path.open(encoding="utf-8") as f:
            records += [json.loads(line) for line in f if line.strip()]
    tallies = asyncio.run(run(records))
    if args.json:
        out = {
            name: {"claims": t.claims, "shown_wrong": t.broken, **_counts(t.counts)}
            for name, t in tallies.items()
        }
        print(json.dumps({"articles": len(records), **out}, indent=2))
    else:
        print(markdown(len(records), tallies))
    return 0


def _counts(c: VerifyCounts) -> dict[str, int]:
    return {
        "kept": c.verified,
        "downgraded": c.downgraded,
        "misattributed": c.misattributed,
        "speaker_refused": c.rejected_speakers,
        "dropped": c.dropped,
    }


if __name__ == "__main__":
    raise SystemExit(main())
