"""From story text to `Quote`s: pair marks, find cues, attach speakers, add indirect speech.

One pass over sentences in order. Each quotation takes the first of: a transcript
label inside it ("PENCE: ..."); the cue right after it (",” he said"); the cue
before it in its sentence ("X said ... “fragment”", the outer speaker when later
cues sit in that cue's that-clause); the next cue in its sentence; a speaker tag
with any verb after the closing mark (“Mexico!” the audience screamed); a dash
attribution (“...” ― Name); a colon tag (Clinton: “...”); the sentence's earlier
quotation; the sentence subject; the paragraph's speaker, or the last one of the
paragraph before when a paragraph opens with a quotation; any subject noun phrase
of the sentence; the story's latest salient speaker. ``Quote.confidence`` records
which (1.0 down to 0.4). Quotations of up to six words go through a small model
(short.py) that drops scare quotes and titles. Cues left without a quotation
become indirect attributions whose content is the clause after the cue, or the
front of the sentence for a tag at its end ("..., a source said.").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise

from bot.domain import Quote, QuoteKind, Span
from summarizer.quotes import lexicon as lx
from summarizer.quotes import rank, short
from summarizer.quotes.marks import MarkSpan, pair_marks, sentence_bounds, structure_spans
from summarizer.quotes.mentions import (
    Mention,
    Tok,
    left_mention,
    right_mention,
    right_mention_in,
    tokens,
)
from summarizer.quotes.resolve import Resolved, Resolver

_CUE_WORDS = lx.SPEECH_VERBS | lx.OPINION_VERBS | lx.PARTICIPLES | {"put"}


class _Trie(dict[str, "_Trie"]):
    """Letters to the rest of the words; the key "" marks a word's end."""


def _trie_pattern(words: frozenset[str] | set[str]) -> str:
    """An alternation of ``words`` shared by prefix ("sa(?:id|ys|y)"), so the regex engine
    tries each letter once instead of each of several hundred words in turn."""
    trie = _Trie()
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, _Trie())
        node[""] = _Trie()

    def build(node: _Trie) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


# the first-letter test first: the engine tries the trie's branches one by one
_CUE_FIRST = "".join(sorted({w[0] for w in _CUE_WORDS} | set("AaSW")))
_CUE_RE = re.compile(
    r"\b(?=["
    + _CUE_FIRST
    + r"])(?:[Aa]ccording to\b|(?:"
    + _trie_pattern(_CUE_WORDS)
    + r")\b|(?:Said|Says|Added|Asked|Wrote)\b(?= [A-Z]))"
)
_THAT_RE = re.compile(r"\s*(?:that\b|:|,)?\s*")
_TITLE_BEFORE_RE = re.compile(
    r"(?:[’']s|\b(?:show|program|programme|book|film|movie|song|titled|called|dubbed|"
    r"series|column|op-ed|article|headline|documentary|podcast|album|novel|memoir|sitcom|"
    r"anthem|on|of|in|the))\s*\Z"
)
_TITLE_AFTER_RE = re.compile(
    r"[,.]?\s+(?:star|stars|co-star|actor|actress|cast|host|co-host|creator|showrunner)\b"
)
# “Crippled America: How to Make America Great Again”: a title, a colon, a subtitle
_SUBTITLE_RE = re.compile(r"[A-Z0-9][^:\n]{0,60}\w: [A-Z0-9]")
# '“Museum to close,” by the Post’s Jo Roe': a headline and its byline
_BYLINE_AFTER_RE = re.compile(
    r"[,.]?\s+by\s+(?:the\s+)?(?:[A-Z][\w.&\-]*\s+){0,4}[A-Z][\w.&\-]*(?:[’']s|s[’'])\s+[A-Z]"
)
# '(“Roe wins,” USATODAY.com, Thursday)': a headline cited with its publication and date
_CITED_AFTER_RE = re.compile(
    r"[,.]?\s+(?:the\s+)?[A-Z][\w.&\-]*(?:\s+[A-Z][\w.&\-]*){0,3},\s+(?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|March|April|May|June|July|Aug|Sept|"
    r"Oct|Nov|Dec|\d)[^()\n]{0,30}\)"
)
# 'click “sign up”': the label of a button, not words anyone said
_CONTROL_BEFORE_RE = re.compile(r"\b(?:[Cc]lick|[Tt]ap|[Pp]ress|[Ss]elect)\s+(?:on\s+)?\Z")
# the programme a speaker was told or interviewed on: 'told “Fox and Friends”'
_TOLD_ON_RE = re.compile(
    r"\b(?:told|tells|tell|telling|interview with|interviewed on|appearance on|appeared on|"
    r"appearing on|speaking on|spoke on|said on)\s+\Z"
)
_URL_ONLY_RE = re.compile(r"(?:https?://|www\.)\S+\Z")
# '“No to Schengen” (2005)', '“...” (election poster 2003)': a dated slogan or work
_YEAR_AFTER_RE = re.compile(r"[ \t]*\((?:[^()\n]{0,40}\s)?(?:1[89]|20)\d\d\)")
_POSSESSIVE_END_RE = re.compile(r"\w[’']s\s*\Z")
_SENT_END_RE = re.compile(r"[.!?…]")
# "with many marchers and spectators chanting": "with" before the participle's subject,
# which may open with a quantifier or be coordinated
_WITH_BEFORE_RE = re.compile(r"\b[Ww]ith\s+(?:[a-z][\w’'\-]*\s+){0,3}\Z")
_TOLD_OBJECT_RE = re.compile(r"\s+(?:[\w’'.\-]+\s+){1,3}")
_FRONTED_RE = re.compile(
    r"(?:After|While|When|Whereas|Although|Though|Even as|Even though|Even if|Before|Once|"
    r"Until|Because|Since|With)\b"
)


@dataclass(slots=True)
class Cue:
    """A reporting word outside quotation marks, with the mention it hangs on."""

    start: int
    end: int
    word: str
    kind: str  # speech | opinion | participle | according
    mention: Mention | None = None
    inverted: bool = False
    resolved: Resolved | None = None
    used: bool = False
    clause: bool = False  # the reported clause around its quotes was emitted
    content_from: int = -1  # where its content starts when not right after it

    @property
    def anchor(self) -> int:
        """Where the attribution begins: the subject when it comes first."""
        if self.mention is not None and self.mention.start < self.start:
            return self.mention.start
        return self.start

    @property
    def finish(self) -> int:
        """Where the attribution ends: the inverted subject, if any."""
        if self.mention is not None and self.mention.end > self.end:
            return self.mention.end
        return self.end


@dataclass(slots=True)
class _Attr:
    mention: Mention | None
    resolved: Resolved
    cue: str | None
    confidence: float = 1.0  # how the speaker was found: a cue next to it is surest


def _kind_of(word: str) -> str:
    w = word.lower()
    if w.startswith("according"):
        return "according"
    if w in lx.PARTICIPLES:
        return "participle"
    if w == "put":
        return "speech"
    return "speech" if w in lx.SPEECH_VERBS else "opinion"


