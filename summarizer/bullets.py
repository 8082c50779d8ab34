"""Quotes -> who-said-what bullets: one per speaker, strongest first, words verbatim."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Bullet, Quote, QuoteKind
from summarizer import extract_quotes

_KIND_RANK = {QuoteKind.DIRECT: 0, QuoteKind.MIXED: 1, QuoteKind.INDIRECT: 2}
_QUOTES_PER_BULLET = 2
_MIN_CONFIDENCE = 0.5


BRIEFING_BULLETS = 4  # a briefing's default bullets per story (settings: max_bullets_per_story)


def story_bullets(text: str, *, max_bullets: int = BRIEFING_BULLETS) -> tuple[Bullet, ...]:
    """The bullets a briefing shows for a story's ``text``: what the offline summarizer
    makes, so ``newsbrief bullets`` and the benchmark score exactly what readers see."""
    return make_bullets(extract_quotes(text), max_bullets=max_bullets, text=text)


def make_bullets(
    quotes: Sequence[Quote], *, max_bullets: int = 5, text: str | None = None
) -> tuple[Bullet, ...]:
    """One bullet per speaker; speakers with direct and more quoted words come first.

    With the story ``text``, a quoted fragment is shown in the words that report it,
    verbatim from the text: “dismissed the talks as “a road to nowhere”” rather than
    “a road to nowhere” alone."""
    by_speaker: dict[str, list[Quote]] = {}
    for q in quotes:
        # a speaker the extractor only guessed (confidence under 0.5) makes no bullet
        if q.speaker and q.confidence >= _MIN_CONFIDENCE:
            by_speaker.setdefault(q.speaker, []).append(q)
    ranked = sorted(by_speaker.values(), key=_speaker_rank)
    bullets = []
    for group in ranked[: max(0, max_bullets)]:
        best: list[Quote] = []
        for q in sorted(group, key=_quote_rank):
            shown = _in_context(q, group, text)
            if all((b.start, b.end) != (shown.start, shown.end) for b in best):
                best.append(shown)
            if len(best) == _QUOTES_PER_BULLET:
                break
        role = next((q.speaker_role for q in group if q.speaker_role), None)
        bullets.append(Bullet(group[0].speaker or "", role, tuple(best)))
    return tuple(bullets)


def _in_context(q: Quote, group: list[Quote], text: str | None) -> Quote:
    """A quoted fragment ("a road to nowhere") shown in the reported clause around it
    ("dismissed the talks as “a road to nowhere”"): the extractor's clause if it gave
    one, else, with the story text, the words from the speaker's cue to the fragment."""
    if q.kind is not QuoteKind.MIXED:
        return q
    for r in group:
        if r.kind is QuoteKind.INDIRECT and r.start < q.start and q.end <= r.end:
            return r
    m = q.speaker_mention
    if text is None or m is None or not (0 <= m.end <= q.start <= q.end <= len(text)):
        return q
    start = m.end
    while start < q.start and text[start] in " ,\t":
        start += 1
    end = q.end
    if text[end : end + 1] in ".,!?" and text[end + 1 : end + 2] in _CLOSING:
        end += 1  # the fragment's own closing punctuation, inside the marks
    if text[end : end + 1] in _CLOSING:
        end += 1
    lead = text[start : q.start]
    if lead[-1:] in _OPENING:
        lead = lead[:-1]  # the fragment's own opening mark
    words = lead.split()
    if not words or len(words) > _CONTEXT_WORDS or any(ch in lead for ch in _BREAKS):
        return q
    return Quote(text[start:end], start, end, QuoteKind.INDIRECT, q.speaker, q.speaker_role)


_CLOSING = frozenset('\u201d"\u00bb')
_OPENING = frozenset('\u201c"\u00ab\u201e')
_BREAKS = frozenset('\n.!?\u201c\u201d"')
_CONTEXT_WORDS = 12


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
        cue = "said" if q.cue in _BARE_TOLD else q.cue  # "told any U.S. ..." reads wrong
        first, _, rest = text.partition(" ")
        if first in _OPENERS and rest:
            text = rest  # "said But there is ...": still verbatim, from the next word
        return f"{cue} {text}" if cue else text
    return f"“{text}”"


_BARE_TOLD = frozenset({"told", "tells", "telling"})
_OPENERS = frozenset({"But", "And", "So", "Yet", "Still"})
