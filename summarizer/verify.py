"""Verification: what a language model says a story says, checked against the story.

One attribution rule, used wherever model text reaches a user (bullets, gist, chat
answers, stored quotes): words are shown as a quotation only when

- the article has them verbatim (after folding quotation marks, apostrophes, dashes,
  whitespace, case and ellipses), inside one pair of the article's quotation marks, and
  they are two words or more unless they are all that pair holds (“Amazing,” Davis said);
- the offline extractor's own analysis of the article saw speech there (one of its
  direct or mixed quotes covers them: a show title in quotation marks is not speech)
  and attributes that quote to a person;
- the model's speaker names that same person, with the article's words for them
  (`summarizer.people`), or with words of the extractor's own mention of the speaker
  for that quote holding its whole resolved name: not a nearby name, not a name made of
  words found elsewhere, not several people in one name; where the extractor left the
  speaker a definite description ("the spokesperson"), the one name the article gave
  that description to before it counts too (`summarizer.described`);
- the extractor did not merely guess the speaker (``Quote.confidence`` below
  `GUESSED_BELOW`: nothing in the sentence or paragraph says who spoke): then the words
  are a paraphrase even when the model names that same speaker;
- an ellipsis joins pieces of that one quotation only and skips no negation, and a
  fragment whose cut would drop a negation ("raise taxes" from "we will not raise
  taxes") is shown with its negation and verb.

Anything else is a paraphrase without quotation marks (inner ones removed too) or is
dropped: words of the article given to nobody the extractor could name ("it said") or
not speech become a paraphrase, unless the model's cut dropped a negation; words the
extractor gives to someone else are dropped. A verified quote is mapped back to offsets
(a real `Quote` slicing out of the story) and carries the extractor's resolved name for
the speaker; a role stands only when the article gives that role to that person.

`verify_model_text` applies the same rule to free text (a gist, an answer, a
paraphrase): a quotation that passes stays as the article has it (with a negation its
cut dropped put back); one that does not loses its marks. ``TextCheck.ok`` says whether
every quotation passed. The quotations are found by `summarizer.quotations`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.domain import Quote, QuoteKind
from summarizer.described import Descriptions, Link
from summarizer.folding import WORD_RE, fold_words, normalize, significant
from summarizer.people import People, Person, several_people
from summarizer.quotations import claimed_speaker, find_quotations, strip_quotation_marks
from summarizer.quotes.gold import alnum_trim
from summarizer.quotes.marks import pair_marks
from summarizer.speaker_phrase import names_speaker_at

_ELLIPSIS_RE = re.compile(r"\s*\[?\s*(?:\.\s?){3}\.*\s*\]?\s*|\s*\[\s*\]\s*")
_EDGE = " '.,;:!?-()[]"
_NEGATION_RE = re.compile(
    r"\b(?:not|no|never|cannot|nor|neither|none|nobody|nothing|nowhere|without|hardly|"
    r"barely|scarcely)\b|n['\u2019]t\b",
    re.IGNORECASE,
)
_CLAUSE_END_RE = re.compile(r"[,;:.!?()\u2014\u2013\n]")
# A negation set off by commas still governs the words after them: "we do not, in fact,
# have", "It is not, unfortunately, surprising", "Never, ever, ever underestimate". Not
# the answer "No, ..." and not "or not," / "than not," / "if not," (their own clause).
_WORDS_THEN_COMMA = r"[\w'\u2019-]+(?:\s+[\w'\u2019-]+){0,2}\s*,\s*"
_COMMA_NEGATION_RE = re.compile(
    r"(?<![\w'\u2019])(?<!\bor )(?<!\bthan )(?<!\bif )"
    r"(?P<neg>not|never|cannot|nor|neither|\w+n['\u2019]t)\s*,\s*"
    rf"(?:{_WORDS_THEN_COMMA}){{0,2}}(?:[\w'\u2019-]+\s+){{0,2}}\Z",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"[\w'\u2019]+")
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you"})

MIN_QUOTE_WORDS = 2
MIN_QUOTE_CHARS = 6
# How far apart (normalised characters) the pieces of an elided quote may be.
MAX_ELISION_GAP = 400
_MAX_OCCURRENCES = 50
# Below this `Quote.confidence` the extractor guessed a quotation's speaker (the story's
# latest salient speaker, 0.4; any noun phrase subject, 0.45): no cue, subject or
# speaker of the sentence or paragraph says who spoke. A model naming that same speaker
# is then shown as a paraphrase: on PolNeAR train such guesses are wrong 6 times in 21
# (every other rule's quotations, ranker overrides at 0.55 included, at most 1 in 5);
# see benchmarks/llm_verify.py.
GUESSED_BELOW = 0.5
# Words looked at before a fragment, within its clause, for a negation its cut would drop
# ("I don't think that it's [a good idea]": four words back).
_NEGATION_LOOKBACK = 8

Verdict = Literal["verified", "downgraded", "dropped", "misattributed", "negation", "unattributed"]
# Better verdicts first: of several places a quote occurs, the best one counts.
_RANK: dict[str, int] = {
    "verified": 0,
    "misattributed": 1,
    "negation": 2,
    "unattributed": 3,
    "downgraded": 4,
    "dropped": 5,
}


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``."""
    return fold_words(text)