class Extractor:
    """One story's extraction; use `extract` rather than this class directly."""

    def __init__(self, text: str) -> None:
        # rules see one kind of space ("he\u00a0told"); quotes keep the story's own text,
        # and the offsets agree because the swap is one character for one
        self.original = text
        self.text = _plain_spaces(text)
        self.marks = pair_marks(text)
        self.struct = structure_spans(text, self.marks)
        self.struct_starts = [m.open_at for m in self.struct]
        self.sents = sentence_bounds(text, self.struct)
        self.resolver = Resolver(text)
        self.out: list[Quote] = []
        # training mode (summarizer/quotes/train_short.py): keep every short quotation
        # and record its features instead of asking the model
        self.collect: list[tuple[int, int, dict[str, float]]] | None = None
        # training mode (summarizer/quotes/train_rank.py): keep the rules' speakers and
        # record every candidate speaker's features instead of asking the ranker
        self.rank_collect: list[RankExample] | None = None

    def _in_quote(self, pos: int) -> bool:
        i = bisect_right(self.struct_starts, pos) - 1
        return i >= 0 and self.struct[i].open_at <= pos < self.struct[i].end

    def run(self) -> list[Quote]:
        cues = [
            Cue(m.start(), m.end(), m.group(), _kind_of(m.group()))
            for m in _CUE_RE.finditer(self.text)
            if (m.group() != "put" or _as_put_it(self.text, m.start(), m.end()))
            and not (m.group() in _ASPECTUAL and self.text.startswith(" to ", m.end()))
            and not self._in_quote(m.start())
            and not _is_noun_use(self.text, m.start())
        ]
        cues.extend(self._poll_leads())
        cues.sort(key=lambda c: c.start)
        ci = qi = 0
        para_attr: _Attr | None = None
        prev_para_attr: _Attr | None = None
        para_start = 0
        for s0, s1 in self.sents:
            if self.text.rfind("\n", para_start, s0) >= 0 or s0 == 0:
                prev_para_attr, para_attr = para_attr, None
                para_start = s0
            sc: list[Cue] = []
            while ci < len(cues) and cues[ci].start < s1:
                if cues[ci].start >= s0:
                    sc.append(cues[ci])
                ci += 1
            sq: list[MarkSpan] = []
            while qi < len(self.marks) and self.marks[qi].open_at < s1:
                sq.append(self.marks[qi])
                qi += 1
            if s0 == para_start:
                self._colon_line(s0, sq)
            self._note_subject(s0, s1, sq)
            self._mentions(sc, sq, s0, s1)
            opens = self._opens_with_quote(s0, para_start)
            carry = para_attr or (prev_para_attr if opens else None)
            last = self._sentence(sc, sq, s0, s1, carry)
            para_attr = last or para_attr
        return self._finish()

    def _poll_leads(self) -> list[Cue]:
        """ "In a national CNN/ORC poll released Monday, 31% of Republicans said ...": PolNeAR
        makes the poll the source of the rest of the sentence, and "In" its cue (14 of the
        17 such openings in train)."""
        text = self.text
        out = []
        for m in _POLL_LEAD_RE.finditer(text):
            k = m.start()
            while k > 0 and text[k - 1] in " \t\u00a0":
                k -= 1
            if (k > 0 and text[k - 1] not in '.!?\n\u201d"') or self._in_quote(m.start()):
                continue  # not at a sentence's start
            cue = Cue(m.start(), m.start() + 2, "In", "according")
            cue.mention = Mention(m.start(1), m.end(1), m.group(1))
            out.append(cue)
        return out

    def _note_subject(self, s0: int, s1: int, sq: list[MarkSpan]) -> None:
        text = self.text
        pos = _skip_space(text, s0)
        if text[pos : pos + 1] in _OPEN_MARKS:
            return
        head = _LEAD_RE.match(text, pos, s1)
        if head is not None:
            pos = head.end()
        first = _FIRST_WORD_RE.match(text, pos)
        if (
            first is None
            and text[pos : pos + 1].islower()
            and (w := _NEXT_WORD_RE.match(text, pos)) is not None
            and w.group(1) not in _DETS
        ):
            # "presidential nominee Hillary Clinton was ...": a lower-case title first
            first = _FIRST_WORD_RE.search(text, pos, min(s1, pos + 40))
        if first is None or first.group() in _NOT_NAME_START:
            return  # cheap test first: most sentences do not open with a name
        limit = min([s1] + [q.open_at for q in sq])
        m = right_mention(text, pos, limit)
        if m is not None and m.name and _VERB_NEXT_RE.match(text, m.end):
            self.resolver.note_subject(m)

    def _opens_with_quote(self, s0: int, para_start: int) -> bool:
        head = self.text[para_start : s0 + 2].lstrip()
        return head[:1] in '\u201c"\u00ab\u201e'

    def _mentions(self, sc: list[Cue], sq: list[MarkSpan], s0: int, s1: int) -> None:
        for k, c in enumerate(sc):
            lo = max([s0] + [q.end + 1 for q in sq if q.end < c.start])
            hi = min([s1] + [q.open_at for q in sq if q.open_at > c.end])
            c.mention = self._find_mention(c, lo, hi, sc[:k], s0)
            if c.mention is not None:
                salient = (
                    c.inverted
                    or _near_start(self.text, s0, c.mention.start)
                    or (c.kind == "speech" and c.mention.name is not None)
                )
                c.resolved = self.resolver.resolve(c.mention, salient=salient)

    def _find_mention(self, c: Cue, lo: int, hi: int, before: list[Cue], s0: int) -> Mention | None:
        text = self.text
        if c.mention is not None and c.word == "In":
            return c.mention  # a poll lead: found with its cue
        if c.kind == "according":
            pos = _skip_space(text, c.end)
            m = right_mention(text, pos, hi, loose=True)
            return m if m is not None else _according_phrase(text, pos, hi)
        if c.kind == "participle" and text[lo : c.start].rstrip().rstrip('\u201d"').endswith(","):
            return self._clause_subject(c, before, s0)
        if c.word in _ASKED_WORDS and _PASSIVE_BEFORE_RE.search(
            text, max(lo, c.start - 8), c.start
        ):
            by = _BY_AFTER_RE.match(text, c.end, hi)
            agent = right_mention(text, by.end(), hi, loose=True) if by is not None else None
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
        if lead is not None and (m := left_mention(text, lo, lead.start())) is not None:
            return m  # "She went on to say", "Trump was quick to add": the subject speaks
        m = left_mention(text, lo, c.start)
        if (
            m is not None
            and c.word in _REPORT_WORDS
            and text[m.end : c.start].strip() == ","
            and any(
                b.inverted and b.mention is not None and _overlaps(b.mention, m) for b in before
            )
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
            subject = self._sentence_subject(s0, m.start)
            if subject is not None:
                return subject
        if (
            c.kind == "participle"
            and m is not None
            and not m.pronoun
            and not _near_start(text, s0, m.start)
            and not _WITH_BEFORE_RE.search(text, max(lo, m.start - 48), m.start)
            and not text[lo : m.start].rstrip().endswith(("that", ","))
        ):
            # "X issued a statement describing ...": the object does not speak, X does;
            # but "..., with Sen. John Roe calling it “...”": Roe is the participle's subject
            subject = self._sentence_subject(s0, m.start)
            if subject is not None:
                return subject
            # "“...,” Thiel wrote in a statement to Wired explaining why ...": the sentence
            # opens with a quotation, so the cue before the object tells who explains
            earlier = [
                b.mention for b in before if b.mention is not None and b.mention.end <= m.start
            ]
            if earlier:
                return earlier[-1]
        if m is None or (not m.pronoun and m.name is None and not _near_start(text, s0, m.start)):
            # "Hawkins and others who want to ban abortion said ...": the head before "who"
            who = text.rfind(" who ", max(lo, c.start - 100), c.start)
            if who > lo and "," not in text[who : c.start]:
                head = left_mention(text, lo, who)
                if head is not None and not head.pronoun and _near_start(text, s0, head.start):
                    return head
        if m is None and _COORDINATED_RE.search(text, max(lo, c.start - 20), c.start):
            # "Suu Kyi said ... but added", "The court overruled and said ..."
            prev = [b.mention for b in before if b.mention is not None and not b.inverted]
            m = prev[-1] if prev else self._sentence_subject(s0, c.start)
        if m is not None or c.kind in ("opinion", "participle"):
            return m  # "telling Fox 35 that ...": who is told does not speak
        left = text[lo : c.start].strip()
        if left and not left.endswith((",", "\u201d", '"', "—", ":", "''")):
            return None
        if c.word in _TOLD:
            return None  # "Sen. Rand Paul, R-Ky., told Fox News": who is told does not speak
        m = right_mention(text, _skip_space(text, c.end), hi, loose=True)
        if m is None or _inverted_verb(text, m):
            return None  # "X, 22, said he would": not "said X"
        if (
            left.endswith(",")
            and m.name is None
            and not m.pronoun
            and not _described_person(m)
            and m.text.split()[0].lower() in {"the", "a", "an"}
            and m.text.split()[-1].lower() not in lx.ROLE_WORDS
        ):
            return None  # "Hemsley, the co-author of a book, said the days when ...": not a speaker
        c.inverted = True
        return m

    def _sentence_subject(self, s0: int, limit: int) -> Mention | None:
        text = self.text
        pos = _skip_space(text, s0)
        head = _LEAD_RE.match(text, pos, limit)
        if head is not None:
            pos = head.end()
        m = right_mention(text, pos, limit)
        if m is None or m.end >= limit or not _VERB_NEXT_RE.match(text, m.end):
            return None
        return m if _good_subject(m) else None

    def _clause_subject(self, c: Cue, before: list[Cue], s0: int) -> Mention | None:
        for b in reversed(before):
            if b.mention is not None:
                return b.mention
        comma = self.text.rfind(",", s0, self.text.rfind(",", s0, c.start))
        for start in (comma + 1 if comma >= 0 else s0, s0):
            pos = _skip_space(self.text, start)
            opener = _CLAUSE_OPENER_RE.match(self.text, pos) if start > s0 else None
            if opener is not None:
                # "..., when protesters interrupted her, shouting “...”": the clause's own
                # subject, after its conjunction
                pos = opener.end()
            elif (dateline := _DATELINE_RE.match(self.text, pos)) is not None:
                pos = dateline.end()
            m = right_mention(self.text, pos, c.start)
            if m is not None and (not m.pronoun or start == s0):
                return m
        return self._sentence_subject(s0, c.start)

    def _sentence(
        self, sc: list[Cue], sq: list[MarkSpan], s0: int, s1: int, carry: _Attr | None
    ) -> _Attr | None:
        last: _Attr | None = None
        where = -1
        cands: list[Mention] | None = None
        for q in sq:
            words = _word_count(self.text, q)
            title = self._is_title(q)
            if (title and words > short.SHORT_MAX) or self._web_address(q) or self._programme(q):
                continue
            label = self._speaker_label(q)
            cue, conf = (None, 0.0) if label is not None else self._cue_for(q, sc, s0)
            if cue is None and self._not_speech(q):
                continue  # (a title a cue reports on is part of the reported words)
            attr: _Attr | None
            if label is not None:
                attr = label
            elif cue is not None:
                attr = self._attr(cue)
                if attr is not None and conf < 1.0:
                    attr = replace(attr, confidence=conf)
            else:
                attr = (
                    self._tag_after(q, s1)
                    or self._colon_tag(q, s0)
                    or _weaker(last, 0.75)
                    or self._relative_who(q, s0)
                    or self._subject(q, s0)
                    or _weaker(carry, 0.6)
                )
            if cue is not None and not title:
                cue.used = True
            kind = self._kind(q, cue)
            if words <= short.SHORT_MAX:
                # speech, or a scare quote or a title? a small model decides
                feats = self._short_features(q, sc, s0, attr, kind, title, words)
                if self.collect is not None:
                    self.collect.append((q.start, q.end, feats))
                elif not short.keep(feats) or (title and self._owned_title(q, feats)):
                    continue
                if cue is not None:
                    cue.used = True
            if attr is None:
                attr = self._subject(q, s0, any_np=True) or self._guess()
            if rank.MODEL or self.rank_collect is not None:
                if cands is None:
                    cands = self._candidates(sc, sq, s0, s1)
                attr = self._rank(q, attr, cands, sc, s0, kind)
            self._emit_quote(q, self._owner_or_coreferent(q, attr, sc, s0, s1), kind)
            if cue is not None and attr is not None and not cue.clause:
                self._emit_clause(q, cue, attr, s0, s1)
            if attr is not None:
                last = attr
                where = max(where, q.end)
        # the attribution the sentence ends on carries over: the rightmost one
        final = last
        for a, b in pairwise(sc):
            # "Trump, the senior official continued, believes X": the tag reports X
            if (
                b.mention is not None
                and a.mention is not None
                and b.mention.end <= a.mention.start
                and self.text[a.end : b.start].strip() == ","
            ):
                b.used = True
                a.content_from = b.end
        for c in sc:
            if not c.used and c.mention is not None and c.resolved is not None:
                attr = self._attr(c)
                emitted = attr is not None and self._emit_indirect(c, attr, sq, s0, s1)
                if emitted and where < 0:
                    final, where = attr, c.start
                elif (
                    attr is not None
                    and where < 0
                    and c.kind == "speech"
                    and self.text[c.finish : s1].strip() in _INTRO_ENDS
                ):
                    # "Reporter Jomana Karadsheh says:" introduces what follows
                    final, where = replace(attr, confidence=0.7), c.start
        if final is None and not sq and self.text[s0:s1].rstrip().endswith(":"):
            final = self._intro_subject(s0, s1)
        return final

    def _intro_subject(self, s0: int, s1: int) -> _Attr | None:
        """ "Sanders made the following comment:" introduces the quotation that opens the
        next paragraph; its subject speaks."""
        m = self._sentence_subject(s0, s1)
        if m is None or m.pronoun or (m.name is None and not _described_person(m)):
            return None
        return _Attr(m, self.resolver.resolve(m), None, confidence=0.7)

    def _candidates(self, sc: list[Cue], sq: list[MarkSpan], s0: int, s1: int) -> list[Mention]:
        """Every mention of the sentence outside its quotation marks that could speak: the
        cues' mentions first, then each pronoun and noun phrase, left to right."""
        text = self.text
        found = [c.mention for c in sc if c.mention is not None]
        taken = [(m.start, m.end) for m in found]
        cue_spans = list(taken)
        edges = [q.open_at for q in sq] + [s1]
        pos = s0
        words = self._words_outside_quotes(s0, s1)
        for i, tok in enumerate(words):
            if len(found) >= rank.MAX_CANDIDATES:
                break
            if tok.start < pos:
                continue
            inside = next((b for a, b in cue_spans if a <= tok.start < b), -1)
            if inside >= 0:
                pos = inside  # a cue's mention is a candidate already: none starts inside it
                continue
            word = tok.word
            m: Mention | None
            if word in lx.PRONOUNS:
                m = Mention(tok.start, tok.end, word, pronoun=True)
            elif word in lx.RELATIVE_PRONOUNS:
                m = self._relative_mention(tok.start, tok.end, s0)
            elif word in lx.POSSESSIVE_DETERMINERS:
                # "her claim that she “never sent ...”": the owner of the words speaks
                if not rank.speech_noun_after(text, tok.end):
                    continue
                m = Mention(tok.start, tok.end, word, pronoun=True)
            elif word[:1].isupper() or word in _NP_OPENERS or word.lower() in lx.ROLE_WORDS:
                # a candidate's span is all the ranker needs: a short window will do
                hi = min([tok.start + _CANDIDATE_WINDOW] + [e for e in edges if e > tok.start])
                j = i
                while j < len(words) and words[j].end <= hi:
                    j += 1
                m = right_mention_in(text, words[i:j], tok.start, hi, loose=True)
            else:
                continue
            if m is None:
                continue
            pos = m.end
            if any(a < m.end and m.start < b for a, b in taken):
                continue
            found.append(m)
            taken.append((m.start, m.end))
        return found

    def _words_outside_quotes(self, s0: int, s1: int) -> list[Tok]:
        """The sentence's words that no quotation holds, without scanning the quoted words
        (most of a quoting sentence). Double marks and line ends part words as spaces do;
        where a sentence has other marks, its words are scanned whole and filtered."""
        text, struct = self.text, self.struct
        k = max(0, bisect_right(self.struct_starts, s0) - 1)
        out: list[Tok] = []
        pos = s0
        while k < len(struct) and struct[k].open_at < s1:
            q = struct[k]
            k += 1
            if q.end <= pos:
                continue
            if text[q.open_at] not in _CLEAN_OPENS or text[q.end : q.end + 1] not in _CLEAN_CLOSES:
                return [t for t in tokens(text, s0, s1) if not self._in_quote(t.start)]
            if q.open_at > pos:
                out.extend(tokens(text, pos, q.open_at))
            pos = q.end
        if pos < s1:
            out.extend(tokens(text, pos, s1))
        return out

    def _relative_mention(self, start: int, end: int, s0: int) -> Mention | None:
        """ "the Chicago Police Department which reported “...”", "a headline that said":
        the relative pronoun is the mention, its antecedent the speaker."""
        text = self.text
        k = start
        while k > s0 and text[k - 1] in " ,":
            k -= 1
        if k == start or not _VERB_AFTER_RE.match(text, end):
            return None
        prev = _PREV_WORD_RE.search(text, max(s0, k - 30), k)
        if prev is None or prev.group(1).lower() in _CUE_WORDS:
            return None  # "said that": a complementizer, not a relative pronoun
        ante = left_mention(text, s0, k)
        if ante is None or ante.pronoun or ante.end != k:
            return None
        word = text[start:end]
        return Mention(start, end, word, ante.name or ante.text, ante.role)

    def _rank(
        self,
        q: MarkSpan,
        attr: _Attr | None,
        cands: list[Mention],
        sc: list[Cue],
        s0: int,
        kind: QuoteKind,
    ) -> _Attr | None:
        """The rules' speaker, unless the ranker (rank.py) scores another mention of the
        sentence higher."""
        text = self.text
        close = q.after
        pick = attr.mention if attr is not None else None
        conf = attr.confidence if attr is not None else 0.0
        pick_inside = pick is not None and any(_overlaps(m, pick) for m in cands)
        rows: list[Mention | None] = [] if pick_inside else [None]
        if pick is not None and not pick_inside and s0 <= pick.start and pick.end <= close:
            rows = [pick]  # a label or tag the sentence scan does not see
            pick_inside = True
        rows.extend(_nearest(cands, q.open_at, close, pick))
        if len(rows) == 1:
            return attr  # the pick has no rival: nothing to weigh (half of all quotations)
        lo, hi = q.open_at - _RANK_REACH, close + _RANK_REACH
        sc = [c for c in sc if lo <= c.start <= hi]  # a run-on "sentence" holds hundreds
        cue_of = {(c.mention.start, c.mention.end): c for c in sc if c.mention is not None}
        before = [m for m in rows if m is not None and m.end <= q.open_at]
        after = [m for m in rows if m is not None and m.start >= close]
        near_b = max(before, key=lambda m: m.end) if before else None
        near_a = min(after, key=lambda m: m.start) if after else None
        spot = rank.Spot(
            q.open_at,
            close,
            s0,
            conf,
            quote_opens=not text[s0 : q.open_at].strip(),
            mixed=kind is QuoteKind.MIXED,
            has_cue=bool(sc),
        )
        subjects = [m for m in before if _VERB_NEXT_RE.match(text, m.end)]
        near_subject = max(subjects, key=lambda m: m.end) if subjects else None
        first_subject = min(subjects, key=lambda m: m.start) if subjects else None
        sources = [m for m in before if (m.start, m.end) in cue_of]
        first_source = min(sources, key=lambda m: m.start) if sources else None
        cue_spans = [(c.start, c.end) for c in sc]
        feats: list[dict[str, float]] = []
        for m in rows:
            if m is None:
                f = rank.features(text, None, spot, pick=attr is not None)
                if attr is None:
                    f["nobody"] = 1.0
                feats.append(f)
                continue
            c = cue_of.get((m.start, m.end))
            adjacent = c is not None and (
                (close <= c.anchor and _only_glue(text[close : c.anchor]))
                or (c.finish <= q.open_at and _only_glue(text[c.finish : q.open_at]))
            )
            near = c is not None and (
                (close <= c.anchor and len(text[close : c.anchor].split()) <= 3)
                or (c.end <= q.open_at and len(text[c.end : q.open_at].split()) <= 3)
            )
            is_pick = pick is not None and _overlaps(m, pick)
            lo, hi = (m.end, q.open_at) if m.end <= q.open_at else (close, m.start)
            between = sum(1 for o in rows if o is not None and lo <= o.start and o.end <= hi)
            cue_between = any(lo <= a and b <= hi for a, b in cue_spans)
            feats.append(
                rank.features(
                    text,
                    m,
                    spot,
                    pick=is_pick,
                    cue_kind=c.kind if c is not None else None,
                    cue_adjacent=adjacent,
                    cue_near=near,
                    subject=_near_start(text, s0, m.start),
                    nearest=m is near_b or m is near_a,
                    described=_described_person(m),
                    between=between,
                    cue_between=cue_between,
                    subject_nearest=m is near_subject,
                    subject_first=m is first_subject,
                    source_first=m is first_source,
                )
            )
        rivals = [m is not None and not (pick is not None and _overlaps(m, pick)) for m in rows]
        if self.rank_collect is not None:
            name = attr.resolved.name if attr is not None else None
            spans = [(m.start, m.end, m.name) if m is not None else None for m in rows]
            feats = [rank.tiered(f, conf) if r else f for f, r in zip(feats, rivals, strict=True)]
            self.rank_collect.append((q.start, q.end, name, pick, spans, feats))
            return attr
        chosen = rows[rank.MODEL.best(feats, rivals, conf)]
        if chosen is None or (pick is not None and _overlaps(chosen, pick)):
            return attr
        c = cue_of.get((chosen.start, chosen.end))
        cue = self._cue_text(c) if c is not None else (attr.cue if attr is not None else None)
        resolved = c.resolved if c is not None and c.resolved is not None else None
        if resolved is None:
            resolved = self.resolver.resolve(chosen)
        return _Attr(chosen, resolved, cue, confidence=rank.OVERRIDE_CONFIDENCE)

    def _owner_or_coreferent(
        self, q: MarkSpan, attr: _Attr | None, sc: list[Cue], s0: int, s1: int
    ) -> _Attr | None:
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
            return replace(attr, mention=c.mention, cue=self._cue_text(c))
        pronoun = self._clause_pronoun(q, named, name, s0, s1)
        return attr if pronoun is None else replace(attr, mention=pronoun)

    def _owner_of_words(self, q: MarkSpan, named: Mention, name: str, s0: int) -> Mention | None:
        """ "Albright fanned controversy over her remark that “...”": the owner of the
        words just before the quotation, when it stands for ``name``."""
        m = _OWNER_BEFORE_RE.search(self.text, max(s0, q.open_at - 60), q.open_at)
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
            or not (m.pronoun or m.text in lx.RELATIVE_PRONOUNS)
            or c.resolved.name != name
            or _overlaps(m, named)
        ):
            return None
        return c

    def _clause_pronoun(
        self, q: MarkSpan, named: Mention, name: str, s0: int, s1: int
    ) -> Mention | None:
        """ "Clinton endorsed the deal, although she made clear she has “serious concerns”":
        of the pronouns of the quotation's clause that stand for ``name``, the one that
        reports ("she made clear"), else the nearest."""
        if named.pronoun or named.text in lx.RELATIVE_PRONOUNS:
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
        for tok in self._words_outside_quotes(lo, hi):
            inside = named.start < tok.end and tok.start < named.end
            if tok.word not in _STAND_IN_PRONOUNS or inside:
                continue
            d = q.open_at - tok.end if tok.end <= q.open_at else tok.start - close
            nxt = _NEXT_WORD_RE.match(text, tok.end)
            if nxt is not None and nxt.group(1) in _REPORTING_WORDS:
                d -= len(text)  # "she made clear that she has “…”": the one that reports
            if d < best_d:
                m = Mention(tok.start, tok.end, tok.word, pronoun=True)
                if self.resolver.resolve(m).name == name:
                    best, best_d = m, d
        return best

    def _colon_line(self, s0: int, sq: list[MarkSpan]) -> None:
        """ "Joe Scarborough: Trump Playing Dumb Is ‘Disqualifying.’": a paragraph that
        opens with a name and a colon reports what follows, to the paragraph's end."""
        text = self.text
        m = _COLON_LINE_RE.match(text, s0)
        if m is None or m.group(1).split()[0] in _LABEL_STOP | lx.NON_NAME_CAPS:
            return
        if any(q.open_at <= m.end() + 1 for q in sq):
            return  # “...” right after the colon: the colon tag handles it
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        s, e = _strip(text, m.end(), end)
        if len(text[s:e].split()) < 3:
            return
        mention = Mention(m.start(1), m.end(1), m.group(1), m.group(1))
        attr = _Attr(mention, self.resolver.resolve(mention), None, confidence=0.7)
        self._emit(s, e, QuoteKind.INDIRECT, attr)

    def _short_features(
        self,
        q: MarkSpan,
        sc: list[Cue],
        s0: int,
        attr: _Attr | None,
        kind: QuoteKind,
        title: bool,
        words: int,
    ) -> dict[str, float]:
        text = self.text
        inner = text[q.start : q.end].strip()
        tokens_in = inner.split()
        conf = attr.confidence if attr is not None else 0.0
        before = text[max(s0, q.open_at - 40) : q.open_at]
        prev = _PREV_WORD_RE.search(before)
        prev_word = prev.group(1).lower() if prev else ""
        after = text[q.end + 1 : q.end + 30] if q.closed else ""
        nxt = _NEXT_WORD_RE.match(after)
        f = {
            "bias": 1.0,
            "words_1": float(words == 1),
            "words_2": float(words == 2),
            "words_3": float(words == 3),
            "words_4_6": float(words >= 4),
            "title": float(title),
            "title_case": float(all(w[:1].isupper() or w in _SMALL for w in tokens_in)),
            "first_upper": float(inner[:1].isupper()),
            "mixed": float(kind is QuoteKind.MIXED),
            "conf_adjacent": float(conf >= 1.0),
            "conf_before": float(0.94 <= conf < 1.0),
            "conf_after": float(0.85 <= conf < 0.9),
            "conf_tag": float(0.75 <= conf < 0.85 or 0.9 <= conf < 0.94),
            "conf_subject": float(0.65 <= conf < 0.75),
            "conf_carry": float(0.5 <= conf < 0.65),
            "conf_none": float(conf < 0.5),
            "sentence_has_cue": float(bool(sc)),
            "prev_naming": float(prev_word in _NAMING),
            "prev_determiner": float(prev_word in _DETS or prev_word.endswith(("’s", "'s"))),
            "prev_cue": float(prev_word in _CUE_WORDS),
            "prev_preposition": float(prev_word in _PREPS),
            "prev_colon": float(before.rstrip().endswith(":")),
            "sentence_start": float(not text[s0 : q.open_at].strip()),
            "ends_with_punct": float(inner[-1:] in ",.!?"),
            "has_digit": float(any(ch.isdigit() for ch in inner)),
            "all_caps": float(inner.isupper()),
            "next_noun_like": float(nxt is not None and nxt.group(1).islower()),
        }
        f["one_word_unattributed"] = f["words_1"] * float(conf < 0.9)
        f["title_case_no_cue"] = f["title_case"] * (1.0 - f["sentence_has_cue"])
        f["short_guess"] = float(words <= 3 and conf < 0.65)
        f["lower_no_cue"] = (1.0 - f["first_upper"]) * (1.0 - f["sentence_has_cue"])
        return f

    def _speaker_label(self, q: MarkSpan) -> _Attr | None:
        """ "PENCE: Well, look ...": a transcript's speaker label opens the quotation."""
        m = _LABEL_RE.match(self.text, q.start, q.end)
        if m is None or m.group(1).split()[0] in _LABEL_STOP:
            return None
        label = m.group(1)
        name = " ".join(w.capitalize() for w in label.split())
        mention = Mention(m.start(1), m.end(1), label, name)
        return _Attr(mention, self.resolver.resolve(mention), None, confidence=0.9)

    def _guess(self) -> _Attr | None:
        """No cue, tag or carried speaker: the story's most recent salient speaker."""
        r = self.resolver
        sp = r.last_subject or r.last_person or (r.recent[-1] if r.recent else None)
        if sp is None:
            return None
        return _Attr(None, Resolved(sp.name, sp.role, sp.anonymous), None, confidence=0.4)

    def _tag_after(self, q: MarkSpan, s1: int) -> _Attr | None:
        """“Mexico!” the audience screamed back: a subject right after the closing mark."""
        text = self.text
        dash = _DASH_TAG_RE.match(text, q.end + 1) if q.closed else None
        if dash is not None:
            # “Maybe, we can build a wall around Donald Trump.” ― Steve Quinlan
            m = right_mention(text, dash.end(), min(len(text), dash.end() + 120), loose=True)
            if m is not None and (m.name is not None or _described_person(m)):
                return _Attr(m, self.resolver.resolve(m), None, confidence=0.9)
        if not q.closed or text[q.end - 1 : q.end] not in _TAG_PUNCT:
            return None
        pos = _skip_space(text, q.end + 1)
        hi = text.find("\n", pos, pos + 120)
        m = right_mention(text, pos, hi if hi >= 0 else min(len(text), pos + 120), loose=True)
        if m is None or not _VERB_NEXT_RE.match(text, m.end):
            return None
        return _Attr(m, self.resolver.resolve(m), "said", confidence=0.8)

    def _colon_tag(self, q: MarkSpan, s0: int) -> _Attr | None:
        """ "Clinton: “Our goal is ...”", "From the report: “...”": the name before a colon."""
        text = self.text
        k = q.open_at
        while k > s0 and text[k - 1] in " \t\u00a0":
            k -= 1
        if k <= s0 or text[k - 1] != ":":
            return None
        m = left_mention(text, s0, k - 1)
        if m is None:
            head = _LEAD_RE.match(text, _skip_space(text, s0), k - 1)
            start = head.end() if head is not None else _skip_space(text, s0)
            if text.startswith(("From ", "from "), start):
                start += 5
            m = right_mention(text, start, k - 1)
            if m is None or m.end != k - 1:
                return None
        elif m.text[:1].islower() and not m.pronoun and not _near_start(text, s0, m.start):
            # "Obama is rolling out a new campaign message: “...”": the message is an
            # object; the one whose message it is speaks
            subject = self._sentence_subject(s0, m.start)
            if subject is not None and (subject.name is not None or subject.pronoun):
                m = subject
        return _Attr(m, self.resolver.resolve(m), "said", confidence=0.75)

    def _relative_who(self, q: MarkSpan, s0: int) -> _Attr | None:
        """ "Democrats across the country, who highlighted comments ... “sort of hopes”": the
        relative clause that carries the quotation speaks; its mention is "who"."""
        text = self.text
        who = max(text.rfind(" who ", s0, q.open_at), text.rfind(" whom ", s0, q.open_at))
        if who < 0 or "," in text[who : q.open_at] or _SENT_END_RE.search(text, who, q.open_at):
            return None
        inner = _RELATIVE_SUBJECT_RE.match(text, text.index(" ", who + 1))
        if inner is not None:
            # "Marco Rubio, who he dubbed “the little senator”": "who" is the object; the
            # relative clause's own subject speaks
            m = Mention(inner.start(1), inner.end(1), inner.group(1), pronoun=True)
            return _Attr(m, self.resolver.resolve(m), "said", confidence=0.7)
        if text.startswith(" whom ", who):
            return None
        k = who
        while k > s0 and text[k - 1] in " ,":
            k -= 1
        ante = left_mention(text, s0, k)
        if ante is None or ante.pronoun:
            return None
        m = Mention(who + 1, who + 4, "who", ante.name or ante.text, ante.role)
        return _Attr(m, self.resolver.resolve(m), "said", confidence=0.7)

    def _subject(self, q: MarkSpan, s0: int, *, any_np: bool = False) -> _Attr | None:
        """ "Huckabee is labeling the actions “...”": the sentence's subject speaks.

        ``any_np`` (a last resort) also takes subjects that are neither a name nor a
        person ("The council voted for a resolution that “condemns ...”")."""
        text = self.text
        pos = _skip_space(text, s0)
        head = _LEAD_RE.match(text, pos, q.open_at)
        if head is not None:
            pos = head.end()
        m = right_mention(text, pos, q.open_at, loose=any_np)
        if m is None or m.end >= q.open_at or not _VERB_NEXT_RE.match(text, m.end):
            return None
        if m.name is None and not m.pronoun and not _described_person(m) and not any_np:
            return None
        if not _good_subject(m):
            return None
        confidence = 0.45 if any_np else 0.7
        return _Attr(m, self.resolver.resolve(m), "said", confidence=confidence)

    def _attr(self, c: Cue) -> _Attr | None:
        if c.mention is None or c.resolved is None:
            return None
        return _Attr(c.mention, c.resolved, self._cue_text(c))

    def _cue_text(self, c: Cue) -> str:
        if c.word in {"told", "tells", "telling"}:
            toks = tokens(self.text, c.end, min(len(self.text), c.end + 40))
            if toks and toks[0].word[:1].isupper() and toks[0].start - c.end <= 1:
                return f"{c.word} {toks[0].bare}"
        return c.word

    def _cue_for(self, q: MarkSpan, sc: list[Cue], s0: int) -> tuple[Cue | None, float]:
        """The cue a quotation hangs on, and how sure that is."""
        close = q.after
        for c in sc:
            if c.mention is None:
                continue
            if close <= c.anchor and _only_glue(self.text[close : c.anchor]):
                return self._according_after(c, sc), 1.0
        lead = self._fronted_clause_end(s0, q.open_at)
        before = [
            c
            for c in sc
            if c.mention is not None and c.finish <= q.open_at and not c.finish <= lead
        ]
        if before:
            # "Obama said he expected that Americans will say “no”": a cue inside an
            # earlier cue's that-clause reports what the earlier speaker says
            pick = len(before) - 1
            while pick > 0 and self._reports(before[pick - 1], before[pick]):
                pick -= 1
            return before[pick], 0.95
        after = [c for c in sc if c.mention is not None and c.anchor >= close]
        return (after[0], 0.85) if after else (None, 0.0)

    def _fronted_clause_end(self, s0: int, hi: int) -> int:
        """ "While Clinton has condemned the proposal, the groups say they are “...”": where
        a sentence's fronted subordinate clause ends (its comma), when a quotation comes
        after it; a cue inside that clause reports something else. -1 when there is none."""
        m = _FRONTED_RE.match(self.text, _skip_space(self.text, s0), hi)
        if m is None:
            return -1
        comma = self.text.find(",", m.end(), hi)
        if comma < 0 or not self.text[comma + 1 : hi].strip():
            return -1  # "When Clinton noted ..., Trump boasted, “...”": the comma opens it
        return comma

    def _according_after(self, c: Cue, sc: list[Cue]) -> Cue:
        """ "“...,” Sanders said, according to CNN", "“...,” Roe said at a rally, according
        to the Sun", "“...,” said Roe, an aide, reports the Sun": the report is the outer
        source's."""
        text = self.text
        for d in sc:
            if d.mention is None or d.start <= c.finish:
                continue
            if d.kind != "according" and not (d.inverted and d.word in _REPORT_WORDS):
                continue
            gap = text[c.finish : d.start]
            if gap.strip() == "," or (
                gap.rstrip().endswith(",")
                and len(gap.split()) <= _TAG_GAP_WORDS
                and not any(ch in gap for ch in _QUOTE_CHARS)
                and not any(c.finish <= e.start < d.start for e in sc if e is not d)
            ):
                c.used = True  # the inner tag is part of the report, not one of its own
                return d
        return c

    def _reports(self, outer: Cue, inner: Cue) -> bool:
        """Does ``inner`` sit in the clause ``outer`` reports? "X said that Y called ...",
        "Rubio says he feels he did “great”" (the clause right after the cue)."""
        if outer.kind == "according":
            # "According to White House pool reports, Obama said “...”": the outer source
            # (the source's mention may stop short of its comma: "pool reports", "al Ashry")
            if outer.finish >= inner.anchor:
                return False
            comma = self.text.find(",", outer.finish, inner.anchor)
            return (
                comma >= 0
                and len(self.text[outer.finish : comma].split()) <= 2
                and len(self.text[comma + 1 : inner.anchor].split()) <= 1
            )
        if _THAT_BEFORE_RE.search(self.text, outer.end, inner.anchor):
            return True
        if outer.end >= inner.anchor:
            return False
        gap = self.text[outer.end : inner.anchor]
        if outer.word in _TOLD and inner.mention is not None and inner.mention.pronoun:
            # "The senator told reporters he feels good ... “...”": who is told is no speaker
            return _TOLD_OBJECT_RE.fullmatch(gap) is not None
        return not gap.strip()

    def _kind(self, q: MarkSpan, cue: Cue | None) -> QuoteKind:
        text = self.text
        first = _skip_space(text, q.start)
        if cue is not None and cue.finish <= q.open_at:
            gap = text[cue.finish : q.open_at].strip()
            if gap.rstrip(",:") and not text[first : first + 1].isupper():
                return QuoteKind.MIXED
        if text[first : first + 1].islower():
            return QuoteKind.MIXED
        return QuoteKind.DIRECT

    def _is_title(self, q: MarkSpan) -> bool:
        """“Meet the Press”, "The Axe Files": titles, not speech."""
        inner = self.text[q.start : q.end].strip(" ,.")
        words = inner.split()
        if not words or len(words) > 9 or _SENT_END_RE.search(inner):
            return False
        caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
        if caps < max(1, (len(words) + 1) // 2) or not words[0][:1].isupper():
            return False
        before = self.text[max(0, q.open_at - 30) : q.open_at]
        if _TITLE_BEFORE_RE.search(before) is not None:
            return True
        # "“Orange is the New Black” star Dascha Polanco": the show's people follow it
        return q.closed and _TITLE_AFTER_RE.match(self.text, q.end + 1) is not None

    def _web_address(self, q: MarkSpan) -> bool:
        """'...they can buy." http://nyti.ms/1U0X.': a web address between stray marks."""
        text = self.text
        pos = q.start
        while pos < q.end and text[pos] in " ,.!?":
            pos += 1
        if not text.startswith(("http", "www."), pos):
            return False  # most quotations: no slice of their words
        return _URL_ONLY_RE.match(text[pos : q.end].strip(" ,.!?")) is not None

    def _programme(self, q: MarkSpan) -> bool:
        """'Roe told “Fox and Friends”', 'in an interview with “Fox News Sunday”': a
        title-case name the words were told to or spoken on is a programme, even after a
        cue (what was said is elsewhere)."""
        text = self.text
        if _TOLD_ON_RE.search(text, max(0, q.open_at - 24), q.open_at) is None:
            return False
        words = text[q.start : q.end].strip(" ,.!?").split()
        return (
            len(words) >= 2
            and words[-1][:1].isupper()
            and all(w[:1].isupper() or w[:1].isdigit() or w in _SMALL or w == "&" for w in words)
        )

    def _not_speech(self, q: MarkSpan) -> bool:
        """Quoted words no one is reported as saying, of any length: a work's title with
        its subtitle (“13 Hours: The Secret Soldiers of Benghazi”), a headline credited to
        a byline or a publication (“Museum to close,” by the Post's Jo Roe; (“Roe wins,”
        USATODAY.com, Thursday)), a slogan or poster dated by a year in brackets (“No to
        Schengen” (2005)), a capitalised subheading on a line of its own, a button to click
        (click “sign up”)."""
        text = self.text
        inner = text[q.start : q.end].strip(" ,.!?")
        if _subtitled(inner):
            return True
        if _CONTROL_BEFORE_RE.search(text, max(0, q.open_at - 16), q.open_at) is not None:
            return True
        if q.closed and (
            _BYLINE_AFTER_RE.match(text, q.end + 1) is not None
            or _YEAR_AFTER_RE.match(text, q.end + 1) is not None
            or (text[q.open_at - 1 : q.open_at] == "(" and _CITED_AFTER_RE.match(text, q.end + 1))
        ):
            return True
        return _subheading(text, q, inner)

    def _owned_title(self, q: MarkSpan, feats: dict[str, float]) -> bool:
        """ABC's “This Week With George Stephanopoulos”: a title-case name after a
        possessive is a programme or a work, not what someone said."""
        if not feats["title_case"] or feats["words_1"]:
            return False
        return _POSSESSIVE_END_RE.search(self.text, max(0, q.open_at - 4), q.open_at) is not None

    def _emit_quote(self, q: MarkSpan, attr: _Attr | None, kind: QuoteKind) -> None:
        s, e = _strip(self.text, q.start, q.end)
        if e <= s:
            return
        self._emit(s, e, kind, attr)

    def _emit_clause(self, q: MarkSpan, c: Cue, attr: _Attr, s0: int, s1: int) -> None:
        """ "told them that any U.S. involvement would be “minimal.”": besides the quoted
        fragment, the reported clause that carries it is an attribution of its own, when
        the fragment is under a quarter of it (a longer one stands for the clause)."""
        span = self._content(c, s0, s1)
        if span is None:
            return
        s, e = span
        if not (s <= q.start and q.end <= e + 1) or (q.end - q.start) * 4 > e - s:
            return
        c.clause = True
        self._emit(s, self._close_marks(s, e), QuoteKind.INDIRECT, attr)

    def _emit_indirect(self, c: Cue, attr: _Attr, sq: list[MarkSpan], s0: int, s1: int) -> bool:
        span = self._content(c, s0, s1)
        if span is None:
            return False
        s, e = span
        words = self.text[s:e].split()
        if len(words) < 2 and not (words and words[0].lower() in _ANSWERS):
            return False  # but "half said so", "72 percent said yes"
        if any(q.start <= s and e <= q.end for q in sq):
            return False
        self._emit(s, self._close_marks(s, e), QuoteKind.INDIRECT, attr)
        return True

    def _close_marks(self, s: int, e: int) -> int:
        """Take back a closing mark the strip cut off: “minimal.” keeps its ”."""
        text = self.text
        inner = text[s:e]
        if inner.count("\u201c") > inner.count("\u201d"):
            k = e
            while k < len(text) and k - e < 3 and text[k] in '.,!?\u201d"':
                if text[k] == "\u201d":
                    return k + 1
                k += 1
        return e

    def _content(self, c: Cue, s0: int, s1: int) -> tuple[int, int] | None:
        text = self.text
        front = text[s0 : min(c.anchor, c.start)].rstrip()
        quoted_front = False
        if front.endswith(("''", "\u201d", '"')) and front.rstrip("'\u201d\"").endswith(","):
            front = front.rstrip("'\u201d\"")  # '',''The promise ...,'' said J. J. Price
            quoted_front = True
        start = c.finish if c.kind == "according" or c.inverted else c.end
        if c.word == "put":  # "as one analyst put it, ..."
            start = c.end + 4
        if c.content_from >= 0:
            return _strip(text, _skip_to_that(text, c.content_from, s1), s1)
        tail = text[start:s1]
        short_tail = (
            _adjunct_only(tail)
            or (len(tail.split()) <= 5 and " that " not in tail and len(front.split()) >= 6)
            # ", said Michael O'Hanlon, a senior fellow ...", "X said, calling ...": the
            # words after the tag describe the speaker or go on; the content came first
            or (c.inverted and tail.lstrip().startswith(",") and front.endswith(","))
            # "''…,'' Ms. Sherry said, sitting at ...": the quotation was the content
            or (quoted_front and " that " not in tail)
        )
        if (
            front.endswith(",")
            and len(front.split()) >= 3
            and c.kind != "participle"
            and (short_tail or (c.kind == "according" and _front_content(front, tail)))
        ):
            return _strip(text, s0, s0 + len(front) - 1)
        if c.kind == "according" and len(front.split()) >= 4 and not tail.strip(" .;\n"):
            # "Clinton leads by 271 delegates according to a count by the AP."
            return _strip(text, s0, s0 + len(front))
        if c.kind == "according":
            comma = text.find(",", start, s1)
            if comma < 0:
                return None
            start = comma + 1
        elif c.word in {"told", "tells", "telling", "asked", "asks", "urged"}:
            that = re.compile(r"\bthat\b").search(text, start, min(s1, start + 80))
            start = that.end() if that else start
        else:
            start = _skip_to_that(text, start, s1)
        return _strip(text, start, _clause_stop(text, start, s1))

    def _emit(self, s: int, e: int, kind: QuoteKind, attr: _Attr | None) -> None:
        if attr is None:
            self.out.append(Quote(self.original[s:e], s, e, kind, confidence=0.5))
            return
        m, r = attr.mention, attr.resolved
        self.out.append(
            Quote(
                text=self.original[s:e],
                start=s,
                end=e,
                kind=kind,
                speaker=r.name,
                speaker_role=r.role,
                speaker_mention=Span(m.start, m.end) if m is not None else None,
                cue=attr.cue,
                anonymous=r.anonymous,
                confidence=attr.confidence,
            )
        )

    def _finish(self) -> list[Quote]:
        renames = self.resolver.renames
        out = _drop_nested_reports(self.out)
        if renames:
            out = [_renamed(q, renames) for q in out]
        return sorted(out, key=lambda q: (q.start, q.end))


_NEST_LOOKBACK = 8


def _drop_nested_reports(quotes: list[Quote]) -> list[Quote]:
    """An indirect report lying inside another one and covering at least half of it is
    the same content found twice ("Roe said [he supports [raising Pell grants]]": the
    report of "supports" inside the report of "said"): keep the outer one."""
    reports = sorted(
        (q for q in quotes if q.kind is QuoteKind.INDIRECT), key=lambda q: (q.start, -q.end)
    )
    nested: set[tuple[int, int]] = set()
    for i, q in enumerate(reports):
        # the few reports opening just before: a bounded look-back keeps this linear
        for o in reports[max(0, i - _NEST_LOOKBACK) : i]:
            if (
                q.end <= o.end
                and (o.start, o.end) != (q.start, q.end)
                and 2 * (q.end - q.start) >= o.end - o.start
            ):
                nested.add((q.start, q.end))
                break
    if not nested:
        return quotes
    return [q for q in quotes if q.kind is not QuoteKind.INDIRECT or (q.start, q.end) not in nested]


def _renamed(q: Quote, renames: dict[str, str]) -> Quote:
    if q.speaker not in renames:
        return q
    return Quote(
        q.text,
        q.start,
        q.end,
        q.kind,
        renames[q.speaker],
        q.speaker_role,
        q.speaker_mention,
        q.cue,
        q.anonymous,
        q.confidence,
    )


# a quotation's span, the rules' speaker name and mention, each candidate's span and
# name (None: the rules' pick from outside the sentence), and each one's features
RankExample = tuple[
    int,
    int,
    str | None,
    Mention | None,
    list[tuple[int, int, str | None] | None],
    list[dict[str, float]],
]


_RANK_REACH = 400
# "went on to say": a verb phrase between a subject and its cue
_GO_ON_TO_RE = re.compile(
    r"\b(?:went on|goes on|go on|continued|continues|proceeded|(?:was|were|is|are) quick|"
    r"hastened|took to (?:Twitter|Facebook|Instagram))\s+to\s+\Z"
)
# "who he dubbed", "whom she called": a pronoun subject inside an object relative clause
_RELATIVE_SUBJECT_RE = re.compile(r"\s+(he|she|they|I|we)\s+(?:also\s+|later\s+|once\s+)?[a-z]+")
# "X was asked by host Y": the agent of a passive question speaks
_ASKED_WORDS = lx.words("asked questioned pressed challenged")
_PASSIVE_BEFORE_RE = re.compile(r"\b(?:was|were|is|are|been|being)\s+\Z")
_BY_AFTER_RE = re.compile(r"\s+by\s+")
_WH = lx.words("why whether what how if about to when where who")
# "..., reports the Sun.": tags that report a whole quoted statement
_REPORT_WORDS = lx.words("reports reported")
_TAG_GAP_WORDS = 8  # "said at a press conference on Monday, according to ..."
_QUOTE_CHARS = '\u201c\u201d"\u00ab\u00bb'
# "In a Washington Post/ABC News poll released Sunday, ...": the poll up to its comma
_POLL_LEAD_RE = re.compile(
    r"\bIn\s+((?:a|an|the|this|that|its|their|[A-Z][\w’'.\-/]*[’']s)\s+[^,.;:\n]{0,80}?"
    r"\b(?:poll|survey)\b[^,.;:\n]{0,60}?)\s*,"
)
_CLAUSE_OPENER_RE = re.compile(
    r"(?:when|as|while|after|before|because|since|and|but|where|though|although|until|once|"
    r"so|then|with)\s+"
)
_RANK_ROWS = 12


def _nearest(
    cands: list[Mention], q_open: int, q_close: int, pick: Mention | None
) -> list[Mention]:
    """The candidates closest to the quotation (the pick always among them), in text
    order: a run-on sentence of a thousand names costs no more than a short one."""
    if len(cands) <= _RANK_ROWS:
        return cands

    def distance(m: Mention) -> int:
        if pick is not None and _overlaps(m, pick):
            return -1
        return q_open - m.end if m.end <= q_open else max(0, m.start - q_close)

    keep = sorted(cands, key=distance)[:_RANK_ROWS]
    return sorted(keep, key=lambda m: m.start)


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


_NP_OPENERS = lx.words("the a an several some many most both all")
_CANDIDATE_WINDOW = 64
_CLAUSE_REACH = 200
_REPORTING_WORDS = _CUE_WORDS | lx.ATTRIBUTION_HINTS | lx.words("made make makes")
# pronouns that may stand for a named speaker in the quotation's own clause
_STAND_IN_PRONOUNS = lx.words("he she He She they They his her His Her their Their")
# "her remark that “", "his oft-repeated claim, “": a possessive owning words of saying
_OWNER_BEFORE_RE = re.compile(
    r"\b(his|her|their)\s+(?:[\w\-]+\s+){0,2}?(?:"
    + "|".join(sorted(rank.SPEECH_NOUNS))
    + r")(?:\s+that)?[\s,:]*\Z"
)
_VERB_AFTER_RE = re.compile(r"\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?[a-z]+\b")
# marks no word can hold or look past: a scan may stop and restart at them
_CLEAN_OPENS = frozenset('\u201c\u201e"')
_CLEAN_CLOSES = frozenset(("\u201d", '"', "\n", "\u201c", "\u201e", ""))
_ODD_SPACES = "\u00a0\u2007\u2009\u202f\u2002\u2003"  # no-break, figure, thin, en, em


def _subtitled(inner: str) -> bool:
    """Is ``inner`` a title with a subtitle, every word capitalised but small ones?"""
    if _SUBTITLE_RE.match(inner) is None or _SENT_END_RE.search(inner) is not None:
        return False
    words = inner.split()
    if len(words) < 3 or (len(words[0]) > 1 and words[0].isupper()):
        return False  # "PENCE: We Will Win": a transcript label, not a title
    return all(w[:1].isupper() or w[:1].isdigit() or w in _SMALL for w in words)


_LINE_OPENS_RE = re.compile(r"(?:\A|\n)[ \t]*\Z")
_LINE_ENDS_RE = re.compile(r'[ \t.!?\u201d"]{0,8}(?:\n|\Z)')


def _subheading(text: str, q: MarkSpan, inner: str) -> bool:
    """A subheading: a capitalised line that is only a quotation (“DIVISIVE, STUPID AND
    WRONG” between two paragraphs)."""
    if not inner.isupper() or len(inner.split()) < 2:
        return False
    # look only at the line's ends next to the marks: a long line costs nothing more
    return (
        _LINE_OPENS_RE.search(text, max(0, q.open_at - 8), q.open_at) is not None
        and _LINE_ENDS_RE.match(text, q.end) is not None
    )


def _plain_spaces(text: str) -> str:
    """Every odd space read as a space; ``str.replace`` per space present, as
    ``str.translate`` looks up each of the story's characters in a dict."""
    for space in _ODD_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return text


_ANSWERS = lx.words("so yes no")
_PUT_IT_RE = re.compile(r" it\b(?![’'])")
_AS_RE = re.compile(r"(?:^|[\s,(—–])[Aa]s\s")


def _as_put_it(text: str, start: int, end: int) -> bool:
    """ "as one analyst put it, ...", "..., as The New Yorker put it in an expose": not
    "he put it on the table"."""
    if _PUT_IT_RE.match(text, end) is None:
        return False
    return _AS_RE.search(text, max(0, start - 100), start) is not None


_TOLD = lx.words("told tells tell telling")
_INTRO_ENDS = frozenset({"", ":", ".", ",", ":\u201c", ':"'})


_PHRASE_STOP = lx.words("conducted by for published released from that which who")


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


def _weaker(attr: _Attr | None, confidence: float) -> _Attr | None:
    if attr is None or attr.confidence <= confidence:
        return attr
    return replace(attr, confidence=confidence)


_DASH_TAG_RE = re.compile(
    r"[ \t\u00a0]*(?:\n{1,2}[ \t]*)?[\u2015\u2014\u2013-]+[ \t\u00a0]*(?=[A-Z])"
)
_COLON_LINE_RE = re.compile(r"[ \t]*([A-Z][\w.’'\-]*(?: [A-Z][\w.’'\-]*){0,3}): (?=\S)")
_LABEL_RE = re.compile(r"\s*([A-Z][A-Z'’\-]+(?: [A-Z][A-Z'’\-]+){0,2}):\s")
_LABEL_STOP = lx.words("UPDATE NOTE BREAKING WATCH READ EDITOR PHOTO VIDEO CORRECTION PS P.S")
_TAG_PUNCT = frozenset(",?!—–-…")
_VERB_NEXT_RE = re.compile(
    r"(?:\s*\([^()\n]{1,24}\))?(?:,[^,\n]{1,160},)?\s+(?:also\s+|later\s+|then\s+)?[a-z]+\b"
)
# sentence openers to skip before looking for the subject
# a dateline: "PHILADELPHIA, July 25 (UPI) — ", "Washington (AFP) – ", "PORTLAND, Ore. - "
_DATELINE = (
    r"(?:(?:[A-Z][A-Z.’'\-]+(?: [A-Z][A-Z.’'\-]+){0,3}|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?= \())"
    r"(?:, [A-Z][a-z]{1,8}\.?(?: [A-Z][a-z]+\.?)?)?(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?: \([A-Za-z]{2,12}\))? [—–-] (?=[A-Z]))"
)
_DATELINE_RE = re.compile(_DATELINE)
_LEAD_RE = re.compile(
    _DATELINE + "?"
    r"(?:(?:But|And|So|Yet|Still|Now|Meanwhile|However|Instead|Then)\b,?\s*)?"
    r"(?:(?:In|At|On|During|After|Before|When|While|Asked|Speaking|Since|Last|Earlier|"
    r"Later|On|As|Like|Unlike|Despite|Following|With|Over|Under|Hours|Days|Weeks|Months|Minutes|"
    r"This|That|Two|Three|A day|A week|[A-Z][a-z]+ing|[A-Z][a-z]{3,}ly)\b"
    r"[^,\u201c\u201d\"]{0,120},\s*(?:\d{4},\s*)?)?"  # "On July 6, 2015, "
)
_GLUE_RE = re.compile(r"[\s,—–\-:]*\Z")


def _only_glue(s: str) -> bool:
    return _GLUE_RE.match(s) is not None


_FINITE = lx.words(
    """is was has had would will could should can may might does did are were isn't wasn't
    hasn't hadn't won't wouldn't can't couldn't doesn't didn't needs wants must"""
)


# the word right after a would-be inverted subject, on its line ("said he hoped")
_INVERTED_NEXT_RE = re.compile(r"[ \t\u00a0]+([a-z][\w’']*)")


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


_PREP_BEFORE_RE = re.compile(r"\b(?:to|with|by|from|for|about|at|of)\s+\Z")
# "Sanders continues to trail Clinton": a verb of saying used as "keep on"
_ASPECTUAL = lx.words("continues continued continue continuing")
_PREV_WORD_RE = re.compile(r"([\w’'\-]+)[\s,]*\Z")
_NEXT_WORD_RE = re.compile(r"[\s,]*([\w’'\-]+)")
_SMALL = lx.words("a an the of and or for to in on at by with from as is it vs")
_NAMING = lx.words(
    """called calling dubbed named labeled labelled termed titled term word phrase slogan
    label as so-called nicknamed branded deemed"""
)
_DETS = lx.words("a an the his her their its this that these those our your my")
_PREPS = lx.words("in on at of for with from to by about into over than like")
_THAT_BEFORE_RE = re.compile(r"\bthat\s+(?:[\w’'.\-]+\s+){0,4}\Z")
_FIRST_WORD_RE = re.compile(r"[A-Z][\w’'.\-]*")
_NOT_NAME_START = lx.NON_NAME_CAPS | lx.PRONOUNS | lx.words("The A An It")
_OPEN_MARKS = frozenset('\u201c"\u00ab\u201e')


_ADJUNCT_WORDS = lx.DAYS | lx.words(
    """on in at during last this a an the statement interview week month year morning night
    afternoon evening recently previously earlier later repeatedly also reporters him her
    them us me today yesterday tonight publicly privately again often once then now out
    conference call news press release email weekend"""
)
_THAT_WORD_RE = re.compile(r"[\w’'.-]+|[^\w\s]")


_COORDINATED_RE = re.compile(r"\b(?:and|but|then)\s+(?:(?:also|later|then)\s+)?\Z")
_TAIL_WORD_RE = re.compile(r"[\w’'.-]+")
_TAIL_PREPS = lx.words("in on at during to of for with after before about from by via")


def _adjunct_only(tail: str) -> bool:
    """ ", a source said on Tuesday in an interview.": nothing but time and place."""
    words = _TAIL_WORD_RE.findall(tail)
    if len(words) > 8:
        return False
    return all(
        w in _ADJUNCT_WORDS or w in _TAIL_PREPS or w[:1].isupper() or w[:1].isdigit() for w in words
    )


_CLAUSE_STOP_RE = re.compile(
    r",\s+(?:[a-z]+ing\b|according to\b|who\b|which\b|while\b|but\b|and (?:said|added)\b)"
)


def _clause_stop(text: str, start: int, s1: int) -> int:
    """The reported clause ends before ", arguing that ...", ", according to ...",
    ", who ...": those are attributions or descriptions of their own."""
    m = _CLAUSE_STOP_RE.search(text, start, s1)
    if m is None or m.start() - start < 8 or _inside_marks(text, start, m.start()):
        return s1
    return m.start()


def _inside_marks(text: str, start: int, pos: int) -> bool:
    """Is ``pos`` inside a quotation opened after ``start``?"""
    seg = text[start:pos]
    return seg.count("\u201c") > seg.count("\u201d") or seg.count('"') % 2 == 1


def _skip_to_that(text: str, start: int, s1: int) -> int:
    """After "said" skip "on Friday that", "Tuesday that", ": " to the reported clause."""
    pos = start
    for m in _THAT_WORD_RE.finditer(text, start, min(s1, start + 60)):
        w = m.group()
        if w == "that":
            return m.end()
        if w in {",", ":"} and m.start() - start <= 1:
            pos = m.end()
            continue
        if w not in _ADJUNCT_WORDS and not w[:1].isupper():
            break
    m2 = _THAT_RE.match(text, pos, s1)
    return m2.end() if m2 else pos


_DETERMINER_BEFORE_RE = re.compile(
    r"(?:\b(?:a|an|the|of|his|her|their|its|our|my|your|no|any|this|these|those|some)|’s|'s)"
    r"\s+\Z"
)


def _is_noun_use(text: str, pos: int) -> bool:
    """ "a glimmer of hope", "her claims": a cue word used as a noun."""
    return _DETERMINER_BEFORE_RE.search(text, max(0, pos - 8), pos) is not None


def _front_content(front: str, tail: str) -> bool:
    """ "X, according to Y." or "X, according to Y, who ...": the content comes first."""
    t = tail.lstrip()
    if not t.startswith(","):
        return True
    return t[1:].lstrip().startswith(("who ", "which ")) or len(front.split()) >= 6


_SPEAKING_PRONOUNS = lx.words("he she they we i He She They We I")


def _good_subject(m: Mention) -> bool:
    """Not "Shortly", "Acknowledging", "It": words that open a sentence without speaking."""
    if m.pronoun:
        return m.text in _SPEAKING_PRONOUNS
    first = m.text.split()[0]
    if first[:1].isupper() and first.endswith(("ly", "ing")) and m.name == first:
        return False
    return not (m.name is not None and " " not in m.name and m.name.endswith(("ly", "ing")))


def _described_person(m: Mention) -> bool:
    """ "A spokesperson for France's foreign minister": a determiner and a role noun."""
    words = m.text.split()
    if len(words) < 2 or words[0] not in {"A", "An", "The", "a", "an", "the", "One", "one"}:
        return False
    head = words[1:]
    for prep in ("for", "of", "at", "from", "with", "in"):
        if prep in head:
            head = head[: head.index(prep)]
    return bool(head) and head[-1].lower() in lx.ROLE_WORDS


def _near_start(text: str, s0: int, pos: int) -> bool:
    """Is ``pos`` the sentence's subject position (after an opener and a lead clause)?"""
    start = _skip_space(text, s0)
    head = _LEAD_RE.match(text, start, pos + 1)
    if head is not None and head.end() <= pos:
        start = head.end()
    return pos - start <= 2


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\u00a0":
        pos += 1
    return pos


_STRIP = " \t\n\u00a0,;:—–-"


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _STRIP:
        s += 1
    while e > s and (text[e - 1] in _STRIP or (text[e - 1] in '.\u201d"' and e - 1 > s)):
        e -= 1
    return s, e


def _word_count(text: str, q: MarkSpan) -> int:
    return len(text[q.start : q.end].split())


def extract(text: str) -> list[Quote]:
    """All attributed quotes in ``text``, sorted by start."""
    return Extractor(text).run()
