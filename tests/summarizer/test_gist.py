"""The offline gist: the first real sentence, never the headline repeated."""

from __future__ import annotations

from summarizer.offline import gist


def test_the_headline_repeated_as_the_first_line_is_skipped() -> None:
    text = "Council closes bus depot\nThe Harbor City council voted 5-2 on Tuesday to close it."
    assert gist(text, title="Council closes bus depot") == (
        "The Harbor City council voted 5-2 on Tuesday to close it."
    )


def test_long_sentences_are_cut_at_a_word() -> None:
    text = "word " * 100
    out = gist(text, limit=40)
    assert len(out) <= 40 and out.endswith("…") and not out.endswith(" …")