def significant_words(text: str) -> list[str]:
    return significant(text)


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

    verified: int = 0  # quotes the article gives verbatim to the person the model names
    downgraded: int = 0  # not verbatim speech of anyone: paraphrases now
    dropped: int = 0  # too short, duplicates, skipped negations, invented inner quotations
    rejected_speakers: int = 0  # speakers the story does not give (or several in one)
    misattributed: int = 0  # real quotations the article gives to someone else

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


@dataclass(frozen=True, slots=True)
class Attributed:
    """One quotation judged: ``quote`` when verified, else None and why (``verdict``)."""

    quote: Quote | None
    verdict: Verdict


class Verifier:
    """Checks claims against one story's text.

    ``grounding`` is the offline extractor's quotes of ``text`` (its analysis: quote
    spans, speakers, mentions). ``quoted`` overrides where the text's quotations are
    (default: the extractor's mark pairing); ``people`` overrides who is who.
    """

    def __init__(
        self,
        text: str,
        grounding: Sequence[Quote] = (),
        *,
        quoted: Iterable[tuple[int, int]] | None = None,
        people: People | None = None,
    ) -> None:
        self.text = text
        self.grounding = tuple(grounding)
        self._norm = normalize(text)
        self._words: set[str] = set(WORD_RE.findall(self._norm.text))
        if quoted is None:
            quoted = ((m.start, m.end) for m in pair_marks(text))
        self._quoted = sorted(quoted)
        self.people = people if people is not None else People.from_article(text, self.grounding)
        self._speech = [q for q in self.grounding if q.kind is not QuoteKind.INDIRECT]
        self._descriptions = Descriptions(text)

    # speakers

    def speaker_mentioned(self, speaker: str) -> bool:
        """True when ``speaker`` is one person the story names: a person the extractor
        found speaking, or at least a name whose last telling word the story has."""
        if self.people.several(speaker):
            return False
        if self.people.named_by(speaker):
            return True
        telling = significant(speaker)
        return bool(telling) and telling[-1] in self._words

    def person(self, speaker: str) -> Person | None:
        found = self.people.named_by(speaker)
        return found[0] if len(found) == 1 else None

    def verify_role(self, role: str | None, speaker: str | None = None) -> str | None:
        """``role`` when the article gives it to ``speaker`` (titles, appositions, the
        extractor's roles), else None."""
        if not role or not role.strip() or not speaker:
            return None
        person = self.person(speaker)
        return role.strip() if person is not None and person.role_ok(role) else None

    # quotes

    def attribute(self, speaker: str, text: str) -> Attributed:
        """``text`` (a model's quotation, ellipses allowed) judged as ``speaker``'s words."""
        pieces = fragments(text)
        if not pieces:
            return Attributed(None, "dropped")
        best = Attributed(None, "downgraded")
        for start, end, gaps in self._candidates(pieces):
            judged = self._judge(speaker, start, end, gaps)
            if _RANK[judged.verdict] < _RANK[best.verdict]:
                best = judged
            if judged.verdict == "verified":
                break
        return best

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` occurs verbatim (normalised; an ellipsis may skip words)."""
        pieces = fragments(quote)
        for start, end, _ in self._candidates(pieces) if pieces else ():
            return start, end
        return None

    def _candidates(self, pieces: list[str]) -> Iterable[tuple[int, int, list[tuple[int, int]]]]:
        """Each place the pieces occur in order: (start, end, skipped gaps), original offsets."""
        hay = self._norm.text
        first = pieces[0]
        at = hay.find(first)
        seen = 0
        while at >= 0 and seen < _MAX_OCCURRENCES:
            seen += 1
            followed = self._follow(at, pieces)
            if followed is not None:
                end, gaps = followed
                index = self._norm.index
                yield (
                    index[at],
                    index[end - 1] + 1,
                    [(index[s - 1] + 1, index[e]) for s, e in gaps],
                )
            at = hay.find(first, at + 1)

    def _follow(self, at: int, pieces: list[str]) -> tuple[int, list[tuple[int, int]]] | None:
        hay = self._norm.text
        end = at + len(pieces[0])
        if not _bounded(hay, at, end):
            return None
        gaps: list[tuple[int, int]] = []
        for piece in pieces[1:]:
            limit = end + MAX_ELISION_GAP + len(piece)
            nxt = hay.find(piece, end, limit)
            while nxt >= 0 and not _bounded(hay, nxt, nxt + len(piece)):
                nxt = hay.find(piece, nxt + 1, limit)
            if nxt < 0:
                return None
            gaps.append((end, nxt))
            end = nxt + len(piece)
        return end, gaps

    def _judge(self, speaker: str, start: int, end: int, gaps: list[tuple[int, int]]) -> Attributed:
        text = self.text
        start, end = alnum_trim(text, (start, end))
        passage = text[start:end]
        quotation = next(((s, e) for s, e in self._quoted if s <= start and end <= e), None)
        short = len(words(passage)) < MIN_QUOTE_WORDS or len(passage) < MIN_QUOTE_CHARS
        if short and (quotation is None or not self._whole(quotation, start, end)):
            return Attributed(None, "dropped")
        if quotation is None:
            return Attributed(None, "downgraded")  # narration, or across quotations
        if any(_NEGATION_RE.search(text[s:e]) for s, e in gaps):
            return Attributed(None, "negation")
        spoken = [q for q in self._speech if q.start <= start and end <= q.end]
        if not spoken:  # a title or a term, not speech: a paraphrase keeping any "not"
            cut = self._with_negation(start, quotation[0]) != start
            return Attributed(None, "negation" if cut else "downgraded")
        said = min(spoken, key=lambda q: q.end - q.start)
        person = self.people.get(said.speaker)
        if person is None or _unresolved(person.name):
            # the extractor gives the words to nobody it could name ("it said"): the
            # model's speaker is neither confirmed nor contradicted, so a paraphrase,
            # unless the cut dropped a negation the paraphrase would lose
            cut = self._with_negation(start, quotation[0]) != start
            return Attributed(None, "negation" if cut else "unattributed")
        name, role, anonymous = person.name, person.role, said.anonymous
        if self.people.several(speaker):
            return Attributed(None, "misattributed")
        if not (person.is_named_by(speaker) or self._mention_names(said, person, speaker)):
            link = self._described_link(said, person, speaker)
            if link is None:
                return Attributed(None, "misattributed")
            name, anonymous = link.name, False
            role = None if significant(link.phrase) == significant(name) else link.phrase
        if said.confidence < GUESSED_BELOW:
            # the extractor guessed the speaker (no cue, subject or speaker in the
            # quotation's sentence or paragraph): the article does not say who spoke
            cut = self._with_negation(start, quotation[0]) != start
            return Attributed(None, "negation" if cut else "unattributed")
        start = self._with_negation(start, quotation[0])
        return Attributed(
            Quote(
                text=text[start:end],
                start=start,
                end=end,
                kind=said.kind,
                speaker=name,
                speaker_role=role,
                speaker_mention=said.speaker_mention,
                cue=said.cue,
                anonymous=anonymous,
                confidence=0.9,
            ),
            "verified",
        )

    def _described_link(self, said: Quote, person: Person, speaker: str) -> Link | None:
        """The article's own link from ``speaker`` to the description the extractor left
        as this quote's speaker ("Jane Doe, the company's spokesperson" before "the
        spokesperson said"), or None (`summarizer.described`)."""
        if said.speaker_mention is None or several_people(speaker):
            return None
        return self._descriptions.linked_name(person.name, said.speaker_mention.start, speaker)

    def _mention_names(self, said: Quote, person: Person, speaker: str) -> bool:
        """True when ``speaker`` is the extractor's own mention of this quote's speaker
        (or part of it holding every word of the resolved name): "California Governor's
        Office of Emergency Services" where the extractor resolved it as "Office"; or the
        article's whole phrase at that mention (`summarizer.speaker_phrase`)."""
        if said.speaker_mention is None:
            return False
        span = (said.speaker_mention.start, said.speaker_mention.end)
        mention = self.text[span[0] : span[1]]
        words = set(significant(speaker))
        if bool(person.name_words) and person.name_words <= words <= set(significant(mention)):
            return True
        others = set().union(
            *(p.name_words for p in self.people.persons.values() if p is not person)
        )
        return names_speaker_at(
            self.text, span, speaker, name=person.name_words, own=person.words, others=others
        )

    def _whole(self, quotation: tuple[int, int], start: int, end: int) -> bool:
        """True when ``start:end`` is all of the article's ``quotation`` (a word it quotes
        on its own, "“Amazing,” Davis said": short, but no cut of anything longer)."""
        s, e = alnum_trim(self.text, quotation)
        return s >= start and e <= end

    def _with_negation(self, start: int, floor: int) -> int:
        """``start`` moved back over a negation (and its verb) the fragment's cut dropped."""
        before = self.text[floor:start]
        clause = max((m.end() for m in _CLAUSE_END_RE.finditer(before)), default=0)
        tokens = list(_TOKEN_RE.finditer(before, clause))[-_NEGATION_LOOKBACK:]
        negated = [i for i, m in enumerate(tokens) if _NEGATION_RE.search(m.group())]
        if not negated:
            found = _COMMA_NEGATION_RE.search(before)
            if found is None:
                return start
            neg = found.start("neg")
            clause = max((m.end() for m in _CLAUSE_END_RE.finditer(before, 0, neg)), default=0)
            verb = list(_TOKEN_RE.finditer(before, clause, neg))
            return floor + (verb[-1].start() if verb else neg)
        first = min(negated)
        keep = tokens[first - 1] if first > 0 else tokens[first]
        return floor + keep.start()

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
            person = self.person(speaker)
            role = self.verify_role(claim.role, speaker)
            shown = person.name if person is not None else speaker
            if claim.kind == "paraphrase":
                text = verify_model_text(claim.text, self, speaker=speaker).text
                if text.strip():
                    paraphrases.append(Paraphrase(shown, role, " ".join(text.split())))
                else:
                    counts += VerifyCounts(dropped=1)
                continue
            found = self._quotes_for(speaker, claim.text, taken)
            if isinstance(found, list):
                for q in found:
                    taken.add((q.start, q.end))
                    quotes.append(_with_role(q, role))
                counts += VerifyCounts(verified=1)
            elif found in ("downgraded", "unattributed"):
                text = _unquoted(verify_model_text(claim.text, self, speaker=speaker).text)
                paraphrases.append(Paraphrase(shown, role, text))
                counts += VerifyCounts(downgraded=1)
            elif found == "misattributed":
                counts += VerifyCounts(misattributed=1)
            else:
                counts += VerifyCounts(dropped=1)
        return Verified(tuple(quotes), tuple(paraphrases), counts)

    def _quotes_for(
        self, speaker: str, text: str, taken: set[tuple[int, int]]
    ) -> list[Quote] | Verdict:
        """The quotes a claim makes (one, or one per quotation an ellipsis joined), or why
        there are none."""
        judged = self.attribute(speaker, text)
        pieces = fragments(text)
        if judged.quote is None and judged.verdict == "downgraded" and len(pieces) > 1:
            # "A ... B" over two quotations ("A," she said, "B"): each piece on its own,
            # each the same person's.
            each = [self.attribute(speaker, p) for p in pieces]
            if all(a.quote is not None for a in each):
                found = [a.quote for a in each if a.quote is not None]
                if len({q.speaker for q in found}) == 1 and not any(
                    (q.start, q.end) in taken for q in found
                ):
                    return found
            judged = min(each, key=lambda a: _RANK[a.verdict])
            if judged.verdict == "verified":
                judged = Attributed(None, "downgraded")
        if judged.quote is None:
            return judged.verdict
        if (judged.quote.start, judged.quote.end) in taken:
            return "dropped"
        return [judged.quote]


def _with_role(quote: Quote, role: str | None) -> Quote:
    if role is None or role == quote.speaker_role:
        return quote
    from dataclasses import replace

    return replace(quote, speaker_role=role)


def _unresolved(name: str) -> bool:
    """True for a speaker the extractor left a bare pronoun ("he", "it", "they")."""
    return " ".join(words(name)) in _PRONOUNS


def _bounded(hay: str, start: int, end: int) -> bool:
    """True when ``hay[start:end]`` does not begin or end in the middle of a word."""
    before = start > 0 and hay[start - 1].isalnum() and hay[start].isalnum()
    after = end < len(hay) and hay[end].isalnum() and hay[end - 1].isalnum()
    return not before and not after


def _unquoted(text: str) -> str:
    return " ".join(strip_quotation_marks(text).split())


@dataclass(frozen=True, slots=True)
class TextCheck:
    """``text`` as it may be shown: verified quotations kept, the others without marks."""

    text: str
    kept: int
    unquoted: int

    @property
    def ok(self) -> bool:
        """True when every quotation in the model's text passed."""
        return self.unquoted == 0


def verify_model_text(text: str, verifier: Verifier, *, speaker: str | None = None) -> TextCheck:
    """``text`` with every quotation checked against ``verifier``'s source under the
    attribution rule (`summarizer.verify`); ``speaker`` is who the whole text is about
    (a paraphrase), else each quotation's speaker is the name nearest it in its sentence.
    """
    out: list[str] = []
    at = 0
    kept = unquoted = 0
    for q in find_quotations(text):
        if q.open < at:
            continue  # inside a quotation already handled
        inner = text[q.start : q.end]
        who = speaker or claimed_speaker(text, q)
        judged = verifier.attribute(who, inner) if who else None
        out.append(text[at : q.open])
        if judged is not None and judged.quote is not None:
            kept += 1
            shown = judged.quote.text
            out.append(text[q.open] + shown + (text[q.close] if q.close is not None else ""))
        else:
            unquoted += 1
            out.append(strip_quotation_marks(inner))
        at = (q.close + 1) if q.close is not None else q.end
    out.append(text[at:])
    return TextCheck("".join(out), kept, unquoted)
