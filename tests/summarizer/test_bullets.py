"""Bullets: one per speaker, strongest quotes first, words verbatim."""

from __future__ import annotations

from pathlib import Path

from bot.domain import Quote, QuoteKind
from summarizer import extract_quotes
from summarizer.bullets import format_bullet, make_bullets

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed-article.txt"


def test_format_bullet_shape() -> None:
    text = "Lavrov dismissed the talks as “a road to nowhere” on Wednesday."
    s = text.index("a road")
    q = Quote(
        "a road to nowhere",
        s,
        s + 17,
        QuoteKind.MIXED,
        speaker="Lavrov",
        speaker_role="Russian FM",
        cue="dismissed",
    )
    (bullet,) = make_bullets([q])
    assert format_bullet(bullet) == "Lavrov (Russian FM): “a road to nowhere”"


def test_one_bullet_per_speaker_strongest_first() -> None:
    text = SEED.read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    bullets = make_bullets(quotes, max_bullets=50)
    speakers = [b.speaker for b in bullets]
    assert len(speakers) == len(set(speakers))
    assert "Sergey Lavrov" in speakers
    for b in bullets:
        assert b.quotes
        kinds = [q.kind for q in b.quotes]
        order = {QuoteKind.DIRECT: 0, QuoteKind.MIXED: 1, QuoteKind.INDIRECT: 2}
        assert [order[k] for k in kinds] == sorted(order[k] for k in kinds)
        for q in b.quotes:
            assert text[q.start : q.end] == q.text  # verbatim
        line = format_bullet(b)
        assert line.startswith(b.speaker)


def test_bullets_limit_and_empty() -> None:
    assert make_bullets([]) == ()
    text = SEED.read_text(encoding="utf-8")
    assert len(make_bullets(extract_quotes(text), max_bullets=3)) == 3
    assert make_bullets(extract_quotes(text), max_bullets=0) == ()


def test_fragment_shown_in_its_reported_clause() -> None:
    text = "Lavrov dismissed the talks as “a road to nowhere” on Wednesday."
    quotes = extract_quotes(text)
    (bullet,) = make_bullets(quotes, text=text, cut={})  # display only: no scorer cut-off
    assert format_bullet(bullet) == "Lavrov: dismissed the talks as “a road to nowhere”"
    for q in bullet.quotes:
        assert text[q.start : q.end] == q.text  # verbatim
    # without the text: the reported clause the extractor emits around the fragment
    (plain,) = make_bullets(quotes)
    assert format_bullet(plain) == "Lavrov: dismissed the talks as “a road to nowhere”"


def test_guessed_speakers_make_no_bullet() -> None:
    q = Quote("a total stiff", 0, 13, QuoteKind.DIRECT, speaker="Jeb Bush", confidence=0.4)
    assert make_bullets([q]) == ()
