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


def _speaker_rank(group: list[Quote]) -> tuple[int, int, int, int]:
    """Named speakers first (a reader wants Lavrov before "an official"), then the most
    quoted, then whoever the story quotes earliest (news puts what matters first)."""
    anonymous = all(q.anonymous or not _looks_named(q.speaker or "") for q in group)
    quoted = sum(1 for q in group if q.kind is not QuoteKind.INDIRECT)
    return (int(anonymous), -min(quoted, 3), -min(len(group), 4), min(q.start for q in group))


def _looks_named(speaker: str) -> bool:
    first = speaker.split(" ", 1)[0]
    return first[:1].isupper() and first.lower() not in _DESCRIPTION_STARTS


_DESCRIPTION_STARTS = frozenset({"a", "an", "the", "one", "two", "three", "some", "several"})


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
