"""Quotes -> who-said-what bullets: one per person, the surest and strongest first, verbatim."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from bot.domain import Bullet, Quote, QuoteKind
from summarizer import extract_quotes
from summarizer.bullet_score import StoryFacts, features, probability, thresholds
from summarizer.quotes.language import ENGLISH
from summarizer.quotes.roles import is_role, role_in_text
from summarizer.speaker_names import group_names, split_title

_KIND_RANK = {QuoteKind.DIRECT: 0, QuoteKind.MIXED: 1, QuoteKind.INDIRECT: 2}
_QUOTES_PER_BULLET = 2
_MIN_CONFIDENCE = 0.5


BRIEFING_BULLETS = 4  # a briefing's default bullets per story (settings: max_bullets_per_story)


def story_bullets(text: str, *, max_bullets: int = BRIEFING_BULLETS) -> tuple[Bullet, ...]:
    """The bullets a briefing shows for a story's ``text``: what the offline summarizer
    makes, so ``newsbrief bullets`` and the benchmark score exactly what readers see."""
    return make_bullets(extract_quotes(text), max_bullets=max_bullets, text=text)


def make_bullets(
    quotes: Sequence[Quote],
    *,
    max_bullets: int = 5,
    text: str | None = None,
    weights: Mapping[str, float] | None = None,
    cut: Mapping[str, float] | None = None,
) -> tuple[Bullet, ...]:
    """One bullet per person, the ones an editor would trust and pick first.

    Names of one person ("Contreras Arroyo", "Luz Contreras Arroyo") make one bullet
    under the fullest name. Each quote is scored by ``summarizer.bullet_score`` (is
    this really that person's words?); a bullet shows its person's best quote, and a
    second one only when that is as sure; bullets the scorer doubts are left out
    rather than shown wrong. With the story ``text``, a quoted fragment is shown in
    the words that report it, verbatim from the text: “dismissed the talks as “a
    road to nowhere”” rather than “a road to nowhere” alone. ``weights`` replaces
    the bundled scorer and ``cut`` its cut-offs (training tries both)."""
    usable = [q for q in quotes if q.speaker and q.confidence >= _MIN_CONFIDENCE]
    canon = group_names(q.speaker or "" for q in usable)
    groups: dict[str, list[Quote]] = {}
    for q in usable:
        groups.setdefault(canon[q.speaker or ""], []).append(q)
    facts = StoryFacts.of(text or "")
    if cut is None:
        # without the story's text the scorer cannot judge a speaker: the rules' order
        cut = thresholds() if weights is None and text is not None else {}
    candidates = []
    for name, group in groups.items():
        speaker, role = _name_and_role(name, group, text)
        picked = _pick_quotes(group, speaker, role, facts, text, weights, cut)
        if picked:
            sure = math.prod(p for p, _ in picked)
            candidates.append((sure, _speaker_rank(group), speaker, role, picked))
    # of the bullets the scorer trusts, an editor's order: named people before "an
    # official", the most quoted, the earliest in the story
    floor = cut.get("bullet", 0.0)
    trusted = sorted((c for c in candidates if c[0] >= floor), key=lambda c: (c[1], -c[0]))
    bullets: list[Bullet] = []
    for _sure, _rank, speaker, role, picked in trusted:
        if len(bullets) >= max(0, max_bullets):
            break
        shown = sorted((q for _, q in picked), key=_quote_rank)
        bullets.append(Bullet(speaker, role, tuple(shown)))
    return tuple(bullets)


def _pick_quotes(
    group: list[Quote],
    speaker: str,
    role: str | None,
    facts: StoryFacts,
    text: str | None,
    weights: Mapping[str, float] | None,
    cut: Mapping[str, float],
) -> list[tuple[float, Quote]]:
    """The person's best quote, and a second only when the scorer is as sure of it."""
    scored = []
    for q in group:
        shown = _in_context(q, group, text)
        p = probability(features(shown, q, speaker, role, len(group), facts), weights)
        scored.append((p, shown))
    scored.sort(key=lambda t: (-t[0], _quote_rank(t[1])))
    picked: list[tuple[float, Quote]] = []
    for p, shown in scored:
        if any(_overlaps(shown, q) for _, q in picked):
            continue
        if picked and (p < cut.get("second", 0.0) or picked[0][0] * p < cut.get("bullet", 0.0)):
            break  # a second quote must not make the bullet one the scorer doubts
        picked.append((p, shown))
        if len(picked) == _QUOTES_PER_BULLET:
            break
    return picked


def _overlaps(a: Quote, b: Quote) -> bool:
    return a.start < b.end and b.start < a.end


def _name_and_role(name: str, group: list[Quote], text: str | None) -> tuple[str, str | None]:
    """The bullet's name and role: the role the article gives most often (the longest on
    a tie), never a stray fragment; a name the title reader cut in two ("group Doctors
    for" + "Camp Closure") put back together when the article has it whole."""
    roles: dict[str, int] = {}
    for q in group:
        if q.speaker_role:
            roles[q.speaker_role] = roles.get(q.speaker_role, 0) + 1
    role = max(roles, key=lambda r: (roles[r], len(r))) if roles else None
    if role and text:
        name, role = _rejoin_name(name, role, text)
    name, title = split_title(name)
    if title and not (role and _usable_role(role, name)):
        role = title
    if not (role and _usable_role(role, name)) and text:
        role = role_in_text(ENGLISH, name, text)  # "orchard owner Lucia Ferreira" elsewhere in it
    return name, role if role and _usable_role(role, name) else None


def _rejoin_name(name: str, role: str, text: str) -> tuple[str, str | None]:
    words = role.split()
    if words[-1].lower() not in _FUNCTION_WORDS:
        return name, role
    i = len(words)
    while i > 0 and (words[i - 1][:1].isupper() or words[i - 1].lower() in _FUNCTION_WORDS):
        i -= 1
    while i < len(words) and not words[i][:1].isupper():
        i += 1
    whole = " ".join([*words[i:], name])
    if i == len(words) or whole not in text:
        return name, role
    return whole, " ".join(words[:i]) or None


def _usable_role(role: str, name: str) -> bool:
    """A role, not a leftover: "host", "deputy director of …"; never "the", "China’s",
    "the Centre for", or the name again."""
    words = role.split()
    last = words[-1].lower()
    if last in _FUNCTION_WORDS or last.endswith(("'s", "’s")) or role.lower() in name.lower():
        return False
    if words[0].lower() in _CONJUNCTIONS:
        return False  # "and co-author of the study", "but the regions are drier"
    return is_role(ENGLISH, role)  # a role noun, no verb: never "the sky went", "a skeptical"


_FUNCTION_WORDS = frozenset({"of", "the", "for", "and", "in", "on", "at", "to", "a", "an"})
_CONJUNCTIONS = frozenset({"and", "but", "or", "which", "that", "so", "yet"})


def _in_context(q: Quote, group: list[Quote], text: str | None) -> Quote:
    """A quoted fragment shown with enough of its sentence that its meaning holds.

    "a road to nowhere" is shown in the reported clause around it ("dismissed the
    talks as “a road to nowhere”"): the extractor's clause if it gave one, else,
    with the story text, the words from the speaker's cue to the fragment. When the
    sentence goes on with the fragment's verb or a negation (estimated “between
    100,000 and 200,000” could die), that goes along too: cut there, the quote
    would say something else."""
    if not _is_fragment(q):
        return q
    for r in group:
        if r.kind is QuoteKind.INDIRECT and r.start < q.start and q.end <= r.end:
            return _with_predicate(r, text)
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
    shown = Quote(text[start:end], start, end, QuoteKind.INDIRECT, q.speaker, q.speaker_role)
    return _with_predicate(shown, text)


def _is_fragment(q: Quote) -> bool:
    """Quoted words that are part of the reporter's sentence, not a sentence of their own."""
    if q.kind is QuoteKind.MIXED:
        return True
    return q.kind is QuoteKind.DIRECT and q.text[:1].islower() and len(q.text.split()) <= 12


def _with_predicate(q: Quote, text: str | None) -> Quote:
    """``q`` and, when the sentence goes on with a verb or a negation that belongs to
    it ("could die", "is not enough"), the clause up to its next break."""
    if text is None:
        return q
    end = q.end
    while end < len(text) and text[end] in _CLOSING:
        end += 1
    rest = text[end : end + 160]
    m = _PREDICATE.match(rest)
    if m is None:
        return q
    stop = end + m.end()
    while stop > end and not text[stop - 1].isalnum():
        stop -= 1
    return Quote(text[q.start : stop], q.start, stop, q.kind, q.speaker, q.speaker_role, cue=q.cue)


_PREDICATE = re.compile(
    r"\s+(?:could|would|will|may|might|can|cannot|can't|should|must|is|are|was|were|has|have"
    r"|had|did|does|do|not|never|no longer|won't|wouldn't|isn't|aren't|wasn't)\b"
    r"[^.,;:!?\n\u201c\u201d\"]{0,80}"
)


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
