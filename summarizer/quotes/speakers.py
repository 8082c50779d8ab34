"""Who a cue reports: the mention each cue hangs on (its subject, its inverted subject,
the agent of "was asked by"), sentence subjects, and the word a named speaker's
quotation hangs on. Every mention found is resolved to the story's speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from summarizer.quotes.cues import REPORT_WORDS, TOLD, Cue, Cues
from summarizer.quotes.language import Language, words
from summarizer.quotes.marks import MarkSpan
from summarizer.quotes.mentions import left_mention, right_mention
from summarizer.quotes.names import Mention
from summarizer.quotes.resolve import Resolved, Resolver
from summarizer.quotes.sentences import (
    DATELINE_RE,
    LEAD_RE,
    NEXT_WORD_RE,
    PREV_WORD_RE,
    VERB_NEXT_RE,
    Story,
    near_start,
    overlaps,
    skip_space,
)


@dataclass(slots=True)
class Attr:
    """A quotation's speaker: the mention, whom it resolves to, the cue, and how sure."""

    mention: Mention | None
    resolved: Resolved
    cue: str | None
    confidence: float = 1.0  # how the speaker was found: a cue next to it is surest


def weaker(attr: Attr | None, confidence: float) -> Attr | None:
    if attr is None or attr.confidence <= confidence:
        return attr
    return replace(attr, confidence=confidence)


# "went on to say": a verb phrase between a subject and its cue
_GO_ON_TO_RE = re.compile(
    r"\b(?:went on|goes on|go on|continued|continues|proceeded|(?:was|were|is|are) quick|"
    r"hastened|took to (?:Twitter|Facebook|Instagram))\s+to\s+\Z"
)
# "X was asked by host Y": the agent of a passive question speaks
_ASKED_WORDS = words("asked questioned pressed challenged")
_PASSIVE_BEFORE_RE = re.compile(r"\b(?:was|were|is|are|been|being)\s+\Z")
_BY_AFTER_RE = re.compile(r"\s+by\s+")
_WH = words("why whether what how if about to when where who")
_CLAUSE_OPENER_RE = re.compile(
    r"(?:when|as|while|after|before|because|since|and|but|where|though|although|until|once|"
    r"so|then|with)\s+"
)
# "with many marchers and spectators chanting": "with" before the participle's subject,
# which may open with a quantifier or be coordinated
_WITH_BEFORE_RE = re.compile(r"\b[Ww]ith\s+(?:[a-z][\w’'\-]*\s+){0,3}\Z")
_PREP_BEFORE_RE = re.compile(r"\b(?:to|with|by|from|for|about|at|of)\s+\Z")
_COORDINATED_RE = re.compile(r"\b(?:and|but|then)\s+(?:(?:also|later|then)\s+)?\Z")
_FIRST_WORD_RE = re.compile(r"[A-Z][\w’'.\-]*")
# a time clause opening the sentence, whose subject a later "he" may stand for
_SUBORDINATE_RE = re.compile(
    r"(?:(?:But|And|Then|So)\s+)?(?:When|While|After|Before|As|Since|Once)\s+(?=[A-Z])"
)
_OPEN_MARKS = frozenset('\u201c"\u00ab\u201e')
_DETS = words("a an the his her their its this that these those our your my")
_CLAUSE_REACH = 200
# pronouns that may stand for a named speaker in the quotation's own clause
_STAND_IN_PRONOUNS = words("he she He She they They his her His Her their Their")


# "her remark that “", "his oft-repeated claim, “": a possessive owning words of saying
@cache
def _owner_before_re(lang: Language) -> re.Pattern[str]:
    return re.compile(
        r"\b(his|her|their)\s+(?:[\w\-]+\s+){0,2}?(?:"
        + "|".join(sorted(lang.speech_nouns))
        + r")(?:\s+that)?[\s,:]*\Z"
    )


_VERB_AFTER_RE = re.compile(r"\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?[a-z]+\b")
_PHRASE_STOP = words("conducted by for published released from that which who")
_FINITE = words(
    """is was has had would will could should can may might does did are were isn't wasn't
    hasn't hadn't won't wouldn't can't couldn't doesn't didn't needs wants must"""
)
# the word right after a would-be inverted subject, on its line ("said he hoped")
_INVERTED_NEXT_RE = re.compile(r"[ \t\u00a0]+([a-z][\w’']*)")
_SPEAKING_PRONOUNS = words("he she they we i He She They We I")
# a quotation's end that a speaker tag follows: “...,” Name, a title, said
_TAG_OPENERS = frozenset({",\u201d", ',"', "?\u201d", '?"', "!\u201d", '!"'})


