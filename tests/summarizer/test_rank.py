"""The speaker ranker (summarizer/quotes/rank.py): shipped, deterministic, and a fallback."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import QuoteKind
from summarizer import extract_quotes
from summarizer.quotes import rank, train_rank
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.names import Mention


def test_the_model_ships_with_the_package() -> None:
    assert rank.MODEL, "speaker_rank.json is shipped next to rank.py"
    assert all(math.isfinite(w) for w in rank.MODEL.weights.values())
    assert "pick" in rank.MODEL.weights


def _features(text: str, m: Mention | None, *, pick: bool = False) -> dict[str, float]:
    spot = rank.Spot(
        text.index("“"),
        text.index("”") + 1,
        0,
        0.95,
        quote_opens=False,
        mixed=True,
        has_cue=False,
    )
    return rank.features(ENGLISH, text, m, spot, pick=pick, subject=m is not None and m.start == 0)


def test_features_describe_the_candidate_and_its_place() -> None:
    text = "The council replaced it with language calling for “appropriate assistance.”"
    it = Mention(text.index("it "), text.index("it ") + 2, "it", pronoun=True)
    f = _features(text, it)
    assert f["pronoun_object"] == 1.0  # "replacing it with": an object does not speak
    assert f["before"] == 1.0
    council = Mention(0, 11, "The council")
    g = _features(text, council, pick=True)
    assert g["pick"] == 1.0 and g["pick_c95"] == 1.0
    assert g["sentence_start"] == 1.0
    outside = _features(text, None, pick=True)
    assert outside["outside"] == 1.0 and outside["outside_c95"] == 1.0


def test_owner_of_words_is_a_candidate_speaker() -> None:
    assert rank.speech_noun_after(ENGLISH, " past statements about", 0)
    assert rank.speech_noun_after(ENGLISH, " claim that", 0)
    assert not rank.speech_noun_after(ENGLISH, " dog ran far away", 0)


def test_softmax_is_a_distribution() -> None:
    probs = rank.softmax([3.0, 1.0, -2.0])
    assert math.isclose(sum(probs), 1.0)
    assert probs[0] > probs[1] > probs[2]


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        # a relative clause's object does not speak; its subject does
        (
            "Twenty-nine people were injured by an explosion that Mayor Bill de Blasio "
            "described as “an intentional act.”",
            "intentional act",
            "Bill de Blasio",
        ),
        # the sentence's subject chants, not the guessed speaker of the story
        (
            "The senator spoke first.\n\nLed by the council speaker, the rally denounced "
            "the candidate's call for “a total and complete shutdown of the border.”",
            "total and complete",
            "the rally",
        ),
    ],
)
def test_ranked_speakers(text: str, words: str, speaker: str) -> None:
    quotes = [q for q in extract_quotes(text) if words in q.text]
    assert quotes and quotes[0].kind is not QuoteKind.INDIRECT
    assert quotes[0].speaker == speaker


def test_without_the_model_the_rules_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    text = Path(__file__).parents[1].joinpath("fixtures", "seed-article.txt").read_text()
    with_model = extract_quotes(text)
    monkeypatch.setattr(rank, "MODEL", rank.Model.of({}))
    rules_only = extract_quotes(text)
    assert [(q.start, q.end) for q in with_model] == [(q.start, q.end) for q in rules_only]
    assert all(q.confidence != rank.OVERRIDE_CONFIDENCE for q in rules_only)


def test_training_is_deterministic_and_leaves_the_shipped_model_alone(tmp_path: Path) -> None:
    text = (
        "Officials met on Monday. The mayor spoke first, and the crowd chanted “Lock her up!” "
        "as Smith smiled.\n\n“We are ready,” said Jane Roe, a city official.\n\n"
        "Led by Roe, the rally denounced the plan as “a road to nowhere.”\n"
    )

    def span(words: str) -> list[list[int]]:
        s = text.index(words)
        return [[s, s + len(words)]]

    def attribution(source: str, content: str) -> dict[str, object]:
        return {"source": span(source), "source_text": source, "content": span(content)}

    gold = {
        "id": "a1",
        "text": text,
        "attributions": [
            attribution("the crowd", "Lock her up!"),
            attribution("Jane Roe", "We are ready"),
            attribution("the rally", "a road to nowhere"),
        ],
    }
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    shipped = dict(rank.MODEL.weights)
    outs = []
    for name in ("one.json", "two.json"):
        out = tmp_path / name
        assert train_rank.main([str(train), "-o", str(out), "--epochs", "5"]) == 0
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outs[0] == outs[1]
    assert outs[0]["trained_on"] == "train.jsonl"
    assert shipped == rank.MODEL.weights


@pytest.mark.parametrize(
    "content", ["", "{not json", '{"weights": [1, 2]}', '{"weights": {"pick": "x"}}', "[]"]
)
def test_a_damaged_model_file_leaves_the_rules_in_charge(tmp_path: Path, content: str) -> None:
    path = tmp_path / "speaker_rank.json"
    path.write_text(content, encoding="utf-8")
    assert rank.load(path) == {}
    assert rank.load(tmp_path / "missing.json") == {}


def test_one_pass_scoring_equals_the_trained_form() -> None:
    # rivals are scored with their tier's weights folded in; the choice must be the one
    # the model was trained to make on the tier-expanded features
    text = "The council replaced it with language calling for “appropriate assistance.”"
    it = Mention(text.index("it "), text.index("it ") + 2, "it", pronoun=True)
    council = Mention(0, 11, "The council")
    for confidence in (1.0, 0.7, 0.4):
        rows = [_features(text, council, pick=True), _features(text, it)]
        rivals = [False, True]
        pairs = zip(rows, rivals, strict=True)
        trained = [rank.tiered(f, confidence) if r else f for f, r in pairs]
        scores = [rank.score(f, rank.MODEL.weights) for f in trained]
        expected = max(range(len(rows)), key=scores.__getitem__)
        assert rank.MODEL.best(rows, rivals, confidence) == expected
        assert any(k.startswith(rank.tier(confidence) + ":") for k in trained[1])


_PREV_WORD_RE = re.compile(r"([\w’'\-]+)\s+\Z")
_PREP_RE = re.compile(r"\b(?:to|with|from|about|of|in|on|like|into)\s+\Z", re.IGNORECASE)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"a Z_-’'.,(\n\t1é", "to ", "In ", "onto ", "by  "])), st.data())
def test_the_word_before_is_what_the_plain_patterns_find(parts: list[str], data: Any) -> None:
    text = "".join(parts)
    pos = data.draw(st.integers(0, len(text)))
    lo = data.draw(st.integers(0, pos))
    prev = _PREV_WORD_RE.search(text, lo, pos)
    assert rank._word_before(text, lo, pos, "’'-") == (prev.group(1) if prev else "")
    prep = _PREP_RE.search(text[lo:pos]) is not None
    word = rank._word_before(text, lo, pos).lower()
    assert prep == (word in {"to", "with", "from", "about", "of", "in", "on", "like", "into"})


def test_no_candidate_starts_inside_a_cues_mention() -> None:
    # the scan resumed inside "a statement to Wired" and offered Wired as the writer
    text = (
        "Peter Thiel will speak on Thursday.\n\n“Many people are uncertain in this election "
        "year,” Thiel wrote in a statement to Wired explaining why he is speaking at the "
        "convention, “but most Americans agree that our country is on the wrong track.”\n"
    )
    speakers = {q.text[:8]: q.speaker for q in extract_quotes(text)}
    assert speakers == {"Many peo": "Peter Thiel", "but most": "Peter Thiel"}


def test_a_loose_attribution_verb_after_a_candidate_is_a_hint() -> None:
    text = "Roe dubbed the plan “a mess” and left."
    roe = Mention(0, 3, "Roe", "Roe")
    assert _features(text, roe)["hint_next"] == 1.0
