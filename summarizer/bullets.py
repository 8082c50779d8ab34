"""Quotes -> who-said-what bullets: one per speaker, strongest first, words verbatim."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Bullet, Quote, QuoteKind

_KIND_RANK = {QuoteKind.DIRECT: 0, QuoteKind.MIXED: 1, QuoteKind.INDIRECT: 2}
_QUOTES_PER_BULLET = 2


def make_bullets(quotes: Sequence[Quote], *, max_bullets: int = 5) -> tuple[Bullet, ...]:
    """One bullet per speaker; speakers with direct and more quoted words come first."""
    by_speaker: dict[str, list[Quote]] = {}
    for q in quotes:
        if q.speaker:
            by_speaker.setdefault(q.speaker, []).append(q)
    ranked = sorted(by_speaker.values(), key=_speaker_rank)
    bullets = []
    for group in ranked[: max(0, max_bullets)]:
        best = sorted(group, key=_quote_rank)[:_QUOTES_PER_BULLET]
        role = next((q.speaker_role for q in group if q.speaker_role), None)
        bullets.append(Bullet(group[0].speaker or "", role, tuple(best)))
    return tuple(bullets)


def _quote_rank(q: Quote) -> tuple[int, int, int]:
    return (_KIND_RANK[q.kind], -len(q.text), q.start)


def _speaker_rank(group: list[Quote]) -> tuple[int, int, int]:
    direct_chars = sum(len(q.text) for q in group if q.kind is not QuoteKind.INDIRECT)
    best_kind = min(_KIND_RANK[q.kind] for q in group)
    return (best_kind, -direct_chars, min(q.start for q in group))


def format_bullet(b: Bullet) -> str:
    """`Sergey Lavrov (Russian foreign minister): “a road to nowhere”` — plain text."""
    label = f"{b.speaker} ({b.speaker_role})" if b.speaker_role else b.speaker
    parts = [_show(q) for q in b.quotes]
    return f"{label}: " + " … ".join(parts)


def _show(q: Quote) -> str:
    text = " ".join(q.text.split())
    if q.kind is QuoteKind.INDIRECT:
        return f"{q.cue or 'said'} {text}" if q.cue else text
    return f"“{text}”"