class Speakers:
    """Finds and resolves the speakers of one story, sentence by sentence."""

    def __init__(self, story: Story, lang: Language, cues: Cues) -> None:
        self.story = story
        self.text = story.text
        self.lang = lang
        self.cues = cues
        self.resolver = Resolver(story.original, lang)
        self._not_name_start = lang.non_name_caps | lang.pronouns | words("The A An It")
        self._reporting_words = lang.cue_words | lang.attribution_hints | words("made make makes")

    def attr(self, c: Cue) -> Attr | None:
        """The attribution a cue makes, once its mention is found."""
        if c.mention is None or c.resolved is None:
            return None
        return Attr(c.mention, c.resolved, self.cues.cue_text(c))

    def note_subject(self, s0: int, s1: int, sq: list[MarkSpan]) -> None:
        text = self.text
        pos = skip_space(text, s0)
        if text[pos : pos + 1] in _OPEN_MARKS:
            return
        head = LEAD_RE.match(text, pos, s1)
        if head is not None and head.end() > pos:
            self._note_lead_subject(pos, head.end())
            pos = head.end()
        first = _FIRST_WORD_RE.match(text, pos)
        if (
            first is None
            and text[pos : pos + 1].islower()
            and (w := NEXT_WORD_RE.match(text, pos)) is not None
            and w.group(1) not in _DETS
        ):
            # "presidential nominee Hillary Clinton was ...": a lower-case title first
            first = _FIRST_WORD_RE.search(text, pos, min(s1, pos + 40))
        if first is None or first.group() in self._not_name_start:
            return  # cheap test first: most sentences do not open with a name
        limit = min([s1] + [q.open_at for q in sq])
        m = right_mention(self.lang, text, pos, limit)
        if m is not None and m.name and VERB_NEXT_RE.match(text, m.end):
            self.resolver.note_subject(m)

    def _note_lead_subject(self, lo: int, hi: int) -> None:
        """ "When Afghan President Ashraf Ghani announced the exchange, he said ...": the
        named subject of a time clause before the main clause is who its "he" stands for
        (and the next sentence's), not the speaker before."""
        conj = _SUBORDINATE_RE.match(self.text, lo, hi)
        if conj is None:
            return
        first = _FIRST_WORD_RE.match(self.text, conj.end(), hi)
        if first is None or first.group() in self._not_name_start:
            return
        m = right_mention(self.lang, self.text, conj.end(), hi)
        if m is not None and m.name and VERB_NEXT_RE.match(self.text, m.end, hi):
            self.resolver.note_subject(m)

    def cue_mentions(self, sc: list[Cue], sq: list[MarkSpan], s0: int, s1: int) -> None:
        """Find and resolve the mention each of the sentence's cues hangs on."""
        for k, c in enumerate(sc):
            lo = max([s0] + [q.end + 1 for q in sq if q.end < c.start])
            hi = min([s1] + [q.open_at for q in sq if q.open_at > c.end])
            c.mention = self._find_mention(c, lo, hi, sc[:k], s0)
            if c.mention is not None:
                salient = (
                    c.inverted
                    or near_start(self.text, s0, c.mention.start)
                    or (c.kind == "speech" and c.mention.name is not None)
                )
                c.resolved = self.resolver.resolve(c.mention, salient=salient)

    def _find_mention(self, c: Cue, lo: int, hi: int, before: list[Cue], s0: int) -> Mention | None:
        text = self.text
        if c.mention is not None:
            return c.mention  # a poll lead, the owner of a noun of saying: found with its cue
        if c.kind == "according":
            pos = skip_space(text, c.end)
            m = right_mention(self.lang, text, pos, hi, loose=True)
            return m if m is not None else _according_phrase(text, pos, hi)
        if c.kind == "participle" and text[lo : c.start].rstrip().rstrip('\u201d"').endswith(","):
            return self._clause_subject(c, before, s0)
        if c.word in _ASKED_WORDS and _PASSIVE_BEFORE_RE.search(
            text, max(lo, c.start - 8), c.start
        ):
            by = _BY_AFTER_RE.match(text, c.end, hi)
            agent = (
                right_mention(self.lang, text, by.end(), hi, loose=True) if by is not None else None
            )
            if agent is not None and " " in agent.text and agent.text.rsplit(None, 1)[1] in _WH:
                words = agent.text.rsplit(None, 1)[0]  # "a caller why ...": the caller
                agent = Mention(
                    agent.start, agent.start + len(words), words, agent.name, agent.role
                )
            if agent is not None:
                # "Sanders was asked by host Bill Maher, “...”": the one who asks speaks
                c.inverted = True
                return agent
        lead = _GO_ON_TO_RE.search(text, max(lo, c.start - 40), c.start)
        if lead is not None and (m := left_mention(self.lang, text, lo, lead.start())) is not None:
            return m  # "She went on to say", "Trump was quick to add": the subject speaks
        m = left_mention(self.lang, text, lo, c.start)
        if m is not None and not m.pronoun and lo > s0 and text[lo - 2 : lo] in _TAG_OPENERS:
            m = self._name_after_quote(lo, m)
        if (
            m is not None
            and c.word in REPORT_WORDS
            and text[m.end : c.start].strip() == ","
            and any(b.inverted and b.mention is not None and overlaps(b.mention, m) for b in before)
        ):
            # "“...,” said Jane Roe, an aide, reports the Sun": Roe is the earlier tag's
            # speaker; this tag is inverted too
            m = None
        elif (
            m is not None
            and not m.pronoun
            and c.kind in ("speech", "opinion")
            and _PREP_BEFORE_RE.search(text, max(lo, m.start - 12), m.start)
        ):
            # "Another source speaking to Fox News said": Fox News is an object
            subject = self.sentence_subject(s0, m.start)
            if subject is not None:
                return subject
        if (
            c.kind == "participle"
            and m is not None
            and not m.pronoun
            and not near_start(text, s0, m.start)
            and not _WITH_BEFORE_RE.search(text, max(lo, m.start - 48), m.start)
            and not text[lo : m.start].rstrip().endswith(("that", ","))
        ):
            # "X issued a statement describing ...": the object does not speak, X does;
            # but "..., with Sen. John Roe calling it “...”": Roe is the participle's subject
            subject = self.sentence_subject(s0, m.start)
            if subject is not None:
                return subject
            # "“...,” Thiel wrote in a statement to Wired explaining why ...": the sentence
            # opens with a quotation, so the cue before the object tells who explains
            earlier = [
                b.mention for b in before if b.mention is not None and b.mention.end <= m.start
            ]
            if earlier:
                return earlier[-1]
        if m is None or (not m.pronoun and m.name is None and not near_start(text, s0, m.start)):
            # "Hawkins and others who want to ban abortion said ...": the head before "who"
            who = text.rfind(" who ", max(lo, c.start - 100), c.start)
            if who > lo and "," not in text[who : c.start]:
                head = left_mention(self.lang, text, lo, who)
                if head is not None and not head.pronoun and near_start(text, s0, head.start):
                    return head
        if m is None and _COORDINATED_RE.search(text, max(lo, c.start - 20), c.start):
            # "Suu Kyi said ... but added", "The court overruled and said ..."
            prev = [b.mention for b in before if b.mention is not None and not b.inverted]
            m = prev[-1] if prev else self.sentence_subject(s0, c.start)
        if m is not None or c.kind in ("opinion", "participle"):
            return m  # "telling Fox 35 that ...": who is told does not speak
        left = text[lo : c.start].strip()
        if left and not left.endswith((",", "\u201d", '"', "—", ":", "''")):
            return None
        if c.word in TOLD:
            return None  # "Sen. Rand Paul, R-Ky., told Fox News": who is told does not speak
        m = right_mention(self.lang, text, skip_space(text, c.end), hi, loose=True)
        if m is None or _inverted_verb(text, m):
            return None  # "X, 22, said he would": not "said X"
        if (
            left.endswith(",")
            and m.name is None
            and not m.pronoun
            and not self.described_person(m)
            and m.text.split()[0].lower() in {"the", "a", "an"}
            and m.text.split()[-1].lower() not in self.lang.role_words
        ):
            return None  # "Hemsley, the co-author of a book, said the days when ...": not a speaker
        c.inverted = True
        return m

    def _name_after_quote(self, lo: int, m: Mention) -> Mention:
        """ "“...,” study lead author Lucas Paganini, a planetary scientist at NASA's
        Goddard Space Flight Center in Greenbelt, Maryland, and American University in
        Washington, D.C., said": the tag's subject is the name right after the quotation;
        the left scan from the verb may stop inside a long apposition."""
        text = self.text
        pos = skip_space(text, lo)
        if m.start <= pos:
            return m
        front = right_mention(self.lang, text, pos, m.start)
        if (
            front is None
            or front.name is None
            or front.pronoun
            or text[front.end : front.end + 1] != ","
            or front.end >= m.start
        ):
            return m
        return front

    def sentence_subject(self, s0: int, limit: int) -> Mention | None:
        text = self.text
        pos = skip_space(text, s0)
        head = LEAD_RE.match(text, pos, limit)
        if head is not None:
            pos = head.end()
        m = right_mention(self.lang, text, pos, limit)
        if m is None or m.end >= limit or not VERB_NEXT_RE.match(text, m.end):
            return None
        return m if good_subject(m) else None

    def _clause_subject(self, c: Cue, before: list[Cue], s0: int) -> Mention | None:
        for b in reversed(before):
            if b.mention is not None:
                return b.mention
        comma = self.text.rfind(",", s0, self.text.rfind(",", s0, c.start))
        for start in (comma + 1 if comma >= 0 else s0, s0):
            pos = skip_space(self.text, start)
            opener = _CLAUSE_OPENER_RE.match(self.text, pos) if start > s0 else None
            if opener is not None:
                # "..., when protesters interrupted her, shouting “...”": the clause's own
                # subject, after its conjunction
                pos = opener.end()
            elif (dateline := DATELINE_RE.match(self.text, pos)) is not None:
                pos = dateline.end()
            m = right_mention(self.lang, self.text, pos, c.start)
            if m is not None and (not m.pronoun or start == s0):
                return m
        return self.sentence_subject(s0, c.start)

    def relative_mention(self, start: int, end: int, s0: int) -> Mention | None:
        """ "the Chicago Police Department which reported “...”", "a headline that said":
        the relative pronoun is the mention, its antecedent the speaker."""
        text = self.text
        k = start
        while k > s0 and text[k - 1] in " ,":
            k -= 1
        if k == start or not _VERB_AFTER_RE.match(text, end):
            return None
        prev = PREV_WORD_RE.search(text, max(s0, k - 30), k)
        if prev is None or prev.group(1).lower() in self.lang.cue_words:
            return None  # "said that": a complementizer, not a relative pronoun
        ante = left_mention(self.lang, text, s0, k)
        if ante is None or ante.pronoun or ante.end != k:
            return None
        word = text[start:end]
        return Mention(start, end, word, ante.name or ante.text, ante.role)

    def owner_or_coreferent(
        self, q: MarkSpan, attr: Attr | None, sc: list[Cue], s0: int, s1: int
    ) -> Attr | None:
        """The mention a named speaker's quotation hangs on, when a nearer word stands for
        the same speaker: the owner of the words, the nearest cue's pronoun, or the
        nearest pronoun of the clause. The speaker (and so what the briefing says) is
        unchanged; only the mention moves to the words the quotation hangs on."""
        if attr is None or attr.mention is None or attr.mention.name is None:
            return attr
        named, name = attr.mention, attr.resolved.name
        owner = self._owner_of_words(q, named, name, s0)
        if owner is not None:
            return replace(attr, mention=owner)
        c = self._nearest_cue_for(q, named, name, sc)
        if c is not None and c.mention is not None:
            return replace(attr, mention=c.mention, cue=self.cues.cue_text(c))
        pronoun = self._clause_pronoun(q, named, name, s0, s1)
        return attr if pronoun is None else replace(attr, mention=pronoun)

    def _owner_of_words(self, q: MarkSpan, named: Mention, name: str, s0: int) -> Mention | None:
        """ "Albright fanned controversy over her remark that “...”": the owner of the
        words just before the quotation, when it stands for ``name``."""
        m = _owner_before_re(self.lang).search(self.text, max(s0, q.open_at - 60), q.open_at)
        if m is None or m.start(1) < named.end <= q.open_at:
            return None
        owner = Mention(m.start(1), m.end(1), m.group(1), pronoun=True)
        return owner if self.resolver.resolve(owner).name == name else None

    def _nearest_cue_for(self, q: MarkSpan, named: Mention, name: str, sc: list[Cue]) -> Cue | None:
        """ "DeSantis said he backs a bill against what he called “a cartel”": the
        quotation's nearest cue, when its pronoun stands for ``name``."""

        def distance(c: Cue) -> int:
            return q.open_at - c.finish if c.finish <= q.open_at else c.anchor - q.after

        near = [c for c in sc if c.finish <= q.open_at or c.anchor >= q.after]
        if not near:
            return None
        c = min(near, key=distance)
        m = c.mention
        if (
            m is None
            or c.resolved is None
            or not (m.pronoun or m.text in self.lang.relative_pronouns)
            or c.resolved.name != name
            or overlaps(m, named)
        ):
            return None
        return c

    def _clause_pronoun(
        self, q: MarkSpan, named: Mention, name: str, s0: int, s1: int
    ) -> Mention | None:
        """ "Clinton endorsed the deal, although she made clear she has “serious concerns”":
        of the pronouns of the quotation's clause that stand for ``name``, the one that
        reports ("she made clear"), else the nearest."""
        if named.pronoun or named.text in self.lang.relative_pronouns:
            return None  # "who" stands for a name but is itself the word the quote hangs on
        text, close = self.text, q.after
        # the quotation's clause, not a run-on "sentence": cut at spaces, not inside words
        lo, hi = s0, s1
        if q.open_at - s0 > _CLAUSE_REACH:
            lo = text.find(" ", q.open_at - _CLAUSE_REACH, q.open_at)
            lo = q.open_at if lo < 0 else lo
        if s1 - close > _CLAUSE_REACH:
            hi = max(close, text.rfind(" ", close, close + _CLAUSE_REACH))
        best: Mention | None = None
        best_d = len(text)
        for tok in self.story.words_outside_quotes(lo, hi):
            inside = named.start < tok.end and tok.start < named.end
            if tok.word not in _STAND_IN_PRONOUNS or inside:
                continue
            d = q.open_at - tok.end if tok.end <= q.open_at else tok.start - close
            nxt = NEXT_WORD_RE.match(text, tok.end)
            if nxt is not None and nxt.group(1) in self._reporting_words:
                d -= len(text)  # "she made clear that she has “…”": the one that reports
            if d < best_d:
                m = Mention(tok.start, tok.end, tok.word, pronoun=True)
                if self.resolver.resolve(m).name == name:
                    best, best_d = m, d
        return best

    def described_person(self, m: Mention) -> bool:
        """ "A spokesperson for France's foreign minister": a determiner and a role noun."""
        words = m.text.split()
        if len(words) < 2 or words[0] not in {"A", "An", "The", "a", "an", "the", "One", "one"}:
            return False
        head = words[1:]
        for prep in ("for", "of", "at", "from", "with", "in"):
            if prep in head:
                head = head[: head.index(prep)]
        return bool(head) and head[-1].lower() in self.lang.role_words


