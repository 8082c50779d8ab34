"""Verification: what a language model says a story says, checked against the story.

A model may invent a quote, improve one, or hang a real one on the wrong
person. Nothing it returns reaches a briefing unchecked:

- a quote must occur verbatim in the story text, after normalising quotation
  marks, apostrophes, dashes, whitespace, case and ellipses (an ellipsis in
  the model's quote may skip words of one passage). It is mapped back to
  offsets, so it becomes a real `Quote` that slices out of the story; the
  passage must be quoted speech (inside quotation marks, or a quote the
  offline extractor found), not narration;
- a quote found nowhere, or only in narration, is downgraded to a paraphrase
  (never shown as a quote) and counted;
- a speaker the story never mentions is rejected, with everything attributed
  to them; a role the story does not support is dropped;
- when the offline extractor gives the same passage to someone else and the
  model's speaker is not mentioned near it, the quote is rejected as
  misattributed;
- free text (a gist, an answer) may not carry a quotation that is not in the
  source.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.domain import Quote, QuoteKind, Span
from summarizer.quotes.marks import pair_marks

# Normalised forms: every quotation mark and apostrophe becomes ', every dash -.
_QUOTE_LIKE = (
    "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f"
    "\u2032\u2033\u00ab\u00bb\u2039\u203a\u301d\u301e\uff02\uff07"
)
_DASH_LIKE = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_ELLIPSIS_RE = re.compile(r"\s*\[?\s*(?:\.\s?){3}\.*\s*\]?\s*|\s*\[\s*\]\s*")
_EDGE = " '.,;:!?-()[]"
_WORD_RE = re.compile(r"[^\W_]+")
# Quotation marks in free text, by family: a mark closes only a quotation its family opened,
# so an apostrophe (single family) never ends a "…" quotation. Everything else in
# `_QUOTE_LIKE` is single family.
_DOUBLE_MARKS = '"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e\uff02'
_REF_MARK_RE = re.compile(r"\s*\[\d+\]")

MIN_QUOTE_WORDS = 2
MIN_QUOTE_CHARS = 6
# How far apart (normalised characters) the pieces of an elided quote may be.
MAX_ELISION_GAP = 400
# How close to a quote a speaker's mention must be to count as attributing it.
NEAR_CHARS = 300
_MAX_OCCURRENCES = 50

# Words that say nothing about who a speaker is.
_STOP = frozenset(
    {"a", "an", "the", "of", "and", "or", "for", "in", "on", "at", "to", "by", "with", "from"}
    | {"mr", "mrs", "ms", "dr", "prof", "sir", "its", "their", "his", "her"}
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """``text`` normalised for matching; ``index[i]`` is the original index of ``text[i]``."""

    text: str
    index: tuple[int, ...]


def _fold(ch: str) -> str:
    if ch in _QUOTE_LIKE:
        return "'"
    if ch in _DASH_LIKE:
        return "-"
    if ch == "\u2026":
        return "..."
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (base or ch).lower()


def normalize(text: str) -> Normalized:
    """Fold quotes, dashes, ellipses, diacritics and case; collapse whitespace; keep a map back."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            index.append(i)
            continue
        for piece in _fold(ch):
            out.append(piece)
            index.append(i)
    return Normalized("".join(out), tuple(index))


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``."""
    return _WORD_RE.findall(normalize(text).text)


def significant_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in _STOP and len(w) > 1]


def fragments(quote: str) -> list[str]:
    """A model's quote as normalised pieces: split at ellipses, edges trimmed."""
    norm = normalize(quote).text.strip()
    pieces = [p.strip(_EDGE) for p in _ELLIPSIS_RE.split(norm)]
    return [p for p in pieces if p]


@dataclass(frozen=True, slots=True)
class Claim:
    """One who-said-what item as a model stated it (not yet trusted)."""

    speaker: str
    role: str | None
    text: str
    kind: Literal["quote", "paraphrase"]


@dataclass(frozen=True, slots=True)
class Paraphrase:
    """What a speaker said in the model's words: never shown as a quote."""

    speaker: str
    role: str | None
    text: str


