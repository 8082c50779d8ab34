"""What a cue reports: the span of its reported clause ("said [that the deal is off]"),
or the front of the sentence for a tag at its end ("[The deal is off], a source said")."""

from __future__ import annotations

import re
from bisect import bisect_left

from summarizer.quotes.cues import Cue
from summarizer.quotes.language import Language, words
from summarizer.quotes.marks import MarkSpan
from summarizer.quotes.sentences import Story, strip

# words a reported clause needs besides its quotation to be reported on its own
CLAUSE_OWN_WORDS = 3
_WORD_COUNT_RE = re.compile(r"\w+")
_THAT_RE = re.compile(r"\s*(?:that\b|:|,)?\s*")
_ADJUNCT_WORDS = words(
    """on in at during last this a an the statement interview week month year morning night
    afternoon evening recently previously earlier later repeatedly also reporters him her
    them us me today yesterday tonight publicly privately again often once then now out
    conference call news press release email weekend"""
)
_THAT_WORD_RE = re.compile(r"[\w’'.-]+|[^\w\s]")
_TAIL_WORD_RE = re.compile(r"[\w’'.-]+")
_TAIL_PREPS = words("in on at during to of for with after before about from by via")
_PART_ENDS = frozenset(".?!")
_CLAUSE_STOP_RE = re.compile(
    r",\s+(?:[a-z]+ing\b|according to\b|who\b|which\b|while\b|but\b|and (?:said|added)\b)"
)


class ReportedClauses:
    """Finds the content of one story's cues."""

    def __init__(self, story: Story, lang: Language) -> None:
        self.story = story
        self.text = story.text
        # time and place words: ", a source said on Tuesday in an interview."
        self._adjunct_words = lang.days | _ADJUNCT_WORDS

    def content(self, c: Cue, s0: int, s1: int) -> tuple[int, int] | None:
        """The span ``c`` reports within its sentence ``s0``..``s1``, if any."""
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
            return strip(text, self._skip_to_that(text, c.content_from, s1), s1)
        tail = text[start:s1]
        short_tail = (
            self._adjunct_only(tail)
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
            s, e = strip(text, s0, s0 + len(front) - 1)
            return (s, self._continued(c, e, s1)) if quoted_front else (s, e)
        if c.kind == "according" and len(front.split()) >= 4 and not tail.strip(" .;\n"):
            # "Clinton leads by 271 delegates according to a count by the AP."
            return strip(text, s0, s0 + len(front))
        if c.kind == "according":
            comma = text.find(",", start, s1)
            if comma < 0:
                return None
            start = comma + 1
        elif c.word in {"told", "tells", "telling", "asked", "asks", "urged"}:
            that = re.compile(r"\bthat\b").search(text, start, min(s1, start + 80))
            start = that.end() if that else start
        else:
            start = self._skip_to_that(text, start, s1)
        return strip(text, start, _clause_stop(text, start, s1))

    def _continued(self, c: Cue, e: int, s1: int) -> int:
        """ "''We will win,'' said Jane Roe, an aide. ''The map favours us.''": a quotation in
        two-apostrophe marks (which are no quotation marks of their own) that goes on after
        its tag is one report, in two parts; its content runs to the second part's end. The
        second part opens in the tag's sentence or the next one of the paragraph, and ends
        its sentence (",'' he added" would be a report of its own)."""
        text, story = self.text, self.story
        i = bisect_left(story.struct_starts, c.finish)
        if i >= len(story.struct):
            return e
        q = story.struct[i]
        if not q.closed or not text.startswith("''", q.open_at):
            return e
        if "\n" in text[c.finish : q.open_at] or text[s1 : q.open_at].strip():
            return e  # not the next sentence of the paragraph
        if q.open_at < s1 and text[c.finish : q.open_at].strip() not in ("", ","):
            return e  # "''…,'' Roe said, adding that ''…''": the words between report it
        if text[q.start : q.end].rstrip()[-1:] not in _PART_ENDS:
            return e
        return q.end + 2

    def around(self, q: MarkSpan, c: Cue, s0: int, s1: int) -> tuple[int, int] | None:
        """The reported clause that carries quotation ``q`` ("said he was “just trying”"),
        when it has words of its own besides the quotation: the real-news convention
        attributes both the clause and the quoted fragment, and a fragment shown alone
        can lose the verb and negation that give it its meaning."""
        span = self.content(c, s0, s1)
        if span is None:
            return None
        s, e = span
        if not (s <= q.start and q.end <= e + 1):
            return None
        if self.text[s : q.open_at].rstrip().endswith((",", ":")):
            return None  # "..., explaining why, “but most ...”": a quotation of its own
        if q.after < e and self._adjunct_only(self.text[q.after : e]):
            e = q.after  # "... as “a road to nowhere” on Wednesday": the report ends at it
        own = _WORD_COUNT_RE.findall(self.text, s, max(s, q.open_at))
        own += _WORD_COUNT_RE.findall(self.text, min(e, q.after), e)
        if len(own) < CLAUSE_OWN_WORDS:
            return None  # the quotation is the whole report
        return s, e

    def close_marks(self, s: int, e: int) -> int:
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

    def _adjunct_only(self, tail: str) -> bool:
        """ ", a source said on Tuesday in an interview.": nothing but time and place."""
        words = _TAIL_WORD_RE.findall(tail)
        if len(words) > 8:
            return False
        return all(
            w in self._adjunct_words or w in _TAIL_PREPS or w[:1].isupper() or w[:1].isdigit()
            for w in words
        )

    def _skip_to_that(self, text: str, start: int, s1: int) -> int:
        """After "said" skip "on Friday that", "Tuesday that", ": " to the reported clause."""
        pos = start
        for m in _THAT_WORD_RE.finditer(text, start, min(s1, start + 60)):
            w = m.group()
            if w == "that":
                return m.end()
            if w in {",", ":"} and m.start() - start <= 1:
                pos = m.end()
                continue
            if w not in self._adjunct_words and not w[:1].isupper():
                break
        m2 = _THAT_RE.match(text, pos, s1)
        return m2.end() if m2 else pos


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


def _front_content(front: str, tail: str) -> bool:
    """ "X, according to Y." or "X, according to Y, who ...": the content comes first."""
    t = tail.lstrip()
    if not t.startswith(","):
        return True
    return t[1:].lstrip().startswith(("who ", "which ")) or len(front.split()) >= 6
