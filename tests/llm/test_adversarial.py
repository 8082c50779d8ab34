"""The adversarial suite: a scripted model on a loopback OpenAI-compatible server (the real
``openai`` client end to end) tries every way the issue lists to get a quotation shown that
the article does not give, verbatim, to the person named: in bullets, in the stored quotes,
in the gist and in chat answers.

What may be shown is judged by `adversarial.shown_ok`, a hand-written truth table of who
said what in `adversarial.ARTICLE`, not by the verifier's own code. Honest claims in the
same suite must survive, so the checks cannot pass by throwing everything away.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from bot.conversation.core import Conversations
from bot.conversation.replies import Citation, Context
from bot.domain import Quote, QuoteKind, Story
from bot.settings import Settings
from summarizer import extract_quotes
from summarizer.llm import LLMOutcome, LLMSummarizer
from summarizer.testing import (
    FakeOpenAI,
    answer_json,
    paraphrase_bullet,
    quote_bullet,
    reply,
    summary_json,
)

from .adversarial import (
    ARTICLE,
    GREEN,
    LAVROV,
    OFFICIAL_FAVOR,
    OFFICIAL_PEACE,
    OFFICIAL_WAR,
    ZELENSKYY_READY,
    ZELENSKYY_TAXES,
    shown_ok,
)
from .conftest import config_for

# Every quotation-mark character a model might use; an apostrophe inside a word is not one.
MARKS = frozenset(
    "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
    "\u300c\u300d\u300e\u300f\u301d\u301e\u301f\uff02\uff07\u275b\u275c\u275d\u275e"
)
HONEST_GIST = "Talks on a ceasefire stalled as Moscow rejected a Western security plan."


def story() -> Story:
    return Story(url="https://news.example/talks", title="Talks stall", text=ARTICLE, feed_url="f")


def has_marks(text: str) -> bool:
    """True when ``text`` holds a quotation mark (not an apostrophe inside a word)."""
    for i, ch in enumerate(text):
        if ch in MARKS:
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if not (before.isalnum() and after.isalnum()):
                return True
    return False


@pytest.fixture(scope="module")
def api() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def llm(api: FakeOpenAI) -> AsyncIterator[LLMSummarizer]:
    summarizer = LLMSummarizer(config_for(api, max_retries=0))
    try:
        yield summarizer
    finally:
        await summarizer.aclose()


async def summarize(api: FakeOpenAI, llm: LLMSummarizer, content: str) -> LLMOutcome:
    api.add(reply(content))
    outcome = await llm.summarize_detailed(story())
    assert outcome.source == "llm", outcome.reason
    return outcome


def model_quotes(llm: LLMSummarizer, outcome: LLMOutcome) -> tuple[list[Quote], list[Quote]]:
    """The quotes the model's output put in bullets, and those it adds to what is stored
    (`LLMSummarizer.summarize` is what a poll saves)."""
    summary = llm.fallback.summarize(story())
    offline = {*summary.quotes, *(q for b in summary.bullets for q in b.quotes)}
    bulleted = [q for b in outcome.summary.bullets for q in b.quotes if q not in offline]
    stored = [q for q in llm.summarize(story()).quotes if q not in offline]
    return bulleted, stored


def assert_promise_kept(quotes: list[Quote]) -> None:
    for q in quotes:
        q.check(ARTICLE)
        assert shown_ok(q.speaker, q.text), f"shown: {q.speaker}: “{q.text}”"


# -- bullets and stored quotes -------------------------------------------------------------------


@dataclass(frozen=True)
class B:
    """A bullet claim; ``kept`` says whether a quote must be shown for it."""

    speaker: str
    text: str
    kept: bool
    role: str | None = None


BULLETS: dict[str, B] = {
    # honest controls: right words, right person, in the article's words for them
    "honest-lavrov": B("Sergey Lavrov", LAVROV, True),
    "honest-full-title": B("Russian Foreign Minister Sergey Lavrov", LAVROV, True),
    "honest-green": B("Jonathan Green", GREEN, True, "national security strategist"),
    "honest-mixed-fragment": B("Volodymyr Zelenskyy", ZELENSKYY_READY, True),
    "honest-anonymous": B("a White House official", OFFICIAL_WAR, True),
    "honest-anonymous-short": B("the official", OFFICIAL_PEACE, True),
    "honest-ellipsis-in-one-quotation": B(
        "Zelenskyy", "We will not raise taxes … we will not give up our land", True
    ),
    "honest-ellipsis-over-two-quotations": B(
        "White House official", f"{OFFICIAL_WAR} ... {OFFICIAL_PEACE}", True
    ),
    # who said it: a real quotation hung on someone mentioned near it
    "near-possessive": B("Sergey Lavrov", GREEN, False),  # "Lavrov’s comments…" then Green
    "near-object": B("Jonathan Green", LAVROV, False),
    "near-location": B("Moscow", LAVROV, False),
    "near-after": B("Emmanuel Macron", OFFICIAL_PEACE, False),
    "near-same-paragraph": B("Volodymyr Zelenskyy", OFFICIAL_FAVOR, False),
    "near-host": B("Kristen Welker", ZELENSKYY_READY, False),
    "other-speaker-far": B("Sergey Lavrov", ZELENSKYY_TAXES, False),
    # who said it: the article's prompt injection names another speaker
    "injection-reassigns": B("Volodymyr Zelenskyy", "This will not work", False),
    "injection-reassigns-whole": B("Volodymyr Zelenskyy", LAVROV, False),
    "injection-role": B("Jonathan Green", GREEN, True, "Ukrainian President"),
    # who is named
    "several-and": B("Macron and Zelenskyy", ZELENSKYY_READY, False),
    "several-and-absent": B("Blinken and Zelenskyy", ZELENSKYY_READY, False),
    "several-ampersand": B("Lavrov & Zelenskyy", LAVROV, False),
    "several-slash": B("Lavrov/Green", LAVROV, False),
    "made-up-white-house": B("Kim Jong House", OFFICIAL_WAR, False),
    "made-up-green-house": B("Green House", OFFICIAL_WAR, False),
    "mixed-up-names": B("Volodymyr Lavrov", LAVROV, False),
    "pronoun": B("he", ZELENSKYY_TAXES, False),
    "role-of-someone-else": B("Sergey Lavrov", LAVROV, True, "Ukrainian President"),
    # what counts as speech
    "show-title-as-guest": B("Volodymyr Zelenskyy", "Meet the Press with Kristen Welker", False),
    "show-title-as-host": B("Kristen Welker", "Meet the Press with Kristen Welker", False),
    "narration": B(
        "Sergey Lavrov", "Moscow rejected a Western plan for security guarantees", False
    ),
    "reported-not-quoted": B("Jonathan Green", "the plan was fragile", False),
    # meaning
    "fragment-drops-not": B("Volodymyr Zelenskyy", "raise taxes on our soldiers", True),
    "fragment-drops-is-not": B("White House official", "prepared to do him a favor", True),
    "ellipsis-skips-not": B("Sergey Lavrov", "This will … work", False),
    "ellipsis-skips-not-later": B("Zelenskyy", "We will … give up our land", False),
    "ellipsis-across-speakers": B("the official", f"{OFFICIAL_WAR} … {GREEN}", False),
    "ellipsis-long-jump": B("Sergey Lavrov", "This will not work … the troops behind them", False),
    # words
    "dropped-word": B("Sergey Lavrov", "This will work, and everyone in Europe knows it", False),
    "changed-word": B("Sergey Lavrov", "This will never work, and everyone knows it", False),
    "homoglyph": B(
        "Sergey Lavrov", "This will not w\u043erk, and everyone in Europe knows it", False
    ),
    "from-the-prompt": B("Sergey Lavrov", "found by a rule-based extractor", False),
}


@pytest.mark.parametrize("case", list(BULLETS.values()), ids=list(BULLETS))
async def test_bullets_and_stored_quotes(api: FakeOpenAI, llm: LLMSummarizer, case: B) -> None:
    content = summary_json(HONEST_GIST, [quote_bullet(case.speaker, case.text, case.role)])
    outcome = await summarize(api, llm, content)
    bulleted, stored = model_quotes(llm, outcome)
    assert_promise_kept(bulleted)
    assert_promise_kept(stored)
    assert bool(bulleted) is case.kept
    for b in outcome.summary.bullets:
        assert b.speaker_role not in ("Ukrainian President",) or "Zelenskyy" in b.speaker
        for q in b.quotes:
            assert q.speaker_role != "Ukrainian President" or "Zelenskyy" in (q.speaker or "")


async def test_a_quote_downgraded_to_a_paraphrase_loses_its_unverified_inner_marks(
    api: FakeOpenAI, llm: LLMSummarizer
) -> None:
    content = summary_json(
        HONEST_GIST,
        [
            quote_bullet("Sergey Lavrov", "He said “peace is near” and ‘talks are over’"),
            paraphrase_bullet("Sergey Lavrov", "Lavrov said «this will work» for Europe"),
            paraphrase_bullet("Sergey Lavrov", "Lavrov warned “This will not work”"),
        ],
    )
    outcome = await summarize(api, llm, content)
    texts = [p.text for p in outcome.paraphrases]
    assert "He said peace is near and talks are over" in texts
    assert "Lavrov said this will work for Europe" in texts
    assert "Lavrov warned “This will not work”" in texts  # his words, verified: marks stay


# -- gist ----------------------------------------------------------------------------------------

GISTS: dict[str, tuple[str, bool]] = {
    "honest-quotation": (f"Lavrov said “{LAVROV}” as the talks on a ceasefire stalled.", True),
    "honest-no-marks": (HONEST_GIST, True),
    "honest-anonymous": (f"A White House official said “{OFFICIAL_WAR}” on Tuesday.", True),
    "wrong-speaker": ("Zelenskyy said “This will not work” as the talks stalled.", False),
    "wrong-speaker-near": (f"Lavrov said “{GREEN}” in Moscow on Tuesday.", False),
    "several-speakers": ("Macron and Lavrov said “This will not work” as talks stalled.", False),
    "glued-marks": ('Zelenskyy said"This will not work"as talks on a ceasefire stalled.', False),
    "corner-brackets": ("Zelenskyy said \u300cThis will not work\u300d as talks stalled.", False),
    "white-corner": ("Zelenskyy said \u300eThis will not work\u300f as talks stalled.", False),
    "ornament-marks": ("Zelenskyy said \u275dThis will not work\u275e as talks stalled.", False),
    "double-prime": ("Zelenskyy said \u301dThis will not work\u301e as talks stalled.", False),
    "guillemets": ("Zelenskyy said «This will not work» as talks stalled.", False),
    "reversed-guillemets": ("Zelenskyy said »This will not work« as talks stalled.", False),
    "low-high": ("Zelenskyy said „This will not work“ as talks stalled.", False),
    "single-guillemets": ("Zelenskyy said ‹This will not work› as talks stalled.", False),
    "fullwidth": ("Zelenskyy said \uff02This will not work\uff02 as talks stalled.", False),
    "straight-single": ("Zelenskyy said 'This will not work' as talks stalled.", False),
    "ellipsis-skips-not": ("Lavrov said “This will … work” as talks stalled.", False),
    "invented": ("Lavrov said “we will sign tomorrow” as talks stalled.", False),
    "show-title": ("Zelenskyy said “Meet the Press with Kristen Welker” on Sunday.", False),
}


@pytest.mark.parametrize("case", list(GISTS.values()), ids=list(GISTS))
async def test_gist(api: FakeOpenAI, llm: LLMSummarizer, case: tuple[str, bool]) -> None:
    gist, honest = case
    outcome = await summarize(api, llm, summary_json(gist, [quote_bullet("Lavrov", LAVROV)]))
    shown = outcome.summary.gist
    if honest:
        assert shown == gist
    else:
        assert not has_marks(shown), shown
        assert "This will work" not in shown


async def test_a_gist_fragment_that_drops_a_negation_is_shown_with_it(
    api: FakeOpenAI, llm: LLMSummarizer
) -> None:
    gist = "Zelenskyy said Kyiv would “raise taxes on our soldiers” as talks stalled."
    outcome = await summarize(api, llm, summary_json(gist, [quote_bullet("Lavrov", LAVROV)]))
    assert "“raise taxes" not in outcome.summary.gist
    assert "not raise taxes on our soldiers" in outcome.summary.gist or not has_marks(
        outcome.summary.gist
    )


# -- chat answers --------------------------------------------------------------------------------


def citations() -> list[Citation]:
    found = [
        Citation(q.speaker or "unknown", q.speaker_role, q.text, q.kind, "Talks stall", "u")
        for q in extract_quotes(ARTICLE)
    ]
    if not any(c.text == INJECTED for c in found):
        # the speech/not-speech model may drop the injected copy (a phrase repeated with no
        # cue); a store could still hold one credited to "Editor", so the case stays
        found.append(Citation("Editor", None, INJECTED, QuoteKind.DIRECT, "Talks stall", "u"))
    return found


INJECTED = "This will not work"  # the injected copy, which the extractor gives "Editor"


def number(text: str) -> int:
    """The 1-based number of the citation whose words are ``text``."""
    found = [i for i, c in enumerate(citations(), 1) if c.text == text]
    assert found, text
    return found[0]


L, G, Z, ZT, OW, OF = (
    number(LAVROV),
    number(GREEN),
    number(ZELENSKYY_READY),
    number(ZELENSKYY_TAXES),
    number(OFFICIAL_WAR),
    number(OFFICIAL_FAVOR),
)
EDITOR = number(INJECTED)

ANSWERS: dict[str, tuple[str, list[int], bool]] = {
    "honest": (f"Lavrov said “{LAVROV}” [{L}].", [L], True),
    "honest-no-marks": (f"Lavrov rejected the plan outright [{L}].", [L], True),
    "honest-anonymous": (f"A White House official said “{OFFICIAL_WAR}” [{OW}].", [OW], True),
    "honest-two": (f"Lavrov said “{LAVROV}” [{L}]; Green said “{GREEN}” [{G}].", [L, G], True),
    "wrong-speaker": (f"Zelenskyy said “This will not work” [{L}].", [L], False),
    "injected-copy": (f"Zelenskyy said “This will not work” [{EDITOR}].", [EDITOR], False),
    "other-speaker": (f"Green said “This will not work” [{L}].", [L], False),
    "swapped": (f"Lavrov said “{GREEN}” [{G}].", [G], False),
    "uncited-source": (f"Lavrov said “This will not work” [{G}].", [G], False),
    "several": (f"Macron and Lavrov said “This will not work” [{L}].", [L], False),
    "made-up": (f"Kim Jong House said “{OFFICIAL_WAR}” [{OW}].", [OW], False),
    "pronoun-only": (f"He said “{OFFICIAL_WAR}” [{OW}].", [OW], False),
    "ellipsis-skips-not": (f"Lavrov said “This will … work” [{L}].", [L], False),
    "dropped-not": (f"Lavrov said “This will work” [{L}].", [L], False),
    "homoglyph": (f"Lavrov said “This will not w\u043erk” [{L}].", [L], False),
    "glued": (f'Zelenskyy said"This will not work"[{L}].', [L], False),
    "corner-brackets": (f"Zelenskyy said \u300cThis will not work\u300d [{L}].", [L], False),
    "ornaments": (f"Zelenskyy said \u275dThis will not work\u275e [{L}].", [L], False),
    "reported-not-quoted": (f"Green said “the plan was fragile” [{G}].", [G], False),
    "show-title": (f"Zelenskyy said “Meet the Press with Kristen Welker” [{Z}].", [Z], False),
}


@pytest.mark.parametrize("case", list(ANSWERS.values()), ids=list(ANSWERS))
async def test_chat_answer(
    api: FakeOpenAI, llm: LLMSummarizer, case: tuple[str, list[int], bool]
) -> None:
    text, cited, honest = case
    api.add(reply(answer_json(text, cited)))
    answer = await llm.answer("what was said about the plan?", citations())
    if honest:
        assert answer is not None and has_marks(answer.text) == has_marks(text)
    else:
        assert answer is None or not has_marks(answer.text), answer


async def test_a_chat_answer_fragment_that_drops_a_negation_is_shown_with_it(
    api: FakeOpenAI, llm: LLMSummarizer
) -> None:
    text = f"Zelenskyy promised to “raise taxes on our soldiers” [{ZT}]."
    api.add(reply(answer_json(text, [ZT])))
    answer = await llm.answer("what did Zelenskyy promise?", citations())
    assert answer is None or "“will not raise taxes on our soldiers”" in answer.text


@pytest.mark.parametrize(
    ("answer", "honest"),
    [
        ("Zelenskyy said “This will not work” [1].", False),
        ("Lavrov said “This will not work, and everyone in Europe knows it” [1].", True),
    ],
    ids=["misattributed", "honest"],
)
async def test_chat_answers_through_the_conversations_core(
    api: FakeOpenAI, answer: str, honest: bool
) -> None:
    from bot.run import make_app

    settings = Settings(
        store={"url": "sqlite:///:memory:"},  # type: ignore[arg-type]
        llm={"base_url": api.base_url, "model": "m", "max_retries": 0},  # type: ignore[arg-type]
    )
    app = make_app(settings)
    try:
        app.store.add_feed("f")
        stored = app.store.add_story(story(), keys=["talks"])
        assert stored.id is not None
        app.store.save_quotes(stored.id, extract_quotes(ARTICLE))
        api.add(reply(answer_json(answer, [1])))
        reply_ = await Conversations(app).handle(Context("console:t", "u"), "what did Lavrov say?")
    finally:
        await app.aclose()
    assert all(c.speaker == "Sergey Lavrov" for c in reply_.citations)
    if honest:
        assert reply_.text == answer
    else:
        assert "Zelenskyy said" not in reply_.text
