"""The speech/not-speech model for short quotations: terms, names of things and titles are
not shown as quotations; words someone is reported as saying are (made-up sentences)."""

from __future__ import annotations

import pytest

from bot.domain import QuoteKind
from summarizer import extract_quotes
from summarizer.quotes import short


def _quoted(text: str) -> list[str]:
    return [q.text for q in extract_quotes(text) if q.kind is not QuoteKind.INDIRECT]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # a name for a condition, given by no one in particular, which the story goes on using
        (
            "Doctors saw more cases this winter. When the dust comes from mouldy hay, the "
            "condition is called “thresher’s cough.” Thresher’s cough is treated with rest "
            "and steroids, and thresher’s cough rarely returns.",
            "thresher’s cough",
        ),
        (
            "The clinic treats a rare complaint. A reaction to down pillows has been dubbed "
            "“pillow wheeze.” Pillow wheeze clears once the pillows go, and the "
            "clinic has seen pillow wheeze twice this year.",
            "pillow wheeze",
        ),
    ],
)
def test_a_term_named_by_no_one_is_not_a_quotation(text: str, term: str) -> None:
    assert not any(term in q.lower() for q in _quoted(text)), _quoted(text)


def test_words_someone_is_reported_saying_stay_quotations() -> None:
    text = (
        "The mayor spoke on Tuesday. Mara Quist called the plan “a betrayal of the harbour” "
        "and said the vote was “rushed.”"
    )
    quoted = _quoted(text)
    assert any("betrayal of the harbour" in q for q in quoted), quoted


def test_the_model_reads_its_features() -> None:
    assert short.WEIGHTS, "short_quotes.json is shipped with the package"
    assert set(short.WEIGHTS) <= set(short.FEATURES)
    zero = dict.fromkeys(short.FEATURES, 0.0)
    both = {**zero, "bias": 1.0, "mixed": 1.0, "words_2": 1.0}
    term = {**both, "conf_none": 1.0, "short_guess": 1.0, "named_passive": 1.0}
    said = {**both, "conf_adjacent": 1.0, "sentence_has_cue": 1.0}
    assert short.score(term) < short.THRESHOLD <= short.score(said)
