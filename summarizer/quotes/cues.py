"""Cues: the reporting words outside quotation marks ("said", "according to", ", saying"),
and which cue a quotation hangs on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.quotes.language import Language, words
from summarizer.quotes.marks import MarkSpan
from summarizer.quotes.mentions import left_mention
from summarizer.quotes.names import Mention
from summarizer.quotes.resolve import Resolved
from summarizer.quotes.sentences import Story, only_glue, skip_space
from summarizer.quotes.words import tokens


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


# "Trump announcedthe leaders ...": a space lost where an inline tag of the page ended;
# a cue word of five letters or more run into a determiner, pronoun or "that"
_GLUED = r"(?<=\w{5})(?=(?:the|that|his|her|their)\b)"


@cache
def cue_pattern(lang: Language) -> re.Pattern[str]:
    """Any cue word of ``lang``, "according to", or a capitalised inverted "Said X"."""
    # the first-letter test first: the engine tries the trie's branches one by one
    first = "".join(sorted({w[0] for w in lang.cue_words} | set("AaSW")))
    return re.compile(
        r"\b(?=["
        + first
        + r"])(?:[Aa]ccording to\b|(?:"
        + _trie_pattern(lang.cue_words)
        + r")(?:\b|"
        + _GLUED
        + r")|(?:Said|Says|Added|Asked|Wrote)\b(?= [A-Z]))"
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


# "..., reports the Sun.": tags that report a whole quoted statement
REPORT_WORDS = words("reports reported")
TOLD = words("told tells tell telling")
_TAG_GAP_WORDS = 8  # "said at a press conference on Monday, according to ..."
_QUOTE_CHARS = '\u201c\u201d"\u00ab\u00bb'
# "In a Washington Post/ABC News poll released Sunday, ...": the poll up to its comma
# (the literal "In" first, its word boundary looked behind: the engine then jumps from one
# "In" to the next instead of trying the pattern at every character)
_POLL_LEAD_RE = re.compile(
    r"In(?<!\wIn)\s+((?:a|an|the|this|that|its|their|[A-Z][\w’'.\-/]*[’']s)\s+[^,.;:\n]{0,80}?"
    r"\b(?:poll|survey)\b[^,.;:\n]{0,60}?)\s*,"
)


# "Trump’s statement that", "his stern warning that": an owner, up to two modifiers, a
# noun of saying and "that"
@cache
def _owned_report_re(lang: Language) -> re.Pattern[str]:
    return re.compile(
        r"\b(?:(his|her|their|His|Her|Their)|([A-Z][\w.\-]*(?: [A-Z][\w.\-]*){0,3})[’']s)\s+"
        r"(?:[a-z][\w\-]*\s+){0,2}?(" + "|".join(sorted(lang.speech_nouns)) + r")\s+that\b"
    )


_FRONTED_RE = re.compile(
    r"(?:After|While|When|Whereas|Although|Though|Even as|Even though|Even if|Before|Once|"
    r"Until|Because|Since|With)\b"
)
_TOLD_OBJECT_RE = re.compile(r"\s+(?:[\w’'.\-]+\s+){1,3}")
_THAT_BEFORE_RE = re.compile(r"\bthat\s+(?:[\w’'.\-]+\s+){0,4}\Z")
# "Sanders continues to trail Clinton": a verb of saying used as "keep on"
_ASPECTUAL = words("continues continued continue continuing")
_PUT_IT_RE = re.compile(r" it\b(?![’'])")
_AS_RE = re.compile(r"(?:^|[\s,(—–])[Aa]s\s")
_DETERMINER_BEFORE_RE = re.compile(
    r"(?:\b(?:a|an|the|of|his|her|their|its|our|my|your|no|any|this|these|those|some)|’s|'s)"
    r"\s+\Z"
)


class Cues:
    """Finds a story's cues and tells which one a quotation hangs on."""

    def __init__(self, story: Story, lang: Language) -> None:
        self.story = story
        self.text = story.text
        self.lang = lang

    def find(self) -> list[Cue]:
        """Every cue outside quotation marks, poll leads included, in text order."""
        text = self.text
        speech_nouns = self.lang.speech_nouns
        cues = [
            Cue(m.start(), m.end(), m.group(), self._kind_of(m.group()))
            for m in cue_pattern(self.lang).finditer(text)
            if (m.group() != "put" or _as_put_it(text, m.start(), m.end()))
            and not (m.group() in _ASPECTUAL and text.startswith(" to ", m.end()))
            and not self.story.in_quote(m.start())
            and not _is_noun_use(text, m.start(), speech_nouns)
        ]
        cues.extend(self._poll_leads())
        cues.extend(self._owned_reports(cues))
        cues.sort(key=lambda c: c.start)
        return cues

    def _kind_of(self, word: str) -> str:
        w = word.lower()
        if w.startswith("according"):
            return "according"
        if w in self.lang.participles:
            return "participle"
        if w == "put":
            return "speech"
        return "speech" if w in self.lang.speech_verbs else "opinion"

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
            if (k > 0 and text[k - 1] not in '.!?\n\u201d"') or self.story.in_quote(m.start()):
                continue  # not at a sentence's start
            cue = Cue(m.start(), m.start() + 2, "In", "according")
            cue.mention = Mention(m.start(1), m.end(1), m.group(1))
            out.append(cue)
        return out

    def _owned_reports(self, found: list[Cue]) -> list[Cue]:
        """ "Trump’s statement that the U.S. was willing ...", "his warning that ...": a noun
        of saying with its owner and a that-clause reports the clause; the owner speaks."""
        text = self.text
        taken = {c.start for c in found}
        out = []
        for m in _owned_report_re(self.lang).finditer(text):
            if m.start(3) in taken or self.story.in_quote(m.start(3)):
                continue
            if m.group(1) is not None:
                mention: Mention | None = Mention(m.start(1), m.end(1), m.group(1), pronoun=True)
            else:
                mention = left_mention(self.lang, text, m.start(2), m.end(2))
                if mention is None or mention.pronoun or mention.end != m.end(2):
                    continue
            cue = Cue(m.start(3), m.end(3), m.group(3), "speech")
            cue.mention = mention
            out.append(cue)
        return out

    def cue_text(self, c: Cue) -> str:
        """The cue as a quote records it: "told CNN" keeps whom it was told."""
        if c.word in {"told", "tells", "telling"}:
            toks = tokens(self.text, c.end, min(len(self.text), c.end + 40))
            if toks and toks[0].word[:1].isupper() and toks[0].start - c.end <= 1:
                return f"{c.word} {toks[0].bare}"
        return c.word

    def cue_for(self, q: MarkSpan, sc: list[Cue], s0: int) -> tuple[Cue | None, float]:
        """The cue a quotation hangs on, and how sure that is."""
        close = q.after
        for c in sc:
            if c.mention is None:
                continue
            if close <= c.anchor and only_glue(self.text[close : c.anchor]):
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
        m = _FRONTED_RE.match(self.text, skip_space(self.text, s0), hi)
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
            if d.kind != "according" and not (d.inverted and d.word in REPORT_WORDS):
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
        if outer.word in TOLD and inner.mention is not None and inner.mention.pronoun:
            # "The senator told reporters he feels good ... “...”": who is told is no speaker
            return _TOLD_OBJECT_RE.fullmatch(gap) is not None
        return not gap.strip()


def _as_put_it(text: str, start: int, end: int) -> bool:
    """ "as one analyst put it, ...", "..., as The New Yorker put it in an expose": not
    "he put it on the table"."""
    if _PUT_IT_RE.match(text, end) is None:
        return False
    return _AS_RE.search(text, max(0, start - 100), start) is not None


def _is_noun_use(text: str, pos: int, speech_nouns: frozenset[str]) -> bool:
    """ "a glimmer of hope", "her claims", "his repeated claims": a cue word used as a
    noun (after a possessive and adjectives only when it is a noun of saying)."""
    if _DETERMINER_BEFORE_RE.search(text, max(0, pos - 8), pos) is not None:
        return True
    return (
        _POSSESSIVE_ADJ_RE.search(text, max(0, pos - 40), pos) is not None
        and (m := _WORD_RE.match(text, pos)) is not None
        and m.group() in speech_nouns
    )


# "his repeated claims", "her latest public statement": adjectives between owner and noun
_POSSESSIVE_ADJ_RE = re.compile(
    r"\b(?:[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+(?:[a-z][\w\-]*(?:ed|al|ent|ive|ous|ic|est|ful)\s+){1,2}\Z"
)
_WORD_RE = re.compile(r"\w+")