@dataclass(frozen=True, slots=True)
class VerifyCounts:
    """What verification did to a model's claims."""

    verified: int = 0  # quotes found verbatim, attributed to a mentioned speaker
    downgraded: int = 0  # quotes not found verbatim (or only in narration): paraphrases now
    dropped: int = 0  # too short, duplicates, or paraphrases carrying an invented quotation
    rejected_speakers: int = 0  # claims whose speaker the story never mentions
    misattributed: int = 0  # real passages the model gave to someone the story does not

    @property
    def rejected(self) -> int:
        """Quotes that did not survive as quotes, for the usage counters."""
        return self.downgraded + self.dropped + self.rejected_speakers + self.misattributed

    def __add__(self, other: VerifyCounts) -> VerifyCounts:
        return VerifyCounts(
            self.verified + other.verified,
            self.downgraded + other.downgraded,
            self.dropped + other.dropped,
            self.rejected_speakers + other.rejected_speakers,
            self.misattributed + other.misattributed,
        )


@dataclass(frozen=True, slots=True)
class Verified:
    """The claims that survived: real quotes (in claim order) and paraphrases."""

    quotes: tuple[Quote, ...]
    paraphrases: tuple[Paraphrase, ...]
    counts: VerifyCounts


class Verifier:
    """Checks claims against one story's text; ``grounding`` is the offline extractor's quotes."""

    def __init__(self, text: str, grounding: Sequence[Quote] = ()) -> None:
        self.text = text
        self.grounding = tuple(grounding)
        self._norm = normalize(text)
        self._positions: dict[str, list[int]] = {}
        for m in _WORD_RE.finditer(self._norm.text):
            self._positions.setdefault(m.group(), []).append(self._norm.index[m.start()])
        self._quoted = [(m.start, m.end) for m in pair_marks(text)]

    # speakers

    def speaker_mentioned(self, speaker: str) -> bool:
        """True when the story names (or describes) ``speaker``: its last telling word occurs."""
        key = _key_word(speaker)
        return key is not None and key in self._positions

    def mention_near(self, speaker: str, start: int, end: int) -> Span | None:
        """The mention of ``speaker`` closest to ``[start, end)`` within `NEAR_CHARS`, if any."""
        key = _key_word(speaker)
        if key is None:
            return None
        best: tuple[int, int] | None = None
        for pos in self._positions.get(key, ()):
            if start <= pos < end:
                continue  # named inside the quote: not who says it
            distance = start - pos if pos < start else max(0, pos - end)
            if distance <= NEAR_CHARS and (best is None or distance < best[0]):
                best = (distance, pos)
        if best is None:
            return None
        pos = best[1]
        m = _WORD_RE.match(normalize(self.text[pos:]).text)
        length = len(m.group()) if m else len(key)
        return Span(pos, min(len(self.text), pos + length))

    def verify_role(self, role: str | None) -> str | None:
        """``role`` when at least half of its telling words occur in the story, else None."""
        if not role or not role.strip():
            return None
        telling = significant_words(role)
        if not telling:
            return None
        found = sum(1 for w in telling if w in self._positions)
        return role.strip() if found * 2 >= len(telling) else None

    # quotes

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` occurs verbatim (normalised; an ellipsis may skip words), as offsets."""
        pieces = fragments(quote)
        if not pieces:
            return None
        spans = list(self._candidates(pieces))
        if not spans:
            return None
        # Prefer a passage that is quoted speech; otherwise the first.
        for start, end in spans:
            if self._speech_kind(start, end) is not None:
                return start, end
        return spans[0]

    def _candidates(self, pieces: list[str]) -> Iterable[tuple[int, int]]:
        hay = self._norm.text
        first = pieces[0]
        at = hay.find(first)
        seen = 0
        while at >= 0 and seen < _MAX_OCCURRENCES:
            seen += 1
            end = self._follow(at, pieces)
            if end is not None and _bounded(hay, at, at + len(first)):
                yield self._norm.index[at], self._norm.index[end - 1] + 1
            at = hay.find(first, at + 1)

    def _follow(self, at: int, pieces: list[str]) -> int | None:
        hay = self._norm.text
        end = at + len(pieces[0])
        if not _bounded(hay, at, end):
            return None
        for piece in pieces[1:]:
            nxt = hay.find(piece, end, end + MAX_ELISION_GAP + len(piece))
            while nxt >= 0 and not _bounded(hay, nxt, nxt + len(piece)):
                nxt = hay.find(piece, nxt + 1, end + MAX_ELISION_GAP + len(piece))
            if nxt < 0:
                return None
            end = nxt + len(piece)
        return end

    def _speech_kind(self, start: int, end: int) -> QuoteKind | None:
        """DIRECT inside quotation marks, else the kind of an extractor quote around it."""
        for s, e in self._quoted:
            if s <= start and end <= e:
                return QuoteKind.DIRECT
        for q in self.grounding:
            if q.start <= start and end <= q.end:
                return q.kind
        return None

    def _grounding_for(self, start: int, end: int) -> Quote | None:
        for q in self.grounding:
            if q.start < end and start < q.end:
                return q
        return None

    def check(self, claims: Sequence[Claim]) -> Verified:
        """Every claim checked; see the module docstring for the rules."""
        quotes: list[Quote] = []
        paraphrases: list[Paraphrase] = []
        taken: set[tuple[int, int]] = set()
        counts = VerifyCounts()
        for claim in claims:
            speaker = " ".join(claim.speaker.split())
            if not self.speaker_mentioned(speaker):
                counts += VerifyCounts(rejected_speakers=1)
                continue
            role = self.verify_role(claim.role)
            if claim.kind == "paraphrase":
                if self.free_text_ok(claim.text) and claim.text.strip():
                    paraphrases.append(Paraphrase(speaker, role, " ".join(claim.text.split())))
                else:
                    counts += VerifyCounts(dropped=1)
                continue
            quote, verdict = self._verify_quote(speaker, role, claim.text, taken)
            pieces = fragments(claim.text)
            if quote is None and verdict == "downgraded" and len(pieces) > 1:
                # "A ... B" over two quotations ("A," she said, "B"): each piece on its own.
                found = [self._verify_quote(speaker, role, p, taken)[0] for p in pieces]
                if all(q is not None for q in found):
                    for q in filter(None, found):
                        taken.add((q.start, q.end))
                        quotes.append(q)
                    counts += VerifyCounts(verified=1)
                    continue
            if quote is not None:
                taken.add((quote.start, quote.end))
                quotes.append(quote)
                counts += VerifyCounts(verified=1)
            elif verdict == "downgraded":
                paraphrases.append(Paraphrase(speaker, role, _unquoted(claim.text)))
                counts += VerifyCounts(downgraded=1)
            elif verdict == "misattributed":
                counts += VerifyCounts(misattributed=1)
            else:
                counts += VerifyCounts(dropped=1)
        return Verified(tuple(quotes), tuple(paraphrases), counts)

    def _verify_quote(
        self, speaker: str, role: str | None, text: str, taken: set[tuple[int, int]]
    ) -> tuple[Quote | None, str]:
        located = self.locate(text)
        if located is None:
            return None, "downgraded"
        start, end = located
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        passage = self.text[start:end]
        if len(words(passage)) < MIN_QUOTE_WORDS or len(passage) < MIN_QUOTE_CHARS:
            return None, "dropped"
        if (start, end) in taken:
            return None, "dropped"
        kind = self._speech_kind(start, end)
        if kind is None:
            return None, "downgraded"  # narration, not anybody's words
        grounding = self._grounding_for(start, end)
        mention = self.mention_near(speaker, start, end)
        if (
            grounding is not None
            and grounding.speaker
            and not _same_speaker(grounding.speaker, speaker)
            and not _closer(mention, grounding.speaker_mention, start, end)
        ):
            return None, "misattributed"
        return (
            Quote(
                text=passage,
                start=start,
                end=end,
                kind=kind,
                speaker=speaker,
                speaker_role=role,
                speaker_mention=mention,
                cue=grounding.cue if grounding is not None else None,
                anonymous=_anonymous(speaker, grounding),
                confidence=0.9,
            ),
            "verified",
        )

    # free text

    def free_text_ok(self, text: str, *, sources: Sequence[str] = ()) -> bool:
        """True unless ``text`` puts in quotation marks words found in neither the story
        nor ``sources``."""
        return _quotations_ok(text, lambda inner: self.locate(inner) is not None, sources)


def free_text_ok(text: str, sources: Sequence[str]) -> bool:
    """True unless ``text`` quotes words that occur in none of ``sources``."""
    return _quotations_ok(text, lambda inner: False, sources)


def _quotations_ok(text: str, found: Callable[[str], bool], sources: Sequence[str]) -> bool:
    for inner in quotations(text):
        if len(words(inner)) < MIN_QUOTE_WORDS:
            continue  # a scare-quoted word or two is not a quotation
        if not found(inner) and not any(_contains(s, inner) for s in sources):
            return False
    return True


def quotations(text: str) -> list[str]:
    """The passages ``text`` puts in quotation marks of any style, normalised.

    Marks are found after normalisation ('…', ‘…’, „…“, «…», »…« and "…" alike), a
    mark inside a word (don't, Russia's) is an apostrophe, and a mark closes only a
    quotation of its own family (double or single). Where a single-quote closer may
    be a plural possessive (``the workers' union``) and a later closer follows, the
    longer passage is returned too; a double-quote quotation never closed runs to the
    end of its paragraph (a citation marker ``[n]`` ends it).
    """
    norm = normalize(text)
    hay = norm.text
    found: list[str] = []
    opened: dict[bool, int] = {}  # family (True: double) -> index after its open mark
    last_single: tuple[int, int] | None = None  # the last single-family pair, (inner start, end)
    for i, ch in enumerate(hay):
        if ch != "'":
            continue
        double = text[norm.index[i]] in _DOUBLE_MARKS
        before = hay[i - 1] if i > 0 else " "
        after = hay[i + 1] if i + 1 < len(hay) else " "
        can_open = not before.isalnum() and not after.isspace()
        can_close = not before.isspace() and not after.isalnum()
        start = opened.get(double)
        if start is not None and can_close:
            del opened[double]
            found.append(hay[start:i])
            if not double:
                last_single = (start, i)
        elif start is None and can_open:
            opened[double] = i + 1
        elif start is None and can_close and not double and last_single is not None:
            first, end = last_single
            if hay[end - 1] in "sxz":  # that closer may have been a possessive: the longer one
                found.append(hay[first:i])
                last_single = (first, i)
    start = opened.get(True)
    if start is not None:
        paragraph = text.find("\n", norm.index[start - 1])
        end = len(hay) if paragraph < 0 else bisect_left(norm.index, paragraph)
        found.append(_REF_MARK_RE.split(hay[start:end], 1)[0])
    return found


def _contains(source: str, quote: str) -> bool:
    pieces = fragments(quote)
    if not pieces:
        return True
    return Verifier(source).locate(quote) is not None


def _bounded(hay: str, start: int, end: int) -> bool:
    """True when ``hay[start:end]`` does not begin or end in the middle of a word."""
    before = start > 0 and hay[start - 1].isalnum() and hay[start].isalnum()
    after = end < len(hay) and hay[end].isalnum() and hay[end - 1].isalnum()
    return not before and not after


def _key_word(speaker: str) -> str | None:
    """The word that identifies a speaker: a surname, or the head noun of a description."""
    telling = significant_words(speaker)
    return telling[-1] if telling else None


def _distance(span: Span, start: int, end: int) -> int:
    return start - span.end if span.end <= start else max(0, span.start - end)


def _closer(ours: Span | None, theirs: Span | None, start: int, end: int) -> bool:
    """True when the model's speaker is mentioned nearer the quote than the extractor's."""
    if ours is None:
        return False
    return theirs is None or _distance(ours, start, end) < _distance(theirs, start, end)


def _same_speaker(a: str, b: str) -> bool:
    """True when one name is the other's short form: the telling words of one are all among
    the other's ("Biden", "Joe Biden", "President Joe Biden"; not "Hunter Biden")."""
    x, y = set(significant_words(a)), set(significant_words(b))
    return bool(x and y) and (x <= y or y <= x)


def _anonymous(speaker: str, grounding: Quote | None) -> bool:
    if grounding is not None and grounding.anonymous:
        return True
    first = speaker.split()[0].lower() if speaker.split() else ""
    return first in {"a", "an", "one", "two", "several", "some"}


def _unquoted(text: str) -> str:
    return " ".join(text.split()).strip(" \"'\u201c\u201d\u2018\u2019")