def _according_phrase(text: str, pos: int, hi: int) -> Mention | None:
    """ "According to early results of exit polls conducted for the AP, ...": no noun phrase
    the mention rules know, so its first words up to a participle or comma name the source."""
    comma = text.find(",", pos, min(hi, pos + 200))
    if comma < 0:
        return None
    words: list[re.Match[str]] = []
    for w in re.finditer(r"[\w’'.\-]+", text[pos:comma]):
        if w.group() in _PHRASE_STOP or len(words) == 6:
            break
        words.append(w)
    if len(words) < 2 or not words[0].group().islower():
        return None
    end = pos + words[-1].end()
    return Mention(pos, end, text[pos:end])


def _inverted_verb(text: str, m: Mention) -> bool:
    """Is the would-be inverted subject ("said he", "said Clinton") the subject of a
    reported clause instead ("said he hoped", "said Clinton is poised")?"""
    nxt = _INVERTED_NEXT_RE.match(text, m.end)
    if nxt is None:
        return False
    word = nxt.group(1)
    if m.pronoun:
        return True
    return word in _FINITE


def good_subject(m: Mention) -> bool:
    """Not "Shortly", "Acknowledging", "It": words that open a sentence without speaking."""
    if m.pronoun:
        return m.text in _SPEAKING_PRONOUNS
    first = m.text.split()[0]
    if first[:1].isupper() and first.endswith(("ly", "ing")) and m.name == first:
        return False
    return not (m.name is not None and " " not in m.name and m.name.endswith(("ly", "ing")))
