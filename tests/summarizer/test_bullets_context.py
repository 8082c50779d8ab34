"""A quoted fragment shown in the words that report it keeps its own closing mark."""

from __future__ import annotations

from pathlib import Path

from summarizer import extract_quotes
from summarizer.bullets import make_bullets

SEED = (Path(__file__).parent.parent / "fixtures" / "seed-article.txt").read_text(encoding="utf-8")


def test_a_fragment_ending_in_a_full_stop_keeps_its_closing_mark() -> None:
    fragment = [q for q in extract_quotes(SEED) if "end this war" in q.text]
    bullets = make_bullets(fragment, text=SEED, cut={})
    shown = [q.text for b in bullets for q in b.quotes if "end this war" in q.text]
    assert shown, "Zelenskyy's statement is among the bullets"
    for text in shown:
        assert text.count("“") == text.count("”")
        assert text in SEED  # still verbatim
