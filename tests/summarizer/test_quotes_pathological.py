"""Hostile input returns quickly and the work grows linearly with the text."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from summarizer import extract_quotes

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed-article.txt"


def _seconds(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _grows_linearly(make: Callable[[int], str], small: int = 1, factor: int = 8) -> None:
    """Eight times the input may cost at most ~3x more than linear (timer noise)."""
    a = make(small)
    b = make(small * factor)
    extract_quotes(a)  # warm up
    ta = max(_seconds(lambda: extract_quotes(a)), 1e-3)
    tb = _seconds(lambda: extract_quotes(b))
    assert tb < ta * factor * 3, (ta, tb)


def test_five_megabyte_article() -> None:
    seed = SEED.read_text(encoding="utf-8")
    big = (seed + "\n") * (5_000_000 // len(seed) + 1)
    assert len(big) >= 5_000_000
    t0 = time.perf_counter()
    quotes = extract_quotes(big)
    assert time.perf_counter() - t0 < 120  # generous: a few seconds on a laptop
    assert len(quotes) > 1000
    for q in quotes[:50] + quotes[-50:]:
        assert big[q.start : q.end] == q.text


def test_long_article_is_linear() -> None:
    seed = SEED.read_text(encoding="utf-8")
    _grows_linearly(lambda n: (seed + "\n") * n, small=4)


def test_ten_thousand_quotation_marks() -> None:
    for mark in ("“", "”", '"', "«", "„"):
        text = mark * 10_000
        t0 = time.perf_counter()
        quotes = extract_quotes(text)
        assert time.perf_counter() - t0 < 20
        assert all(text[q.start : q.end] == q.text for q in quotes)
    _grows_linearly(lambda n: 'he said "a" ' * (1250 * n), small=1)
    _grows_linearly(lambda n: "“word " * (1250 * n), small=1)


def test_no_punctuation_at_all() -> None:
    text = " ".join(["said the official he told Trump according to"] * 20_000)
    t0 = time.perf_counter()
    quotes = extract_quotes(text)
    assert time.perf_counter() - t0 < 60
    assert all(text[q.start : q.end] == q.text for q in quotes)
    _grows_linearly(lambda n: "word " * (20_000 * n), small=1)
    _grows_linearly(lambda n: "Smith said that he " * (2_000 * n), small=1)


def test_unbalanced_marks() -> None:
    text = "“Open and never closed, he said. ” ” ” “ “ said Mr. Smith\n" * 2_000
    quotes = extract_quotes(text)
    assert all(text[q.start : q.end] == q.text for q in quotes)
    _grows_linearly(lambda n: "“a, ” said X. “ b " * (500 * n), small=1)


def test_right_to_left_text() -> None:
    hebrew = "אמר ראש הממשלה: “זה לא יעבוד וגם לא יעזור לאף אחד,” הוא אמר. "
    arabic = "قال الوزير «هذا لن ينجح ولن يساعد أحدا في أي مكان» يوم الأربعاء. "
    text = (hebrew + "\u200f" + arabic + "\n") * 2_000
    quotes = extract_quotes(text)
    assert quotes
    assert all(text[q.start : q.end] == q.text for q in quotes)


def test_thousands_of_poll_openings_and_pronouns() -> None:
    # every sentence a poll lead (looked back on) and a quotation whose clause is full of
    # pronouns standing for its speaker (scanned around the quotation)
    unit = (
        "In a new CNN poll released Monday, 31% of Republicans said they back him. "
        "Jane Roe said she thinks she has “serious concerns” and she, he and they agree.\n"
    )
    _grows_linearly(lambda n: unit * 200 * n)


def test_thousands_of_datelines_with_openers_colons_and_inch_marks() -> None:
    # the rules of the seventh pass, each looking back or ahead a bounded distance
    unit = (
        "PHILADELPHIA, July 25 (UPI) — Roe said “x.” "
        "With many of the people saying “y,” Doe left. "
        "Roe has a new campaign message: “It is me.” "
        "He is 6'3\" tall and 5'11\" wide.\n"
    )
    _grows_linearly(lambda n: unit * 60 * n)
